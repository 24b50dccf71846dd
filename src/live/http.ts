/**
 * A small client for the RabbitMQ management HTTP API: one keep-alive undici
 * Pool, basic auth from the URL, JSON in and out, errors as WarrenError.
 *
 * Contract:
 * - Credentials come from the URL's userinfo (percent-decoded); without one,
 *   `guest:guest` is used, like amqplib does for AMQP URLs.
 * - Idempotent requests (GET, PUT, DELETE) are retried a couple of times on
 *   5xx answers and network failures, with a small backoff. POST never is.
 * - Idle connections are dropped after 4 s, before the broker drops them (5 s
 *   on 4.3.6, 60 s on 3.10.8). An idempotent request sent on one the broker
 *   had closed is sent again at once (beside the retries); a POST is not.
 * - `delete` resolves with status 404 instead of throwing: gone is gone.
 * - The password never appears in an error message.
 * - Paths are passed as written; encode every segment with `seg`.
 * - The URL may be a comma-separated list (the nodes of a cluster). Requests
 *   go to the endpoint that last answered; one that refuses the connection or
 *   does not connect within FAILOVER_CONNECT_TIMEOUT_MS is skipped for the
 *   next (any method: nothing was sent), and listed in `unreachable`. An
 *   idempotent request also moves on after a reset, a timeout or a 5xx.
 * - With a list, each endpoint is probed once, on first use, while another
 *   endpoint is left to fail over to: `GET /api/whoami` must get an answer
 *   (any status) within the connect timeout, or the endpoint is skipped and
 *   listed in `unreachable` ("no answer within 2.5 s"). So a node that accepts
 *   connections and never answers costs seconds, while the requests
 *   themselves keep the long timeout that big bulk reads need (headers of
 *   `/api/queues` on 100k queues can take many seconds).
 * - https:// endpoints use `tls` (a CA to trust, a client certificate). A
 *   failed TLS handshake throws its own TLS_* error at once: retrying or
 *   failing over would not change a certificate.
 */
import type * as Undici from 'undici';
import type { Pool } from 'undici';
import { diagnostic, WarrenError, type Diagnostic } from '../model/diagnostics.js';
import { redactSecrets, redactUrl, safeDecode } from '../util/redact.js';
import { revealForRequest } from '../util/sensitive.js';
import { brokerReason } from './broker-reason.js';
import { FAILOVER_CONNECT_TIMEOUT_MS, knownDown, noAnswerWithin, rememberDown, splitUrls, unreachableWarnings, type UnreachableEndpoint } from './endpoints.js';
import { checkHostname, isTlsFailure, tlsConnectOptions, tlsFailure, type TlsOptions } from './tls.js';

/** Encodes one path segment (vhost `/` → `%2F`, queue `a b#c` → `a%20b%23c`). */
export function seg(name: string): string {
  return encodeURIComponent(name);
}

export interface ManagementClientOptions {
  /** Per request: time to connect (capped at 10 s), to get headers, and between body chunks. Default 60 s. */
  readonly timeoutMs?: number;
  /** Keep-alive connections in the pool. Default 8. */
  readonly connections?: number;
  /** Extra attempts for idempotent requests. Default 2. */
  readonly retries?: number;
  /**
   * Time to connect to one endpoint, and for an endpoint of a list to answer
   * its probe. Default FAILOVER_CONNECT_TIMEOUT_MS with several endpoints,
   * else min(timeoutMs, 10 s).
   */
  readonly connectTimeoutMs?: number;
  /** CA and client certificate for https:// endpoints. */
  readonly tls?: TlsOptions | undefined;
}

