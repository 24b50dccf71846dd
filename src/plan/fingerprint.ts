/**
 * A saved plan's fingerprint: a digest of the live state of every resource
 * the plan touches, taken when the plan was made. `apply plan.json` reads the
 * broker again and refuses when any of them changed, so a reviewed plan is
 * never applied to a broker it was not computed against.
 */
import { createHash } from 'node:crypto';
import type { Change } from '../model/change.js';
import type { Resource, ResourceMap } from '../model/types.js';

export type Fingerprint = Readonly<Record<string, string>>;

const ABSENT = 'absent';

/** Message counts count only where a hazard depends on them: queues deleted or replaced. */
function countsMessages(change: Pick<Change, 'kind' | 'action'>): boolean {
  return change.kind === 'queue' && (change.action === 'delete' || change.action === 'replace');
}

/** The digest of one live resource as the plan sees it. */
export function digestOf(live: Resource | undefined, withMessages: boolean): string {
  if (!live) return ABSENT;
  const { source: _source, sourceLocation: _loc, messages, consumers: _consumers, properties_keys: _keys, ...rest } = live as Resource & {
    source?: unknown;
    sourceLocation?: unknown;
    messages?: number;
    consumers?: number;
    properties_keys?: unknown;
  };
  const fields = withMessages && messages !== undefined ? { ...rest, messages } : rest;
  return createHash('sha256').update(stableJson(fields)).digest('base64url').slice(0, 22);
}

/** The fingerprint of the live state behind `changes`. */
export function fingerprintOf(changes: readonly Change[]): Fingerprint {
  const out: Record<string, string> = {};
  for (const c of changes) out[c.key] = digestOf(c.before, countsMessages(c));
  return out;
}

export interface FingerprintMismatch {
  readonly key: string;
  readonly change: Change;
  readonly now: Resource | undefined;
}

/** The changes whose live resource is no longer what the plan saw. */
export function compareFingerprint(changes: readonly Change[], saved: Fingerprint, live: ResourceMap): FingerprintMismatch[] {
  const out: FingerprintMismatch[] = [];
  for (const c of changes) {
    const now = live.get(c.key);
    if (saved[c.key] !== digestOf(now, countsMessages(c))) out.push({ key: c.key, change: c, now });
  }
  return out;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
