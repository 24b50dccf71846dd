/**
 * TLS against the test broker's real TLS listeners (scripts/broker.sh makes a
 * private CA, a `localhost` server certificate and a client certificate):
 * - plan and apply over https:// + amqps:// with --ca-file, WARREN_CA_FILE,
 *   or `ca_file` of a target (relative to the config file);
 * - mutual TLS with --cert-file/--key-file: a certificate the broker's CA did
 *   not sign is refused (so the one given is what is sent);
 * - an untrusted certificate, a hostname mismatch and https:// to a plain
 *   port are their own codes, name host:port and the fix, exit 1, no stack
 *   trace;
 * - every command that reads the broker (export, drift, route --live,
 *   test --live) takes the same options.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../../src/cli/main.js';
import { freshVhosts, mgmt, testTls, testUrls } from '../helpers/broker.js';
import { specFile, warrenBin, type CliResult } from '../helpers/cli.js';
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const vhost = freshVhosts();
const enc = encodeURIComponent;
const TLS_VARS = ['WARREN_CA_FILE', 'WARREN_CERT_FILE', 'WARREN_KEY_FILE', 'WARREN_MANAGEMENT_URL', 'WARREN_AMQP_URL', 'NODE_EXTRA_CA_CERTS'];

/** `warren <args>` in this process with exactly `env` for Warren's variables (none inherited). */
async function warrenTls(args: string[], env: Record<string, string> = {}, cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !TLS_VARS.includes(k)));
  const code = await run(args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    env: { ...base, NO_COLOR: '1', ...env },
    stdinIsTTY: false,
    stdoutIsTTY: false,
    cwd,
    ask: () => Promise.reject(new Error('no terminal in tests')),
  });
  return { code, stdout, stderr };
}

function spec(v: string): string {
  return specFile({
    version: 1,
    vhosts: {
      [v]: {
        exchanges: { orders: { type: 'topic' } },
        queues: { created: { bind: [{ exchange: 'orders', routing_key: 'order.created' }] } },
      },
    },
    tests: [{ name: 'created reaches its queue', vhost: v, exchange: 'orders', routing_key: 'order.created', expect: ['created'] }],
  });
}

/** The TLS endpoints as flags. */
function urls(): string[] {
  const tls = testTls();
  return ['--management-url', tls.management, '--amqp-url', tls.amqp];
}

function expectCleanFailure(r: CliResult, code: string, hostPort: string): void {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stderr).toContain(`error ${code}:`);
  expect(r.stderr).toContain(hostPort);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('BROKER_UNREACHABLE');
  expect(r.stderr + r.stdout).not.toContain('guest:guest');
}

const port = (url: string): string => new URL(url).port;

