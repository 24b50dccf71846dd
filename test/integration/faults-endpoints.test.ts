/**
 * Endpoint failover and a misbehaving management API:
 * - a list of management / AMQP URLs whose first entries refuse, time out or
 *   hang: plan and apply go through the next one, fast, and warn
 *   (ENDPOINT_UNREACHABLE) naming the dead endpoint without its password;
 * - a management API answering 500 or not answering: idempotent calls are
 *   retried, POST is not, and the final error names the endpoint and status.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ManagementClient } from '../../src/live/http.js';
import { WarrenError } from '../../src/model/diagnostics.js';
import { deleteVhost, freshVhost, mgmt, testUrls } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';
import { deadPort, startProxy, viaPort } from '../helpers/tcp-proxy.js';

const vhosts: string[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  for (const v of vhosts) await deleteVhost(v);
});
async function vhost(prefix: string): Promise<string> {
  const v = await freshVhost(prefix);
  vhosts.push(v);
  return v;
}
const enc = encodeURIComponent;

function spec(v: string): string {
  return specFile({
    version: 1,
    vhosts: { [v]: { exchanges: { ex: { type: 'topic' } }, queues: { a: { bind: [{ exchange: 'ex', routing_key: 'a.#' }] }, b: {} } } },
  });
}

/** The broker's URLs with a password the test can look for in the output. */
function withUser(url: string, port: number): string {
  const u = new URL(viaPort(url, port));
  u.username = 'guest';
  u.password = 'guest';
  return u.toString().replace(/\/$/, '');
}

describe('endpoint failover', () => {
  it('applies through the second URL when the first refuses, and warns about the first, redacted', async () => {
    const v = await vhost('failover-refused');
    const { management, amqp } = testUrls();
    const deadM = await deadPort();
    const deadA = await deadPort();
    const t0 = Date.now();
    const r = await warren(
      'apply', spec(v), '--auto-approve',
      '--management-url', withUser(management, deadM), '--management-url', management,
      '--amqp-url', `${withUser(amqp, deadA)},${amqp}`,
    );
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const out = r.stdout + r.stderr;
    expect(out).toContain('ENDPOINT_UNREACHABLE');
    expect(out).toContain(`management API endpoint http://guest:****@127.0.0.1:${deadM}`);
    expect(out).toContain(`AMQP endpoint amqp://guest:****@127.0.0.1:${deadA}`);
    expect(out).toContain('connection refused');
    expect(out).not.toMatch(/guest:guest@/);
    expect((await mgmt('GET', `/api/queues/${enc(v)}/a`)).status).toBe(200);

    // the same lists from the environment; plan reports the dead node too
    const plan = await warren('plan', spec(v), '--detailed-exitcode', '--format', 'json', '--management-url', `${withUser(management, deadM)},${management}`);
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(plan.stdout) as { warnings: Array<{ code: string; message: string }> };
    expect(doc.warnings.map((w) => w.code)).toContain('ENDPOINT_UNREACHABLE');
    expect(plan.stdout).not.toContain('guest:guest@');
  });

  it('fails over fast when the first AMQP endpoint accepts but never answers', async () => {
    const v = await vhost('failover-hang');
    const { management, amqp } = testUrls();
    const hang = await startProxy({ host: '127.0.0.1', port: 1, hang: true });
    cleanups.push(() => hang.close());
    const t0 = Date.now();
    const r = await warren('apply', spec(v), '--auto-approve', '--management-url', management, '--amqp-url', `${withUser(amqp, hang.port)},${amqp}`);
    const took = Date.now() - t0;
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toContain(`AMQP endpoint amqp://guest:****@127.0.0.1:${hang.port}/`);
    expect(r.stderr).toContain('connect timed out');
    // a connect timeout of 2.5 s per connection (lock + apply), not a minute
    expect(took).toBeLessThan(15_000);
  });

  const python = spawnSync('python3', ['-c', 'print(1)']).status === 0;
  it.skipIf(!python)('fails over fast when the first management endpoint does not accept the connection (connect timeout)', async () => {
    const v = await vhost('failover-syn');
    const { management } = testUrls();
    const { port, child } = await silentListener();
    cleanups.push(() => void child.kill());
    const client = new ManagementClient(`${withUser(management, port)},${management}`);
    try {
      const t0 = Date.now();
      const vh = (await client.get(`/api/vhosts/${enc(v)}`)) as { name: string };
      expect(vh.name).toBe(v);
      expect(Date.now() - t0).toBeLessThan(6_000);
      expect(client.unreachable).toEqual([{ api: 'management', url: `http://guest:****@127.0.0.1:${port}`, reason: 'connect timed out' }]);
      expect(client.warnings()[0]?.code).toBe('ENDPOINT_UNREACHABLE');
    } finally {
      await client.close();
    }
  });

  it('names every endpoint when none answers', async () => {
    const [a, b] = [await deadPort(), await deadPort()];
    const r = await warren('plan', spec('x'), '--management-url', `http://ops:s3cret@127.0.0.1:${a},http://ops:s3cret@127.0.0.1:${b}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('BROKER_UNREACHABLE');
    expect(r.stderr).toContain(`http://ops:****@127.0.0.1:${a}`);
    expect(r.stderr).toContain(`http://ops:****@127.0.0.1:${b}`);
    expect(r.stderr).not.toContain('s3cret');
  });
});

interface Fake {
  readonly url: string;
  readonly hits: () => Array<{ method: string; path: string }>;
}

/** A tiny management API that answers every request with `handler`. */
async function fakeManagement(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Fake> {
  const hits: Array<{ method: string; path: string }> = [];
  const server: Server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', path: req.url ?? '' });
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://ops:s3cret@127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

const fail500 = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'internal_error', reason: 'boom' }));
};

