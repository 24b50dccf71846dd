/**
 * Several endpoints for one broker (the nodes of a cluster): a URL option may
 * hold a comma-separated list, tried in order. A client fails over to the next
 * URL when one does not answer, and remembers which did not, so the command
 * can say so (a warning, never an error while another endpoint answers).
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { redactUrl } from '../util/redact.js';

/**
 * Connect timeout per endpoint when there is another to fail over to: long
 * enough for a loaded node on a LAN, short enough that a dead one costs
 * seconds, not a minute.
 */
export const FAILOVER_CONNECT_TIMEOUT_MS = 2_500;

/** The reason given for an endpoint that connected but did not answer in time: `no answer within 2.5 s`. */
export function noAnswerWithin(ms: number): string {
  return `no answer within ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`;
}

/**
 * `a,b , c` → `[a, b, c]`. A comma splits only where a new `scheme://`
 * starts, so a comma inside a password or a query stays part of its URL.
 */
export function splitUrls(list: string): string[] {
  return list
    .split(/,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Lists (or comma lists) joined into the one comma list the library takes. */
export function joinUrls(lists: readonly string[]): string {
  return lists.flatMap(splitUrls).join(',');
}

/** An endpoint that did not answer, and why (with the password masked). */
export interface UnreachableEndpoint {
  /** `management` or `amqp` */
  readonly api: 'management' | 'amqp';
  /** The URL, password masked */
  readonly url: string;
  /** Plain words: `connection refused`, `connect timed out`, `no answer within 2.5 s`, ... */
  readonly reason: string;
}

/** The warning a command prints for endpoints it had to skip. */
export function unreachableWarnings(list: readonly UnreachableEndpoint[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of list) {
    const key = `${e.api}\u0000${e.url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const what = e.api === 'management' ? 'management API endpoint' : 'AMQP endpoint';
    out.push(
      diagnostic(
        'ENDPOINT_UNREACHABLE',
        `${what} ${redactUrl(e.url)} did not answer (${e.reason}); Warren used another endpoint of the list. Check that node`,
        undefined,
        'warning',
      ),
    );
  }
  return out;
}

/**
 * How long this process remembers an endpoint that did not answer. One
 * command opens several clients (the lock, the plan, the apply, the check
 * after it; a connection per vhost): the first pays the timeout, the others
 * skip the endpoint at once. Long enough for one command, short enough that a
 * node that comes back is used again by a long-running library user.
 */
export const DOWN_MEMORY_MS = 60_000;
const recentlyDown = new Map<string, { readonly reason: string; readonly at: number }>();

/** An endpoint's host and port: what answers or not (an AMQP URL's vhost does not matter). */
function hostKey(api: UnreachableEndpoint['api'], url: string): string {
  try {
    const u = new URL(url);
    return `${api} ${u.protocol}//${u.host}`;
  } catch {
    return `${api} ${url}`;
  }
}

/** Remembers that `url` of `api` did not answer, and why. */
export function rememberDown(api: UnreachableEndpoint['api'], url: string, reason: string, now = Date.now()): void {
  recentlyDown.set(hostKey(api, url), { reason, at: now });
}

/** Why `url` of `api` (its host and port) did not answer in the last DOWN_MEMORY_MS, or undefined. */
export function knownDown(api: UnreachableEndpoint['api'], url: string, now = Date.now()): string | undefined {
  const key = hostKey(api, url);
  const seen = recentlyDown.get(key);
  if (seen === undefined) return undefined;
  if (now - seen.at > DOWN_MEMORY_MS) {
    recentlyDown.delete(key);
    return undefined;
  }
  return seen.reason;
}

/** Forgets every remembered endpoint (tests). */
export function forgetDownEndpoints(): void {
  recentlyDown.clear();
}
