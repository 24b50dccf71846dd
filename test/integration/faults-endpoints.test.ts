/**
 * Endpoint failover and a misbehaving management API:
 * - a list of management / AMQP URLs whose first entries refuse, time out or
 *   hang: plan and apply go through the next one, fast, and warn
 *   (ENDPOINT_UNREACHABLE) naming the dead endpoint without its password;
 * - an endpoint that accepts TCP connections and never says a byte, listed
 *   first: plan and apply fail over in seconds (the management client probes
 *   each endpoint of a list once; amqplib's socket timeout covers the AMQP
 *   handshake), while a slow answer of a live endpoint is still waited for;
 * - a management API answering 500 or not answering: idempotent calls are
 *   retried, POST is not, and the final error names the endpoint and status.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
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

  it('`warren drift` reports the endpoint that did not answer in every format, redacted', async () => {
    const v = await vhost('failover-drift');
    const { management } = testUrls();
    const dead = `http://ops:s3cret@127.0.0.1:${await deadPort()}`;
    const list = `${dead},${management}`;
    const said = 'did not answer (connection refused); Warren used another endpoint of the list';
    const json = await warren('drift', spec(v), '--format', 'json', '--management-url', list);
    expect(json.code, json.stderr).toBe(2); // nothing applied yet: drift
    const doc = JSON.parse(json.stdout) as { warnings: Array<{ code: string; severity: string; message: string }> };
    expect(doc.warnings.filter((w) => w.code === 'ENDPOINT_UNREACHABLE').map((w) => w.severity)).toEqual(['warning']);
    expect(doc.warnings[0]?.message).toContain(`http://ops:****@127.0.0.1:${new URL(dead).port} ${said}`);
    const text = await warren('drift', spec(v), '--management-url', list);
    expect(text.stdout).toMatch(/Warnings:\n {2}warning ENDPOINT_UNREACHABLE: management API endpoint http:\/\/ops:\*{4}@/);
    const md = await warren('drift', spec(v), '--format', 'markdown', '--management-url', list);
    expect(md.stdout).toContain('**Warnings**');
    expect(md.stdout).toContain(said);
    const junit = await warren('drift', spec(v), '--format', 'junit', '--management-url', list);
    expect(junit.stdout).toMatch(/<system-out>warning ENDPOINT_UNREACHABLE: management API endpoint http:\/\/ops:\*{4}@127\.0\.0\.1:\d+ did not answer/);
    for (const r of [json, text, md, junit]) expect(r.stdout + r.stderr).not.toContain('s3cret');

    // No endpoint answers: JUnit still gets a report (one failing case), and the exit status is 1.
    const none = await warren('drift', spec(v), '--format', 'junit', '--management-url', dead);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/<testcase classname="warren.drift" name="read the broker">\s*<failure message="cannot reach the RabbitMQ management API at http:\/\/ops:\*{4}@/);
    expect(none.stderr).toContain('BROKER_UNREACHABLE');
    expect(none.stdout + none.stderr).not.toContain('s3cret');
  });

  it('`apply --format json` carries the unreachable management and AMQP endpoints in `warnings`, redacted, also with nothing to do', async () => {
    const v = await vhost('failover-json');
    const { management, amqp } = testUrls();
    const [deadM, deadA] = [await deadPort(), await deadPort()];
    const dm = `http://ops:s3cret@127.0.0.1:${deadM}`;
    const da = `amqp://ops:s3cret@127.0.0.1:${deadA}`;
    type Doc = { format_version: number; status: string; applied: unknown[]; warnings: Array<{ code: string; severity: string; message: string }> };
    const unreachable = (doc: Doc): string[] => doc.warnings.filter((w) => w.code === 'ENDPOINT_UNREACHABLE').map((w) => `${w.severity} ${w.message}`);
    const expected = [
      `warning management API endpoint http://ops:****@127.0.0.1:${deadM} did not answer (connection refused); Warren used another endpoint of the list. Check that node`,
      `warning AMQP endpoint amqp://ops:****@127.0.0.1:${deadA}/${enc(v)} did not answer (connection refused); Warren used another endpoint of the list. Check that node`,
    ];

    const r = await warren('apply', spec(v), '--auto-approve', '--format', 'json', '--management-url', `${dm},${management}`, '--amqp-url', `${da},${amqp}`);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc).toMatchObject({ format_version: 1, status: 'applied' });
    expect(doc.applied.length).toBeGreaterThan(0);
    // each once, though the lock, the plan and the apply each met them
    expect(unreachable(doc)).toEqual(expected);
    expect(r.stdout + r.stderr).not.toContain('s3cret');

    // nothing to do: only the lock's connections ran, and their warnings are still reported
    const again = await warren('apply', spec(v), '--auto-approve', '--format', 'json', '--management-url', `${dm},${management}`, '--amqp-url', `${da},${amqp}`);
    expect(again.code, again.stderr).toBe(0);
    const doc2 = JSON.parse(again.stdout) as Doc;
    expect(doc2).toMatchObject({ status: 'applied', applied: [] });
    expect(unreachable(doc2)).toEqual(expected);
    expect(again.stdout + again.stderr).not.toContain('s3cret');

    // text output: each warning shown once too
    const text = await warren('apply', spec(v), '--auto-approve', '--management-url', `${dm},${management}`, '--amqp-url', `${da},${amqp}`);
    expect(text.code, text.stderr).toBe(0);
    for (const line of expected) expect((text.stdout + text.stderr).split(line.replace(/^warning /, '')).length - 1, line).toBe(1);
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
    expect(r.stderr).toContain('no answer within 2.5 s');
    // amqplib's socket timeout covers the handshake: 2.5 s per connection (lock + apply), not a minute
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

describe('an endpoint that accepts connections and never answers', () => {
  it('the management client skips it after one probe of 2.5 s, lists it as unreachable, and never probes it again', async () => {
    const v = await vhost('silent-mgmt');
    const { management } = testUrls();
    const silent = await silentServer();
    const client = new ManagementClient(`${withUser(management, silent.port)},${management}`);
    try {
      const t0 = Date.now();
      const vh = (await client.get(`/api/vhosts/${enc(v)}`)) as { name: string };
      const took = Date.now() - t0;
      expect(vh.name).toBe(v);
      expect(took).toBeGreaterThanOrEqual(2_000);
      expect(took).toBeLessThan(6_000);
      expect(client.unreachable).toEqual([{ api: 'management', url: `http://guest:****@127.0.0.1:${silent.port}`, reason: 'no answer within 2.5 s' }]);
      expect(client.warnings().map((w) => [w.code, w.severity])).toEqual([['ENDPOINT_UNREACHABLE', 'warning']]);
      expect(client.warnings()[0]?.message).toContain('did not answer (no answer within 2.5 s)');
      // concurrent and later requests go straight to the endpoint that answers
      const t1 = Date.now();
      await Promise.all([client.get('/api/overview'), client.get(`/api/queues/${enc(v)}`), client.get('/api/whoami')]);
      expect(Date.now() - t1).toBeLessThan(2_000);
      expect(silent.connections()).toBe(1);
      expect(client.unreachable).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('a slow answer is not cut short: the probe bounds only the first word, not the bulk reads', async () => {
    // Answers the probe at once, and a bulk list only after 4 s (longer than the probe's 2.5 s), like /api/queues on 100k queues.
    const slow = await fakeManagement((req, res) => {
      const answer = (): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(req.url === '/api/whoami' ? { name: 'ops', tags: ['administrator'] } : [{ name: 'from-the-slow-node' }]));
      };
      if (req.url === '/api/whoami') answer();
      else setTimeout(answer, 4_000);
    });
    const client = new ManagementClient(`${slow.url},${testUrls().management}`);
    try {
      const t0 = Date.now();
      expect(await client.get('/api/queues')).toEqual([{ name: 'from-the-slow-node' }]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(3_900);
      expect(client.unreachable).toEqual([]);
      expect(slow.hits().map((h) => h.path)).toEqual(['/api/whoami', '/api/queues']);
    } finally {
      await client.close();
    }
  });

  it('with every endpoint silent, the last one gets the request itself, and the error names both', async () => {
    const [a, b] = [await silentServer(), await silentServer()];
    const client = new ManagementClient(`http://ops:s3cret@127.0.0.1:${a.port},http://ops:s3cret@127.0.0.1:${b.port}`, { timeoutMs: 1_000, retries: 0 });
    try {
      const t0 = Date.now();
      const err = await client.get('/api/overview').catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(8_000);
      expect(err).toBeInstanceOf(WarrenError);
      const d = (err as WarrenError).diagnostics[0];
      expect(d?.code).toBe('BROKER_UNREACHABLE');
      expect(d?.message).toContain(`http://ops:****@127.0.0.1:${a.port} (GET /api/overview: no answer within 2.5 s)`);
      expect(d?.message).toContain(`http://ops:****@127.0.0.1:${b.port} (GET /api/overview: the broker did not answer in time)`);
      expect(d?.message).not.toContain('s3cret');
      // the probe never fails a request on its own: b, the last hope, was not probed but asked
      expect(client.unreachable.map((u) => u.url)).toEqual([`http://ops:****@127.0.0.1:${a.port}`]);
    } finally {
      await client.close();
    }
  });

  it('`warren plan` goes through the next management URL in seconds and reports the silent one', async () => {
    const v = await vhost('silent-plan');
    const { management } = testUrls();
    const silent = await silentServer();
    const t0 = Date.now();
    const r = await warren('plan', spec(v), '--format', 'json', '--management-url', `${withUser(management, silent.port)},${management}`);
    const took = Date.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    expect(took).toBeLessThan(15_000);
    const doc = JSON.parse(r.stdout) as { summary: { create: number }; warnings: Array<{ code: string; severity: string; message: string }> };
    expect(doc.summary.create).toBeGreaterThan(0);
    expect(doc.warnings.filter((w) => w.code === 'ENDPOINT_UNREACHABLE')).toEqual([
      {
        code: 'ENDPOINT_UNREACHABLE',
        severity: 'warning',
        message: `management API endpoint http://guest:****@127.0.0.1:${silent.port} did not answer (no answer within 2.5 s); Warren used another endpoint of the list. Check that node`,
      },
    ]);
    expect(r.stdout + r.stderr).not.toContain('guest:guest@');
  });

  it('`warren apply` goes through the next AMQP and management URLs in seconds and warns about the silent ones', async () => {
    const v = await vhost('silent-apply');
    const { management, amqp } = testUrls();
    const [silentM, silentA] = [await silentServer(), await silentServer()];
    const t0 = Date.now();
    const r = await warren(
      'apply', spec(v), '--auto-approve',
      '--management-url', `${withUser(management, silentM.port)},${management}`,
      '--amqp-url', `${withUser(amqp, silentA.port)},${amqp}`,
    );
    const took = Date.now() - t0;
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // once each: the management one with the plan (stdout), the AMQP one met while applying (stderr)
    const out = r.stdout + r.stderr;
    expect(out.split(`management API endpoint http://guest:****@127.0.0.1:${silentM.port} did not answer (no answer within 2.5 s)`)).toHaveLength(2);
    expect(out.split(`AMQP endpoint amqp://guest:****@127.0.0.1:${silentA.port}/${enc(v)} did not answer (no answer within 2.5 s)`)).toHaveLength(2);
    expect(r.stdout + r.stderr).not.toContain('guest:guest@');
    expect((await mgmt('GET', `/api/queues/${enc(v)}/a`)).status).toBe(200);
    console.log(`[faults] apply with a silent first management and AMQP endpoint: ${(took / 1000).toFixed(1)} s`);
    // The lock, the plan, the apply and the verification each have a management client, the lock
    // and the vhost an AMQP connection; the first to meet a silent endpoint waits 2.5 s, the others
    // skip it (remembered for the process): ~5 s in all, not ~15 s, never a minute.
    expect(took).toBeLessThan(12_000);
  });
});

/** A TCP server on loopback that accepts every connection and never sends a byte. */
async function silentServer(): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createTcpServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, connections: () => accepted };
}

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
      // the hung one got its probe only, and is skipped as unreachable; the broken one answers its probe, then 500
      expect(hung.hits()).toEqual([{ method: 'GET', path: '/api/whoami' }]);
      expect(broken.hits()).toEqual([{ method: 'GET', path: '/api/whoami' }, { method: 'GET', path: '/api/overview' }]);
      expect(c.unreachable.map((u) => u.reason)).toEqual(['no answer within 2.5 s']);
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

