/**
 * Vitest globalSetup for the `integration` project.
 *
 * - If WARREN_TEST_MANAGEMENT_URL is set, that broker is used as-is
 *   (WARREN_TEST_AMQP_URL defaults to amqp://<same user:pass@host>:5672).
 * - Otherwise `bash scripts/broker.sh start` is run (idempotent: fast when the
 *   private node is already up; installs/starts it otherwise). The script
 *   inherits WARREN_BROKER_SERIES (3.10 by default, 4.0, 4.3 or latest), so
 *   `WARREN_BROKER_SERIES=4.3 vitest run --project integration` runs the suite
 *   against that series' node.
 *
 * The URLs and the broker's version (`rabbitmq_version` of /api/overview) reach
 * test workers via `inject('warrenBroker')`; use testUrls() and brokerVersion()
 * from test/helpers/broker.ts.
 * The broker's TLS listeners (optional `tls`): from the script's WARREN_TLS_*
 * lines, or with WARREN_TEST_MANAGEMENT_URL from WARREN_TEST_TLS_MANAGEMENT_URL,
 * _AMQP_URL, _CA_FILE, _CERT_FILE and _KEY_FILE; use testTls().
 * The broker is left running afterwards unless WARREN_BROKER_STOP=1.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface WarrenBrokerUrls {
  management: string;
  amqp: string;
  /** The broker's `rabbitmq_version`, e.g. "3.10.8" or "4.3.6". */
  version?: string;
  /** The same broker's TLS listeners, when it has them */
  tls?: WarrenBrokerTls;
}

/** TLS listeners of the test broker, by the name its certificate is for, and the files to reach them. */
export interface WarrenBrokerTls {
  management: string;
  amqp: string;
  /** PEM of the private CA that signed the broker's certificate */
  caFile: string;
  /** PEM client certificate (and key) signed by the same CA, for mutual TLS */
  certFile: string;
  keyFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    warrenBroker: WarrenBrokerUrls;
  }
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const brokerScript = resolve(repoRoot, 'scripts', 'broker.sh');

function runBrokerScript(command: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [brokerScript, command], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    // 'exit' rather than 'close': never wait on pipes a daemon might inherit.
    child.on('exit', (code) => {
      if (code === 0) resolvePromise(out);
      else reject(new Error(`scripts/broker.sh ${command} failed (exit ${code}):\n${err}${out}`));
    });
  });
}

function parseEnvExports(out: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) {
    if (m[1] !== undefined && m[2] !== undefined) vars[m[1]] = m[2];
  }
  return vars;
}

/** All five values under `prefix` (WARREN_TLS_ or WARREN_TEST_TLS_), or none. */
export function tlsFrom(vars: Readonly<Record<string, string | undefined>>, prefix: string): WarrenBrokerTls | undefined {
  const management = vars[`${prefix}MANAGEMENT_URL`];
  const amqp = vars[`${prefix}AMQP_URL`];
  const caFile = vars[`${prefix}CA_FILE`];
  const certFile = vars[`${prefix}CERT_FILE`];
  const keyFile = vars[`${prefix}KEY_FILE`];
  if (!management || !amqp || !caFile || !certFile || !keyFile) return undefined;
  return { management, amqp, caFile, certFile, keyFile };
}

function defaultAmqpFor(management: string): string {
  const u = new URL(management);
  const auth = u.username ? `${u.username}:${u.password}@` : '';
  return `amqp://${auth}${u.hostname}:5672`;
}

/** `rabbitmq_version` from GET /api/overview (credentials from the URL go in a header). */
async function readVersion(management: string): Promise<string> {
  const u = new URL(management);
  const auth = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  const base = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  let lastError = '';
  // A node that has just started may answer 503 for a moment.
  for (let i = 0; i < 20; i++) {
    try {
      const res = await fetch(`${base}/api/overview`, { headers: { authorization: `Basic ${auth}`, accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
      if (res.ok) {
        const body = (await res.json()) as { rabbitmq_version?: unknown };
        if (typeof body.rabbitmq_version === 'string') return body.rabbitmq_version;
        lastError = 'no rabbitmq_version in the answer';
      } else lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`cannot read the test broker's version from GET ${base}/api/overview: ${lastError}`);
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  let urls: WarrenBrokerUrls;
  let startedByUs = false;
  const external = process.env.WARREN_TEST_MANAGEMENT_URL;

  if (external) {
    const tls = tlsFrom(process.env, 'WARREN_TEST_TLS_');
    urls = { management: external, amqp: process.env.WARREN_TEST_AMQP_URL ?? defaultAmqpFor(external), ...(tls ? { tls } : {}) };
  } else {
    const t0 = Date.now();
    const out = await runBrokerScript('start');
    const vars = parseEnvExports(out);
    const management = vars.WARREN_MANAGEMENT_URL;
    const amqp = vars.WARREN_AMQP_URL;
    if (!management || !amqp) throw new Error(`unexpected output from scripts/broker.sh start:\n${out}`);
    const tls = tlsFrom(vars, 'WARREN_TLS_');
    urls = { management, amqp, ...(tls ? { tls } : {}) };
    startedByUs = true;
    const secs = (Date.now() - t0) / 1000;
    if (secs > 2) console.log(`[broker] RabbitMQ ready in ${secs.toFixed(1)}s (${urls.management})`);
  }

  urls.version = await readVersion(urls.management);
  const series = process.env.WARREN_BROKER_SERIES;
  const where = urls.management.replace(/\/\/[^@/]*@/, '//'); // no credentials in the log
  if (series && external) console.log(`[broker] WARREN_TEST_MANAGEMENT_URL names the broker (RabbitMQ ${urls.version}, ${where}): WARREN_BROKER_SERIES=${series} is not used`);
  else if (series) console.log(`[broker] RabbitMQ ${urls.version} (series ${series}, ${where})`);

  // provide/inject rather than process.env: env set here would leak into the
  // `unit` project's workers too when both projects run.
  project.provide('warrenBroker', urls);

  if (startedByUs && process.env.WARREN_BROKER_STOP === '1') {
    return async () => {
      await runBrokerScript('stop');
    };
  }
  return undefined;
}