export interface HttpResult {
  readonly status: number;
  /** The `Location` header, when the broker sent one (binding POST). */
  readonly location?: string;
}

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** An HTTP error answer from the broker; `diagnostics[0].code` is `HTTP_ERROR` or `BROKER_AUTH_FAILED`. */
export class HttpError extends WarrenError {
  readonly method: Method;
  readonly path: string;
  readonly status: number;
  /** The broker's `reason` (or `error`) text, '' when it sent none. */
  readonly reason: string;
  constructor(code: string, message: string, method: Method, path: string, status: number, reason: string) {
    super(diagnostic(code, message));
    this.method = method;
    this.path = path;
    this.status = status;
    this.reason = reason;
  }
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
/**
 * The probe: the cheapest authenticated call of the API (the user and its
 * tags, no broker-wide work, unlike /api/overview which counts every object).
 */
const PROBE_PATH = '/api/whoami';
const BACKOFF_MS = [100, 400, 1000];

interface Raw {
  readonly status: number;
  readonly location: string | undefined;
  readonly text: string;
  /** The secrets the request carried (see `revealForRequest`): never repeated from the answer. */
  readonly secrets: readonly string[];
}

/** One URL of the list: its own pool and credentials. */
interface Endpoint {
  readonly redactedUrl: string;
  readonly user: string;
  readonly password: string;
  readonly authorization: string;
  readonly basePath: string;
  /** `host:port`, for TLS messages */
  readonly hostPort: string;
  /** The client's TLS options, for an https:// endpoint only */
  readonly tls: TlsOptions | undefined;
  /** The endpoint's pool, made on first use. */
  pool(): Promise<Pool>;
  /** Closes the pool if it was made. */
  close(): Promise<void>;
}

/**
 * undici takes about 0.2 s to load: only commands that talk to the broker
 * pay for it (validate, lint, route and convert do not).
 */
let undici: Promise<typeof Undici> | undefined;

export class ManagementClient {
  /** The user the client authenticates as (on the first endpoint). */
  readonly user: string;
  /** Endpoints that did not answer a connection attempt or their probe, in the order met. */
  readonly unreachable: UnreachableEndpoint[] = [];
  private readonly endpoints: readonly Endpoint[];
  /** The endpoint that last answered; requests start there. */
  private current = 0;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly probeTimeoutMs: number;
  /** Endpoints (by index) found unreachable, by a connect failure or their probe. */
  private readonly down = new Set<number>();
  /** The one probe per endpoint: resolves with the error to report when it did not answer. */
  private readonly probes = new Map<number, Promise<Error | undefined>>();

  constructor(url: string, opts: ManagementClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.retries = opts.retries ?? 2;
    const urls = splitUrls(url);
    if (urls.length === 0) {
      throw new WarrenError(diagnostic('BAD_MANAGEMENT_URL', 'the management URL is empty; use e.g. http://user:password@localhost:15672'));
    }
    const connectTimeout = opts.connectTimeoutMs ?? (urls.length > 1 ? FAILOVER_CONNECT_TIMEOUT_MS : Math.min(this.timeoutMs, 10_000));
    this.probeTimeoutMs = connectTimeout;
    this.endpoints = urls.map((one) => openEndpoint(one, { ...opts, timeoutMs: this.timeoutMs, connectTimeoutMs: connectTimeout }));
    this.user = (this.endpoints[0] as Endpoint).user;
  }

  /** The URL of the endpoint in use, password masked, for messages. */
  get redactedUrl(): string {
    return this.endpoint(this.current).redactedUrl;
  }

  /** A warning per endpoint that did not answer (empty when all did, or when there is one). */
  warnings(): Diagnostic[] {
    return unreachableWarnings(this.unreachable);
  }

  /** GET a JSON document; any non-2xx answer throws. */
  async get(path: string): Promise<unknown> {
    const raw = await this.send('GET', path, undefined);
    if (raw.status < 200 || raw.status >= 300) throw this.httpError('GET', path, raw);
    return this.parse('GET', path, raw.text);
  }

  async put(path: string, body: unknown): Promise<HttpResult> {
    return this.expectOk('PUT', path, await this.send('PUT', path, body));
  }

  async post(path: string, body: unknown): Promise<HttpResult> {
    return this.expectOk('POST', path, await this.send('POST', path, body));
  }

  /** DELETE; a 404 resolves as `{ status: 404 }`. */
  async delete(path: string, query?: Readonly<Record<string, string | boolean>>): Promise<HttpResult> {
    let full = path;
    if (query && Object.keys(query).length > 0) {
      const qs = Object.entries(query)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
      full += (path.includes('?') ? '&' : '?') + qs;
    }
    const raw = await this.send('DELETE', full, undefined);
    if (raw.status === 404) return { status: 404 };
    return this.expectOk('DELETE', full, raw);
  }

