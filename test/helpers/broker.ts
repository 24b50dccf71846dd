/**
 * Helpers for integration tests talking to the test RabbitMQ broker started by
 * test/setup/broker.ts (vitest globalSetup of the `integration` project).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { tlsFrom, type WarrenBrokerTls } from '../setup/broker.js';

export interface TestUrls {
  management: string;
  amqp: string;
  tls?: WarrenBrokerTls;
}

/** Management + AMQP URLs of the test broker (with credentials). */
export function testUrls(): TestUrls {
  let provided: TestUrls | undefined;
  try {
    provided = inject('warrenBroker');
  } catch {
    provided = undefined;
  }
  if (provided) return { management: provided.management, amqp: provided.amqp, ...(provided.tls ? { tls: provided.tls } : {}) };
  const management = process.env.WARREN_TEST_MANAGEMENT_URL;
  const amqp = process.env.WARREN_TEST_AMQP_URL;
  if (!management || !amqp) {
    throw new Error(
      'No test broker: run integration tests through the vitest `integration` project ' +
        '(test/integration/**), or set WARREN_TEST_MANAGEMENT_URL and WARREN_TEST_AMQP_URL.',
    );
  }
  const tls = tlsFrom(process.env, 'WARREN_TEST_TLS_');
  return { management, amqp, ...(tls ? { tls } : {}) };
}

/**
 * The test broker's TLS listeners and files. Throws (the test fails, it is
 * not skipped) when the broker has none.
 */
export function testTls(): WarrenBrokerTls {
  const tls = testUrls().tls;
  if (!tls) {
    throw new Error(
      'The test broker has no TLS listeners: start it with scripts/broker.sh (it prints WARREN_TLS_*), ' +
        'or with WARREN_TEST_MANAGEMENT_URL also set WARREN_TEST_TLS_MANAGEMENT_URL, WARREN_TEST_TLS_AMQP_URL, ' +
        'WARREN_TEST_TLS_CA_FILE, WARREN_TEST_TLS_CERT_FILE and WARREN_TEST_TLS_KEY_FILE (scripts/broker.sh env prints them).',
    );
  }
  return tls;
}

/** The test broker's RabbitMQ version (`rabbitmq_version` of /api/overview), e.g. "3.10.8" or "4.3.6". */
export function brokerVersion(): string {
  let version: string | undefined;
  try {
    version = inject('warrenBroker').version;
  } catch {
    version = undefined;
  }
  if (!version) throw new Error('No test broker version: run integration tests through the vitest `integration` project (test/setup/broker.ts reads it).');
  return version;
}

/** Whether the test broker is RabbitMQ `major.minor` or later: branch a version-specific assertion on it. */
export function brokerAtLeast(major: number, minor = 0, patch = 0): boolean {
  const [ma = 0, mi = 0, pa = 0] = brokerVersion().split('.').map((n) => Number.parseInt(n, 10));
  return ma !== major ? ma > major : mi !== minor ? mi > minor : pa >= patch;
}

export interface MgmtResponse<T = unknown> {
  status: number;
  ok: boolean;
  /** Parsed JSON when the response is JSON, the raw text otherwise ('' when empty). */
  body: T;
}

interface MgmtTarget {
  base: string;
  user: string;
  authorization: string;
}

function mgmtTarget(): MgmtTarget {
  const u = new URL(testUrls().management);
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  const base = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  return { base, user, authorization: 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64') };
}

/**
 * Minimal management HTTP API call. `path` starts with `/api/...`; encode vhost
 * names yourself (encodeURIComponent). Does not throw on HTTP errors.
 */
export async function mgmt<T = unknown>(method: string, path: string, body?: unknown): Promise<MgmtResponse<T>> {
  const { base, authorization } = mgmtTarget();
  // The broker answers 406 to some DELETEs and PUTs that send `accept: application/json`.
  const headers: Record<string, string> = method === 'GET' ? { authorization, accept: 'application/json' } : { authorization };
  const init: RequestInit = { method, headers, signal: AbortSignal.timeout(30_000) };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, init);
  } catch (err) {
    // 4.3 closes a kept-alive connection idle for 5 s; a request sent just then gets "other side closed": once more, if it is idempotent
    const code = (err as { cause?: { code?: unknown } }).cause?.code;
    if (method === 'POST' || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET')) throw err;
    res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
  }
  const text = await res.text();
  let parsed: unknown = text;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: res.status, ok: res.ok, body: parsed as T };
}

async function mgmtOrThrow(method: string, path: string, body?: unknown): Promise<void> {
  const res = await mgmt(method, path, body);
  if (!res.ok) throw new Error(`${method} ${path} -> HTTP ${res.status}: ${JSON.stringify(res.body)}`);
}

/**
 * Create a unique vhost `warren-test-<prefix>-<random>` and give the broker
 * user (guest by default) full permissions on it. Returns the vhost name.
 */
export async function freshVhost(prefix: string): Promise<string> {
  const safe = prefix.replace(/[^A-Za-z0-9_.-]+/g, '-');
  const name = `warren-test-${safe}-${randomBytes(4).toString('hex')}`;
  const vh = encodeURIComponent(name);
  await mgmtOrThrow('PUT', `/api/vhosts/${vh}`, { description: 'warren integration test', tags: '' });
  const { user } = mgmtTarget();
  await mgmtOrThrow('PUT', `/api/permissions/${vh}/${encodeURIComponent(user)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  return name;
}

/** Delete a vhost (and everything in it), lifting its deletion protection (4.0.6+) first. Missing vhosts are ignored. */
export async function deleteVhost(name: string): Promise<void> {
  let res = await mgmt('DELETE', `/api/vhosts/${encodeURIComponent(name)}`);
  if (res.status === 412) {
    await mgmt('DELETE', `/api/vhosts/${encodeURIComponent(name)}/deletion/protection`);
    res = await mgmt('DELETE', `/api/vhosts/${encodeURIComponent(name)}`);
  }
  if (!res.ok && res.status !== 404) {
    throw new Error(`DELETE vhost ${name} -> HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

/** AMQP URL of the test broker pointing at `vhost`. */
export function amqpUrlFor(vhost: string): string {
  const u = new URL(testUrls().amqp);
  return `${u.protocol}//${u.username ? `${u.username}:${u.password}@` : ''}${u.host}/${encodeURIComponent(vhost)}`;
}

/** Makes fresh vhosts (`freshVhost`) for one test file and deletes them after its tests. */
export interface VhostMaker {
  (prefix: string): Promise<string>;
  /** Deletes `name` with the others: for a vhost the test has something else create. Returns `name`. */
  adopt(name: string): string;
}

/**
 * A maker of fresh vhosts for the calling test file: each one is deleted once
 * the file's tests are done. Call it at the top level of the file; with
 * vitest's stacked hooks, `afterAll` hooks registered after it run before
 * the vhosts are deleted (e.g. closing connections into them).
 */
export function freshVhosts(): VhostMaker {
  const made: string[] = [];
  afterAll(async () => {
    for (const v of made) await deleteVhost(v);
  });
  const make = async (prefix: string): Promise<string> => {
    const v = await freshVhost(prefix);
    made.push(v);
    return v;
  };
  return Object.assign(make, {
    adopt(name: string): string {
      made.push(name);
      return name;
    },
  });
}

/** mulberry32: a small seeded PRNG, so that a randomized test can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
