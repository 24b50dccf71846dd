import type { Change, DiffOptions, DiffResult, Unmanaged } from '../model/change.js';
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { namedKey, resourceKey } from '../model/keys.js';
import { IMPLICIT_GLOBAL_PARAMETERS } from '../model/implicit.js';
import { isGlobalKind, type BindingResource, type Desired, type Observed, type QueueResource, type Resource } from '../model/types.js';
import { compareFields, settleUnset, type CompareContext } from './compare.js';
import { ownershipOf } from './ownership.js';
import { unknownGrantees } from './user-references.js';

/**
 * Pure diff of the desired topology against the live one, in the vhosts the
 * spec declares (and the global kinds it has sections for). Joins on resource
 * keys only; every default has been applied on both sides already
 * (spec/normalize, live/normalize).
 *
 * Scope and safety:
 * - Live resources the spec does not declare, in scope, are `unmanaged`
 *   (listed, left alone) or, with `prune` (the option, or `prune: true` on
 *   the vhost), deleted. Those matching the vhost's `ignore:` globs, and
 *   undeclared auto-delete queues, are neither listed nor deleted.
 * - Users are in scope only when the spec has a `users` section; the users in
 *   `protectedUsers` (the ones Warren connects as) are never deleted (they
 *   are listed as unmanaged, marked protected), and their undeclared
 *   permissions and limits are neither pruned nor listed.
 * - A vhost whose default queue type must change on a broker that can only
 *   set it at creation is replaced only when it holds no queues or exchanges;
 *   otherwise the diff reports an error and plans nothing for it.
 */
export function diff(desired: Desired, observed: Observed, options: DiffOptions): DiffResult {
  const changes: Change[] = [];
  const warnings: Diagnostic[] = [];
  const ctx: CompareContext = { brokerVersion: observed.broker.version, ...(options.env ? { env: options.env } : {}) };
  const protectedUsers = new Set(options.protectedUsers ?? []);
  // namedKey -> label, of replaced vhosts, exchanges and queues: the broker drops what hangs off them
  const replaced = new Map<string, string>();

  // Declared classic queues whose node is down (namedKey -> why, bindings left alone).
  const down = new Map<string, { why: string; want: QueueResource; bindings: number }>();

  // Declared resources found live: when that is every live one, nothing is unmanaged.
  let found = 0;
  for (const [key, want] of desired.resources) {
    if (want.kind === 'binding') continue;
    const live = observed.resources.get(key);
    if (!live) {
      changes.push(make('create', want, undefined, [], [`${want.kind.replace(/_/g, ' ')} is declared but does not exist`], key));
      continue;
    }
    found += 1;
    if (live.kind === 'queue' && want.kind === 'queue' && live.unavailable !== undefined) down.set(key, { why: live.unavailable, want, bindings: 0 });
    const fields = compareFields(live, want, ctx);
    if (fields.length === 0) continue;
    const forcing = fields.filter((f) => f.forces_replacement);
    if (forcing.length === 0) {
      changes.push(make('update', settleUnset(want, live), live, fields, [`${fields.map((f) => f.field).join(', ')} changed`], key));
      continue;
    }
    if (want.kind === 'vhost' && live.kind === 'vhost' && live.protected_from_deletion === true) {
      // Replacing deletes the vhost, which the broker refuses (412) while it is protected.
      warnings.push(
        diagnostic(
          'VHOST_PROTECTED',
          `vhost "${want.name}" would be replaced (deleted and re-created) to change ${forcing.map((f) => f.field).join(', ')}, but it is protected from deletion on the broker; ` +
            'keep the live value in the spec, or lift the protection first (set `protected_from_deletion: false` and apply, or rabbitmqctl disable_vhost_deletion_protection)',
          want.source,
          'error',
        ),
      );
      continue;
    }
    if (want.kind === 'vhost') {
      const contents = vhostContents(observed, want.name);
      if (contents !== '') {
        warnings.push(
          diagnostic(
            'VHOST_DEFAULT_QUEUE_TYPE_IMMUTABLE',
            `vhost "${want.name}" has default queue type "${live.kind === 'vhost' ? live.default_queue_type : '?'}" on the broker but "${want.default_queue_type}" in the spec; ` +
              `RabbitMQ ${observed.broker.version} sets it only when a vhost is created (3.12 and later can change it), and Warren replaces a vhost only when it is empty, but it holds ${contents}; ` +
              'keep the live default_queue_type in the spec (give a queue an explicit `type` where it needs another), or move the queues to a new vhost',
            want.source,
            'error',
          ),
        );
        continue;
      }
    }
    changes.push(make('replace', settleUnset(want, live), live, fields, [`${forcing.map((f) => f.field).join(', ')} cannot be changed in place`], key));
    replaced.set(key, `${want.kind} "${want.name}"`);
  }

  // What the broker drops with a replaced resource is re-created.
  for (const [key, want] of desired.resources) {
    if (want.kind !== 'binding' && replaced.size === 0) continue; // nothing to look up twice
    const live = observed.resources.get(key);
    if (!live) {
      if (want.kind !== 'binding') continue;
      // The broker lists no binding of a queue whose node is down: not missing, unknown.
      const queueDown = down.size > 0 && want.destination_type === 'queue' ? down.get(namedKey('queue', want.vhost, want.destination)) : undefined;
      if (queueDown) queueDown.bindings += 1;
      else changes.push(make('create', want, undefined, [], ['binding is declared but does not exist'], key));
      continue;
    }
    if (want.kind === 'binding') found += 1;
    const dropped = droppedBy(want, replaced);
    if (dropped) changes.push(make('create', want, live, [], [`re-created: ${dropped} is replaced, which drops its ${plural(want.kind)}`], key));
  }

  for (const { why, want, bindings } of down.values()) {
    const left = bindings === 0 ? '' : `; the plan leaves its ${bindings} declared binding${bindings === 1 ? '' : 's'} alone, because RabbitMQ neither lists nor changes the bindings of a queue that is down`;
    warnings.push(
      diagnostic(
        'QUEUE_UNAVAILABLE',
        `queue "${want.name}" in vhost "${want.vhost}" is unavailable: ${why}${left}; start the node and plan again`,
        want.source,
        'warning',
      ),
    );
  }

  const unmanaged: Unmanaged[] = [];
  const inScope = new Set(desired.vhosts);
  const globals = new Set<string>(desired.globalKinds ?? []);
  const owned = ownershipOf(desired, observed.resources, options.prune);
  for (const [key, live] of found < observed.resources.size ? observed.resources : []) {
    if (desired.resources.has(key)) continue;
    if (isGlobalKind(live.kind) ? !globals.has(live.kind) : !inScope.has(live.vhost)) continue;
    // The broker's own `cluster_name` is compared only when declared: never listed, never pruned.
    if (live.kind === 'global_parameter' && IMPLICIT_GLOBAL_PARAMETERS.has(live.name)) continue;
    if (owned.ignores(live)) continue;
    const dropped = droppedBy(live, replaced);
    const keep = protectedBy(live, protectedUsers);
    // The grants of the user Warren connects as are its working state (it grants them on vhosts it creates): not listed.
    if (keep && live.kind !== 'user') continue;
    if ((isGlobalKind(live.kind) ? options.prune : owned.prunes(live.vhost)) && !keep) {
      const why = options.prune || isGlobalKind(live.kind) ? '--prune' : `prune: true on vhost "${live.vhost}"`;
      changes.push(make('delete', undefined, live, [], [`not declared in the spec (${why})`], key));
    } else if (dropped && live.kind !== 'binding') {
      // A binding dropped with its exchange or queue is a hazard of the plan (FOREIGN_BINDINGS_DROPPED).
      warnings.push(
        diagnostic(
          'UNMANAGED_DROPPED',
          `${live.kind.replace(/_/g, ' ')} "${live.name}" in vhost "${live.vhost}" is not declared, and the broker drops it when ${dropped} is replaced; declare it to keep it`,
          undefined,
          'warning',
        ),
      );
    } else {
      unmanaged.push(unmanagedOf(key, live, keep));
    }
  }
  warnings.push(...unknownGrantees(desired, observed, changes));
  return { changes, unmanaged, warnings };
}