  async close(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.close().catch(() => undefined)));
  }

  private expectOk(method: Method, path: string, raw: Raw): HttpResult {
    if (raw.status < 200 || raw.status >= 300) throw this.httpError(method, path, raw);
    return raw.location === undefined ? { status: raw.status } : { status: raw.status, location: raw.location };
  }

  private endpoint(i: number): Endpoint {
    return this.endpoints[i] as Endpoint;
  }

  private async send(method: Method, path: string, body: unknown): Promise<Raw> {
    const idempotent = method !== 'POST';
    const attempts = idempotent ? 1 + this.retries : 1;
    const n = this.endpoints.length;
    const errors = new Map<number, unknown>();
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)] ?? 1000);
      // One round: the endpoint in use, then the next ones while they do not answer.
      const first = this.current;
      for (let k = 0; k < n; k++) {
        const i = (first + k) % n;
        const ep = this.endpoint(i);
        const silent = await this.probe(i);
        if (silent) {
          errors.set(i, silent);
          continue;
        }
        let raw: Raw;
        try {
          raw = await this.onceOrAgain(ep, method, path, body);
        } catch (err) {
          const tls = tlsFailure(err, { hostPort: ep.hostPort, api: 'management API' }, ep.tls);
          if (tls) throw new WarrenError(tls);
          errors.set(i, err);
          const notSent = isConnectFailure(err);
          if (notSent && n > 1) this.markUnreachable(i, describeNetworkError(err));
          // A POST that may have reached the broker is never sent twice.
          if (!idempotent && !notSent) throw this.unreachableError(method, path, errors);
          continue;
        }
        this.current = i;
        if (idempotent && RETRYABLE_STATUS.has(raw.status) && attempt + 1 < attempts) {
          // Another node may be healthy; the next round starts there.
          this.current = (i + 1) % n;
          break;
        }
        return raw;
      }
    }
    throw this.unreachableError(method, path, errors);
  }

  private markUnreachable(i: number, reason: string): void {
    this.down.add(i);
    const url = this.endpoint(i).redactedUrl;
    if (this.unreachable.some((u) => u.url === url)) return;
    const said = this.redact(reason);
    rememberDown('management', url, said);
    this.unreachable.push({ api: 'management', url, reason: said });
  }

  /**
   * Undefined when endpoint `i` may be used; else why not. The probe runs once
   * per endpoint (concurrent first requests share it; an endpoint that failed
   * it is not asked again by this client), and only while another endpoint is
   * not known to be down: it picks where requests go, so a list whose every
   * endpoint is silent still sends the request, with the full timeout, to the
   * last one. Any status is an answer (a 401 or 500 is for the request itself
   * to report).
   */
  private probe(i: number): Promise<Error | undefined> {
    const known = this.probes.get(i);
    if (known) return known;
    const elsewhere = this.endpoints.some((_, j) => j !== i && !this.down.has(j));
    if (!elsewhere) return Promise.resolve(undefined);
    const ep = this.endpoint(i);
    // Another client of this process found it silent a moment ago: do not wait again.
    const remembered = knownDown('management', ep.redactedUrl);
    if (remembered !== undefined) {
      this.markUnreachable(i, remembered);
      const skipped = Promise.resolve(new Error(remembered));
      this.probes.set(i, skipped);
      return skipped;
    }
    const probe = (async (): Promise<Error | undefined> => {
      try {
        const res = await (await ep.pool()).request({
          method: 'GET',
          path: ep.basePath + PROBE_PATH,
          headers: { authorization: ep.authorization, accept: 'application/json' },
          headersTimeout: this.probeTimeoutMs,
          bodyTimeout: this.probeTimeoutMs,
        });
        await res.body.dump().catch(() => undefined);
        return undefined;
      } catch (err) {
        // The request itself reports it (its own TLS_* error): not a silent endpoint.
        if (isTlsFailure(err)) return undefined;
        const code = errorCode(err);
        const reason = code === 'UND_ERR_HEADERS_TIMEOUT' ? noAnswerWithin(this.probeTimeoutMs) : describeNetworkError(err);
        this.markUnreachable(i, reason);
        return new Error(reason);
      }
    })();
    this.probes.set(i, probe);
    return probe;
  }

  /** `once`; for an idempotent request, again at once when it went out on a connection the broker had closed. */
  private async onceOrAgain(ep: Endpoint, method: Method, path: string, body: unknown): Promise<Raw> {
    try {
      return await this.once(ep, method, path, body);
    } catch (err) {
      if (method === 'POST' || !isClosedKeptAlive(err)) throw err;
      return this.once(ep, method, path, body);
    }
  }

  private async once(ep: Endpoint, method: Method, path: string, body: unknown): Promise<Raw> {
    // Only GETs ask for JSON: the limits endpoints answer a PUT or DELETE that
    // does with 406 (verified 3.10.8), and writes answer no body anyway.
    const headers: Record<string, string> = { authorization: ep.authorization, ...(method === 'GET' ? { accept: 'application/json' } : {}) };
    let payload: string | null = null;
    let secrets: readonly string[] = [];
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      const revealed = revealForRequest(body);
      payload = JSON.stringify(revealed.body);
      secrets = revealed.secrets;
    }
    const res = await (await ep.pool()).request({
      method,
      path: ep.basePath + path,
      headers,
      body: payload,
      idempotent: method !== 'POST',
    });
    const text = await res.body.text();
    const loc = res.headers['location'];
    const location = Array.isArray(loc) ? loc[0] : loc;
    return { status: res.statusCode, location, text, secrets };
  }

  private parse(method: Method, path: string, text: string): unknown {
    if (text === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HttpError('HTTP_ERROR', `${method} ${path} on ${this.redactedUrl}: the broker answered with invalid JSON`, method, path, 200, '');
    }
  }

  private httpError(method: Method, path: string, raw: Raw): HttpError {
    // Redacted before the reason is cut short (no half secret) and after it is decoded (escapes undone).
    const reason = this.redact(brokerReason(this.redact(raw.text, raw.secrets)), raw.secrets);
    const said = reason === '' ? '' : `: ${reason}`;
    if (raw.status === 401) {
      return new HttpError(
        'BROKER_AUTH_FAILED',
        `the management API at ${this.redactedUrl} refused user '${this.user}' (HTTP 401 on ${method} ${path}${said}); ` +
          `check the user and password where they come from (--management-url, WARREN_MANAGEMENT_URL, or the target's username_env / password_env in warren.config.yaml), and that the user has the administrator tag`,
        method,
        path,
        raw.status,
        reason,
      );
    }
    return new HttpError(
      'HTTP_ERROR',
      `${method} ${path} on ${this.redactedUrl} failed with HTTP ${raw.status}${said}`,
      method,
      path,
      raw.status,
      reason,
    );
  }

  private unreachableError(method: Method, path: string, errors: ReadonlyMap<number, unknown>): WarrenError {
    const where = [...errors].map(([i, err]) => `${this.endpoint(i).redactedUrl} (${method} ${path}: ${this.redact(describeNetworkError(err))})`);
    return new WarrenError(
      diagnostic(
        'BROKER_UNREACHABLE',
        `cannot reach the RabbitMQ management API at ${where.join(', ') || this.redactedUrl}; ` +
          `start the broker (e.g. \`npm run broker start\`), or point Warren at it with --management-url or WARREN_MANAGEMENT_URL`,
      ),
    );
  }

  private redact(text: string, secrets: readonly string[] = []): string {
    return redactSecrets(text, [...this.endpoints.map((e) => e.password), ...secrets]);
  }
}