describe('a management API that answers 500 or hangs', () => {
  it('retries idempotent reads and PUTs, never a POST; the error names the endpoint and status', async () => {
    const fake = await fakeManagement(fail500);
    const c = new ManagementClient(fake.url, { retries: 2 });
    try {
      const get = await c.get('/api/overview').catch((e: unknown) => e);
      expect(get).toBeInstanceOf(WarrenError);
      const msg = (get as WarrenError).diagnostics[0]?.message ?? '';
      expect(msg).toContain('GET /api/overview on http://ops:****@127.0.0.1:');
      expect(msg).toContain('HTTP 500: boom');
      expect(msg).not.toContain('s3cret');
      await c.put('/api/vhosts/x', {}).catch(() => undefined);
      await c.post('/api/bindings/x/e/a/q/b', {}).catch(() => undefined);
      expect(fake.hits().map((h) => h.method)).toEqual(['GET', 'GET', 'GET', 'PUT', 'PUT', 'PUT', 'POST']);
    } finally {
      await c.close();
    }
  });

  it('retries a request that gets no answer, then says the broker did not answer in time', async () => {
    const fake = await fakeManagement(() => undefined);
    const c = new ManagementClient(fake.url, { retries: 1, timeoutMs: 300 });
    try {
      const err = await c.get('/api/overview').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WarrenError);
      const d = (err as WarrenError).diagnostics[0];
      expect(d?.code).toBe('BROKER_UNREACHABLE');
      expect(d?.message).toContain('http://ops:****@127.0.0.1:');
      expect(d?.message).toContain('did not answer in time');
      expect(fake.hits()).toHaveLength(2);
    } finally {
      await c.close();
    }
  });

  it('moves to the next endpoint of the list after a 500 or a hang, and reads through it', async () => {
    const broken = await fakeManagement(fail500);
    const hung = await fakeManagement(() => undefined);
    const c = new ManagementClient(`${hung.url},${broken.url},${testUrls().management}`, { timeoutMs: 3_000 });
    try {
      const overview = (await c.get('/api/overview')) as { node?: string };
      expect(typeof overview.node).toBe('string');
      expect(hung.hits()).toHaveLength(1);
      expect(broken.hits()).toHaveLength(1);
      // and stays on the endpoint that answered
      await c.get('/api/overview');
      expect(hung.hits()).toHaveLength(1);
    } finally {
      await c.close();
    }
  });

  it('plan through the CLI reports the failing endpoint and the status', async () => {
    const fake = await fakeManagement(fail500);
    const r = await warren('plan', spec('x'), '--management-url', fake.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP_ERROR: GET \/api\/\S+ on http:\/\/ops:\*\*\*\*@127\.0\.0\.1:\d+ failed with HTTP 500: boom/);
    expect(r.stderr).not.toContain('s3cret');
  });
});

/**
 * A listener whose accept queue is full, so a connect is never answered
 * (SYN dropped): the real "node does not answer" case, which a server that
 * accepts cannot produce. Python, because Node always accepts.
 */
async function silentListener(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn('python3', [
    '-c',
    'import socket,time,sys\n' +
      's=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(0)\n' +
      'p=s.getsockname()[1]\n' +
      'fill=[socket.create_connection(("127.0.0.1",p)) for _ in range(1)]\n' +
      'print(p, flush=True)\n' +
      'time.sleep(120)\n',
  ]);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('error', reject);
  });
  return { port, child };
}
