/**
 * Vitest globalSetup for the `integration` project.
 *
 * - If WARREN_TEST_MANAGEMENT_URL is set, that broker is used as-is
 *   (WARREN_TEST_AMQP_URL defaults to amqp://<same user:pass@host>:5672).
 * - Otherwise `bash scripts/broker.sh start` is run (idempotent: fast when the
 *   private node is already up; installs/starts it otherwise).
 *
 * The URLs reach test workers via `inject('warrenBroker')`; use testUrls()
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