function openEndpoint(url: string, opts: ManagementClientOptions & { timeoutMs: number; connectTimeoutMs: number }): Endpoint {
  const redactedUrl = redactUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new WarrenError(
      diagnostic('BAD_MANAGEMENT_URL', `the management URL ${redactedUrl} is not a valid URL; use e.g. http://user:password@localhost:15672`),
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new WarrenError(diagnostic('BAD_MANAGEMENT_URL', `the management URL ${redactedUrl} must start with http:// or https://`));
  }
  const hasUser = u.username !== '' || u.password !== '';
  const user = hasUser ? safeDecode(u.username) : 'guest';
  const password = hasUser ? safeDecode(u.password) : 'guest';
  const origin = u.origin;
  const hostPort = `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  const tlsOptions = u.protocol === 'https:' ? opts.tls : undefined;
  const tls = u.protocol === 'https:' ? { ...tlsConnectOptions(opts.tls), checkServerIdentity: checkHostname } : {};
  let pool: Promise<Pool> | undefined;
  return {
    redactedUrl,
    user,
    password,
    authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64'),
    basePath: u.pathname.replace(/\/+$/, ''),
    hostPort,
    tls: tlsOptions,
    pool: () =>
      (pool ??= (undici ??= import('undici')).then(
        ({ Pool }) =>
          new Pool(origin, {
            connections: opts.connections ?? 8,
            connect: { timeout: opts.connectTimeoutMs, ...tls },
            keepAliveTimeout: 4_000, // under the broker's idle timeout: see the contract above
            headersTimeout: opts.timeoutMs,
            bodyTimeout: opts.timeoutMs,
          }),
      )),
    close: async () => {
      if (pool !== undefined) await (await pool).close();
    },
  };
}

/** True when the connection was never made, so the request was not sent. */
export function isConnectFailure(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && CONNECT_FAILURES.has(code);
}

/** The connection was closed under the request: "other side closed" (UND_ERR_SOCKET), a reset or a broken pipe. */
function isClosedKeptAlive(err: unknown): boolean {
  return ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(errorCode(err) ?? '');
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Plain words for a connection-level failure. */
export function describeNetworkError(err: unknown): string {
  const code = errorCode(err);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'the broker did not answer in time';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return err instanceof Error ? err.message || String(code ?? 'unknown error') : String(err);
  }
}

/** `code` of an error, looking inside AggregateError (happy eyeballs) and `cause`. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const rec = err as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof rec.code === 'string') return rec.code;
  if (Array.isArray(rec.errors)) {
    for (const e of rec.errors) {
      const c = errorCode(e);
      if (c) return c;
    }
  }
  if (rec.cause !== undefined && rec.cause !== err) return errorCode(rec.cause);
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