describe('a kept-alive connection the broker closed', () => {
  // 4.3.6 closes a connection idle for 5 s; a request can go out on it just then (the
  // client's event loop busy when the close came). Modelled here: the server drops each
  // connection, unanswered, when a second request arrives on it.
  const served = new WeakMap<object, number>();
  const dropSecond = (req: IncomingMessage, res: ServerResponse): void => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n > 1) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };

  it('costs an idempotent request one immediate resend, even with no retries; a POST is never sent twice', async () => {
    const fake = await fakeManagement(dropSecond);
    const c = new ManagementClient(fake.url, { retries: 0, connections: 1 });
    try {
      expect(await c.get('/api/a')).toEqual({ ok: true });
      const t0 = Date.now();
      expect(await c.get('/api/b')).toEqual({ ok: true });
      expect(Date.now() - t0).toBeLessThan(1_000); // no backoff
      expect((await c.put('/api/c', {})).status).toBe(200);
      expect(fake.hits().map((h) => `${h.method} ${h.path}`)).toEqual(['GET /api/a', 'GET /api/b', 'GET /api/b', 'PUT /api/c', 'PUT /api/c']);

      const post = await c.post('/api/d', {}).catch((e: unknown) => e);
      expect(post).toBeInstanceOf(WarrenError);
      expect((post as WarrenError).diagnostics[0]?.message).toContain('connection reset');
      expect(fake.hits().filter((h) => h.method === 'POST')).toHaveLength(1);
    } finally {
      await c.close();
    }
  });
});