/** What a vhost holds that a replace would destroy ('' when nothing): its queues and exchanges. */
function vhostContents(observed: Observed, vhost: string): string {
  let queues = 0;
  let exchanges = 0;
  for (const r of observed.resources.values()) {
    if (r.vhost !== vhost) continue;
    if (r.kind === 'queue') queues++;
    else if (r.kind === 'exchange') exchanges++;
  }
  const parts = [
    ...(queues > 0 ? [`${queues} queue${queues === 1 ? '' : 's'}`] : []),
    ...(exchanges > 0 ? [`${exchanges} exchange${exchanges === 1 ? '' : 's'}`] : []),
  ];
  return parts.join(' and ');
}

function plural(kind: Resource['kind']): string {
  return `${kind.replace(/_/g, ' ')}s`;
}

/** The label of the replaced resource that takes `r` with it, if any. */
function droppedBy(r: Resource, replaced: ReadonlyMap<string, string>): string | undefined {
  if (replaced.size === 0 || isGlobalKind(r.kind) || r.kind === 'vhost') return undefined;
  const vhost = replaced.get(namedKey('vhost', r.vhost, r.vhost));
  if (vhost) return vhost;
  if (r.kind !== 'binding') return undefined;
  return droppedWithEndpoint(r, replaced);
}

function droppedWithEndpoint(b: BindingResource, replaced: ReadonlyMap<string, string>): string | undefined {
  return replaced.get(namedKey('exchange', b.vhost, b.source)) ?? replaced.get(namedKey(b.destination_type, b.vhost, b.destination));
}

/** Why a live resource must never be deleted by Warren ('' when it may be). */
function protectedBy(r: Resource, protectedUsers: ReadonlySet<string>): string {
  const user = r.kind === 'user' || r.kind === 'permission' ? r.name : r.kind === 'topic_permission' || r.kind === 'user_limit' ? r.user : undefined;
  return user !== undefined && protectedUsers.has(user) ? 'Warren connects as this user' : '';
}

function make(
  action: Change['action'],
  after: Resource | undefined,
  before: Resource | undefined,
  fields: Change['fields'],
  reasons: string[],
  key?: string,
): Change {
  const r = (after ?? before) as Resource;
  // Plain literals, no spreads: a literal ending in a spread is a slow (dictionary) object, and
  // copying and sorting 100k of those in plan/order took longer than the whole diff.
  const k = key ?? resourceKey(r);
  if (before && after) return { action, kind: r.kind, vhost: r.vhost, name: r.name, key: k, fields, reasons, before, after };
  if (before) return { action, kind: r.kind, vhost: r.vhost, name: r.name, key: k, fields, reasons, before };
  return { action, kind: r.kind, vhost: r.vhost, name: r.name, key: k, fields, reasons, after: r };
}

function unmanagedOf(key: string, r: Resource, protectedReason: string): Unmanaged {
  const u = { kind: r.kind, vhost: r.vhost, name: r.name, key, ...(protectedReason ? { protected: protectedReason } : {}) };
  return r.kind === 'queue' && r.messages !== undefined ? { ...u, messages: r.messages } : u;
}
