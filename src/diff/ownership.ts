/**
 * What Warren owns in a vhost: `prune: true` makes undeclared resources
 * deletes; `ignore:` globs mark resources that applications create at run
 * time, which are never listed and never deleted. Undeclared auto-delete
 * queues belong to the connections that use them and are always ignored.
 */
import { namedKey } from '../model/keys.js';
import type { Desired, Resource, VhostOwnership } from '../model/types.js';

export interface Ownership {
  /** Undeclared resources of this vhost are deleted */
  prunes(vhost: string): boolean;
  /** Never list or delete this live resource (it is not declared) */
  ignores(r: Resource): boolean;
}

interface Compiled {
  readonly prune: boolean;
  readonly queue: readonly RegExp[];
  readonly exchange: readonly RegExp[];
}

export function ownershipOf(desired: Desired, live: ReadonlyMap<string, Resource>, cliPrune: boolean): Ownership {
  const byVhost = new Map<string, Compiled>();
  for (const [vhost, o] of desired.ownership ?? new Map<string, VhostOwnership>()) byVhost.set(vhost, compile(o));
  const autoDeleteQueues = new Set<string>();
  for (const r of live.values()) if (r.kind === 'queue' && r.auto_delete) autoDeleteQueues.add(`${r.vhost}\u0000${r.name}`);

  const declaredQueue = (vhost: string, name: string): boolean => desired.resources.has(namedKey('queue', vhost, name));
  const matches = (patterns: readonly RegExp[] | undefined, name: string): boolean => (patterns ?? []).some((p) => p.test(name));
  const ephemeralQueue = (vhost: string, name: string): boolean => autoDeleteQueues.has(`${vhost}\u0000${name}`) && !declaredQueue(vhost, name);

  return {
    prunes: (vhost) => cliPrune || byVhost.get(vhost)?.prune === true,
    ignores: (r) => {
      const o = byVhost.get(r.vhost);
      switch (r.kind) {
        case 'queue':
          return r.auto_delete || matches(o?.queue, r.name);
        case 'exchange':
          return matches(o?.exchange, r.name);
        case 'binding':
          return (
            matches(o?.exchange, r.source) ||
            (r.destination_type === 'queue' ? matches(o?.queue, r.destination) || ephemeralQueue(r.vhost, r.destination) : matches(o?.exchange, r.destination))
          );
        default:
          return false;
      }
    },
  };
}

function compile(o: VhostOwnership): Compiled {
  const queue: RegExp[] = [];
  const exchange: RegExp[] = [];
  for (const raw of o.ignore) {
    const m = /^(queue|exchange):(.*)$/.exec(raw);
    const re = globToRegExp(m ? (m[2] as string) : raw);
    if (!m || m[1] === 'queue') queue.push(re);
    if (!m || m[1] === 'exchange') exchange.push(re);
  }
  return { prune: o.prune, queue, exchange };
}

/**
 * The declared vhosts whose undeclared resources a plan deletes: all of them
 * with `--prune`, else those with `prune: true`. (Global kinds, such as
 * users, are pruned only with `--prune`.)
 */
export function prunedVhosts(desired: Desired, cliPrune: boolean): string[] {
  return desired.vhosts.filter((v) => cliPrune || desired.ownership?.get(v)?.prune === true);
}

/** `*` any run of characters, `?` one character, everything else literal; anchored. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}