describe('TLS to the broker', () => {
  it('plans and applies over https + amqps with --ca-file, then plans nothing', async () => {
    const tls = testTls();
    const v = await vhost('tls-ca');
    const file = spec(v);
    const first = await warrenTls(['plan', file, ...urls(), '--ca-file', tls.caFile, '--detailed-exitcode']);
    expect(first.code, first.stderr).toBe(2);
    const applied = await warrenTls(['apply', file, ...urls(), '--ca-file', tls.caFile, '--auto-approve']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout).toContain('Apply complete');
    const bindings = await mgmt<{ source: string; routing_key: string }[]>('GET', `/api/queues/${enc(v)}/created/bindings`);
    expect(bindings.body.map((b) => `${b.source}:${b.routing_key}`)).toContain('orders:order.created');
    // The same through the environment.
    const again = await warrenTls(['plan', file, '--detailed-exitcode'], { WARREN_MANAGEMENT_URL: tls.management, WARREN_AMQP_URL: tls.amqp, WARREN_CA_FILE: tls.caFile });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');
  });

  it('speaks mutual TLS with --cert-file/--key-file, and a client certificate the broker does not trust is refused', async () => {
    const tls = testTls();
    const v = await vhost('tls-mutual');
    const file = spec(v);
    const mutual = ['--ca-file', tls.caFile, '--cert-file', tls.certFile, '--key-file', tls.keyFile];
    const applied = await warrenTls(['apply', file, ...urls(), ...mutual, '--auto-approve']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const plan = await warrenTls(['plan', file, ...urls(), ...mutual, '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(0);

    // A self-signed client certificate: the broker checks the one Warren sends.
    const rogue = selfSignedPair();
    const foreign = ['--ca-file', tls.caFile, '--cert-file', rogue.cert, '--key-file', rogue.key];
    const viaHttps = await warrenTls(['plan', file, ...urls(), ...foreign]);
    expectCleanFailure(viaHttps, 'TLS_CLIENT_CERT_REJECTED', `localhost:${port(tls.management)}`);
    expect(viaHttps.stderr).toContain(rogue.cert);
    const viaAmqps = await warrenTls(['apply', file, '--management-url', testUrls().management, '--amqp-url', tls.amqp, ...foreign, '--auto-approve']);
    expectCleanFailure(viaAmqps, 'TLS_CLIENT_CERT_REJECTED', `localhost:${port(tls.amqp)}`);
    expect(viaAmqps.stderr + viaAmqps.stdout).not.toContain('BEGIN');
  });

  it('takes ca_file (relative to the config file), cert_file and key_file from a target in warren.config.yaml', async () => {
    const tls = testTls();
    const v = await vhost('tls-config');
    const dir = mkdtempSync(join(tmpdir(), 'warren-tls-config-'));
    copyFileSync(tls.caFile, join(dir, 'broker-ca.pem'));
    const bare = (url: string): string => {
      const u = new URL(url);
      u.username = '';
      u.password = '';
      return u.toString().replace(/\/$/, '');
    };
    writeFileSync(
      join(dir, 'warren.config.yaml'),
      stringify({
        targets: {
          secure: {
            management_url: bare(tls.management),
            amqp_url: bare(tls.amqp),
            username_env: 'TLS_TEST_USER',
            password_env: 'TLS_TEST_PASSWORD',
            ca_file: 'broker-ca.pem',
            cert_file: tls.certFile,
            key_file: tls.keyFile,
          },
        },
      }),
    );
    const user = decodeURIComponent(new URL(tls.management).username);
    const password = decodeURIComponent(new URL(tls.management).password);
    const env = { TLS_TEST_USER: user, TLS_TEST_PASSWORD: password };
    // Run from elsewhere: the relative ca_file resolves against the config's directory, not the cwd.
    const config = join(dir, 'warren.config.yaml');
    const applied = await warrenTls(['apply', spec(v), '--config', config, '--target', 'secure', '--auto-approve'], env, tmpdir());
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const drift = await warrenTls(['drift', spec(v), '--config', config, '--target', 'secure'], env, tmpdir());
    expect(drift.code, drift.stderr + drift.stdout).toBe(0);

    // A ca_file that is not there: its own error, at its line in the config.
    writeFileSync(config, stringify({ targets: { secure: { management_url: bare(tls.management), amqp_url: bare(tls.amqp), ca_file: 'missing.pem' } } }));
    const missing = await warrenTls(['plan', spec(v), '--config', config, '--target', 'secure'], env, tmpdir());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/warren\.config\.yaml:\d+:\d+: error TLS_FILE_UNREADABLE: ca_file of target `secure` missing\.pem: no such file/);
  });

  it('reports a certificate it cannot trust as TLS_CERT_UNTRUSTED, for https and amqps, naming host:port and --ca-file', async () => {
    const tls = testTls();
    const v = await vhost('tls-untrusted');
    const file = spec(v);
    const https = await warrenTls(['plan', file, ...urls()]);
    expectCleanFailure(https, 'TLS_CERT_UNTRUSTED', `localhost:${port(tls.management)} (management API)`);
    expect(https.stderr).toContain('--ca-file');
    // Management over plain HTTP, AMQP over TLS: the AMQP connection fails on its own.
    const amqps = await warrenTls(['apply', file, '--management-url', testUrls().management, '--amqp-url', tls.amqp, '--auto-approve']);
    expectCleanFailure(amqps, 'TLS_CERT_UNTRUSTED', `localhost:${port(tls.amqp)} (AMQP)`);
    // https:// to the plain listener: no certificate at all.
    const plain = new URL(testUrls().management);
    plain.protocol = 'https:';
    const wrongPort = await warrenTls(['plan', file, '--management-url', plain.toString(), '--ca-file', tls.caFile]);
    expectCleanFailure(wrongPort, 'TLS_HANDSHAKE_FAILED', `${plain.hostname}:${plain.port} (management API)`);
    // The real binary: exit status 1 and no stack trace.
    const bin = warrenBin(['plan', file, ...urls()], { WARREN_CA_FILE: '', NODE_EXTRA_CA_CERTS: '' });
    expectCleanFailure(bin, 'TLS_CERT_UNTRUSTED', `localhost:${port(tls.management)}`);
  });

  describe('a name the certificate is not for', () => {
    // The certificate is for localhost and 127.0.0.1; a proxy on 127.0.0.2 reaches the same listeners by another address.
    let proxies: { management: TcpProxy; amqp: TcpProxy } | undefined;
    beforeAll(async () => {
      const tls = testTls();
      const at = (url: string): { host: string; port: number } => ({ host: '127.0.0.1', port: Number(new URL(url).port) });
      proxies = {
        management: await startProxy({ ...at(tls.management), listenHost: '127.0.0.2' }),
        amqp: await startProxy({ ...at(tls.amqp), listenHost: '127.0.0.2' }),
      };
    });
    afterAll(async () => {
      await proxies?.management.close();
      await proxies?.amqp.close();
    });
    const via = (url: string, p: TcpProxy): string => {
      const u = new URL(url);
      u.hostname = '127.0.0.2';
      u.port = String(p.port);
      return u.toString().replace(/\/$/, '');
    };

    it('is TLS_HOSTNAME_MISMATCH, naming the names the certificate is for', async () => {
      const tls = testTls();
      if (!proxies) throw new Error('no proxies');
      const v = await vhost('tls-hostname');
      const file = spec(v);
      const https = await warrenTls(['plan', file, '--management-url', via(tls.management, proxies.management), '--ca-file', tls.caFile]);
      expectCleanFailure(https, 'TLS_HOSTNAME_MISMATCH', `127.0.0.2:${proxies.management.port} (management API)`);
      expect(https.stderr).toContain('DNS:localhost');
      const amqps = await warrenTls(['apply', file, '--management-url', tls.management, '--amqp-url', via(tls.amqp, proxies.amqp), '--ca-file', tls.caFile, '--auto-approve']);
      expectCleanFailure(amqps, 'TLS_HOSTNAME_MISMATCH', `127.0.0.2:${proxies.amqp.port} (AMQP)`);
    });
  });

  it('export, drift, route --live and test --live take the same options', async () => {
    const tls = testTls();
    const v = await vhost('tls-commands');
    const file = spec(v);
    const ca = ['--ca-file', tls.caFile];
    expect((await warrenTls(['apply', file, ...urls(), ...ca, '--auto-approve'])).code).toBe(0);
    const exported = await warrenTls(['export', '--vhost', v, ...urls(), ...ca]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('order.created');
    const drift = await warrenTls(['drift', file, ...urls(), ...ca]);
    expect(drift.code, drift.stderr + drift.stdout).toBe(0);
    const route = await warrenTls(['route', '--live', '--vhost', v, '--exchange', 'orders', '--routing-key', 'order.created', '--format', 'json', ...urls(), ...ca]);
    expect(route.code, route.stderr).toBe(0);
    expect(route.stdout).toContain('created');
    const live = await warrenTls(['test', file, '--live', ...urls(), ...ca]);
    expect(live.code, live.stderr + live.stdout).toBe(0);
    expect(live.stdout).toContain('broker: created');
    // Without the CA, each fails the same way.
    for (const args of [['export', '--vhost', v], ['drift', file], ['route', '--live', '--vhost', v, '--exchange', 'orders', '--routing-key', 'x'], ['test', file, '--live']]) {
      const r = await warrenTls([...args, ...urls()]);
      expectCleanFailure(r, 'TLS_CERT_UNTRUSTED', `localhost:${port(tls.management)}`);
    }
  });

  it('pins a connection close no reason explains over amqps too: the steps sent again alone use the same CA', async () => {
    const tls = testTls();
    const v = await vhost('tls-replay');
    // As in connection-close.test.ts: a frame larger than frame_max closes the connection (3.10: 501
    // FRAME_ERROR, its reason names no declaration, so each step in flight is sent again alone; 4.3.6 resets it).
    const queues: Record<string, unknown> = { 'q-big': { arguments: { 'x-note': 'x'.repeat(20_000) } } };
    for (let i = 0; i < 12; i++) queues[`q${String(i).padStart(2, '0')}`] = {};
    const file = specFile({ version: 1, vhosts: { [v]: { queues } } });
    const amqp = new URL(tls.amqp);
    amqp.searchParams.set('frame_max', '8192');
    const r = await warrenTls(['apply', file, '--management-url', tls.management, '--amqp-url', amqp.toString(), '--ca-file', tls.caFile, '--concurrency', '4', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/queue "q-big".*the broker closed the AMQP connection/);
    expect(r.stderr + r.stdout).not.toContain('TLS_');
    expect((await mgmt('GET', `/api/queues/${enc(v)}/q-big`)).status).toBe(404);
  });
});

/** A self-signed client certificate and key (the broker's CA did not sign it). */
function selfSignedPair(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'warren-tls-rogue-'));
  const cert = join(dir, 'rogue.pem');
  const key = join(dir, 'rogue-key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=warren-rogue'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}
