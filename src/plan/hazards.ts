import type { Change } from '../model/change.js';
import { namedKey } from '../model/keys.js';
import type { Hazard, PlannedChange } from '../model/plan.js';
import type { QueueResource, ResourceMap } from '../model/types.js';
import { broadens } from './permission-scope.js';

export const ALLOW_DATA_LOSS = '--allow-data-loss';
export const ALLOW_BROADENED_PERMISSIONS = '--allow-broadened-permissions';
/** `apply --migrate` moves a replaced queue's messages (apply/migrate): it allows the data-loss hazards of replaces only. */
export const ALLOW_MIGRATE = '--migrate';
/** Changes that destroy state Warren does not own: bindings of other teams' queues, policies over full queues. */
export const ALLOW_DESTRUCTIVE = '--allow-destructive';

/**
 * Analyzers over the changes, each with a stable code. A hazard is something
 * a reviewer must see and apply refuses unless its flag is given.
 */
export function findHazards(changes: readonly (Change | PlannedChange)[], live: ResourceMap = new Map()): Hazard[] {
  // Creates carry no hazard (see each analyzer); a plan of 100k creates is then not 200k empty arrays.
  const risky = changes.filter((c) => c.action !== 'create');
  return [
    ...risky.flatMap(queueHazards),
    ...risky.flatMap(permissionHazards),
    ...foreignBindingHazards(risky, changes, live),
    ...risky.flatMap((c) => policyHazards(c, live)),
  ];
}

/**
 * Deleting or replacing an exchange or a queue drops every binding to and
 * from it. Those the plan deletes or re-creates are Warren's; any other (an
 * ignored or unmanaged binding, another team's queue bound to our exchange)
 * is lost silently unless flagged.
 */
function foreignBindingHazards(risky: readonly Change[], all: readonly Change[], live: ResourceMap): Hazard[] {
  const ends = new Map<string, Change>();
  for (const c of risky) {
    if ((c.kind === 'exchange' || c.kind === 'queue') && (c.action === 'delete' || c.action === 'replace')) ends.set(namedKey(c.kind, c.vhost, c.name), c);
  }
  if (ends.size === 0) return [];
  const planned = new Set(all.filter((c) => c.kind === 'binding').map((c) => c.key));
  const dropped = new Map<Change, string[]>();
  for (const [key, r] of live) {
    if (r.kind !== 'binding' || planned.has(key)) continue;
    const end = ends.get(namedKey('exchange', r.vhost, r.source)) ?? ends.get(namedKey(r.destination_type, r.vhost, r.destination));
    if (end) dropped.set(end, [...(dropped.get(end) ?? []), r.name]);
  }
  return [...dropped].map(([c, names]) => ({
    code: 'FOREIGN_BINDINGS_DROPPED',
    message:
      `${c.action === 'delete' ? 'deleting' : 'replacing'} ${c.kind} "${c.name}" in vhost "${c.vhost}" drops ${names.length} binding${names.length === 1 ? '' : 's'} ` +
      `the spec does not manage: ${names.slice(0, 5).join('; ')}${names.length > 5 ? `; and ${names.length - 5} more` : ''}`,
    change: c.key,
    allowed_by: ALLOW_DESTRUCTIVE,
  }));
}

/** A policy change that applies to queues holding messages can expire, drop or dead-letter them at once. */
function policyHazards(c: Change | PlannedChange, live: ResourceMap): Hazard[] {
  if ((c.kind !== 'policy' && c.kind !== 'operator_policy') || !('matches' in c) || !c.matches) return [];
  const full = c.matches
    .filter((m) => m.kind === 'queue')
    .map((m) => live.get(namedKey('queue', c.vhost, m.name)))
    .filter((q): q is QueueResource => q?.kind === 'queue' && (q.messages ?? 0) > 0);
  if (full.length === 0) return [];
  const total = full.reduce((n, q) => n + (q.messages ?? 0), 0);
  return [
    {
      code: 'POLICY_ALTERS_QUEUES_WITH_MESSAGES',
      message:
        `${c.action === 'delete' ? 'deleting' : c.action === 'create' ? 'adding' : 'changing'} ${c.kind.replace('_', ' ')} "${c.name}" in vhost "${c.vhost}" changes ${full.length} queue${full.length === 1 ? '' : 's'} ` +
        `holding ${total} message${total === 1 ? '' : 's'} (${full.slice(0, 5).map((q) => `"${q.name}"`).join(', ')}${full.length > 5 ? ', …' : ''}); limits, TTLs or dead-lettering apply to them at once`,
      change: c.key,
      allowed_by: ALLOW_DESTRUCTIVE,
    },
  ];
}

function queueHazards(c: Change): Hazard[] {
  const out: Hazard[] = [];
  if (c.kind !== 'queue' || (c.action !== 'delete' && c.action !== 'replace')) return out;
  const live = c.before;
  if (!live || live.kind !== 'queue') return out;
  const verb = c.action === 'delete' ? 'deleting' : 'replacing';
  const where = `queue "${c.name}" in vhost "${c.vhost}"`;
  // Messages can be moved out of a replaced queue, except out of a stream (consuming does not remove them).
  const migratable = c.action === 'replace' && live.type !== 'stream' ? { also_allowed_by: [ALLOW_MIGRATE] } : {};
  if (live.messages === undefined) {
    out.push({
      code: 'QUEUE_MESSAGES_UNKNOWN',
      message: `${where}: the broker did not report its message count; ${verb} it may lose messages`,
      change: c.key,
      allowed_by: ALLOW_DATA_LOSS,
      ...migratable,
    });
  } else if (live.messages > 0) {
    out.push({
      code: 'QUEUE_DATA_LOSS',
      message: `${where} holds ${live.messages} message${live.messages === 1 ? '' : 's'}; ${verb} it loses them`,
      change: c.key,
      allowed_by: ALLOW_DATA_LOSS,
      ...migratable,
    });
  }
  if (live.consumers !== undefined && live.consumers > 0) {
    out.push({
      code: 'QUEUE_HAS_CONSUMERS',
      message: `${where} has ${live.consumers} consumer${live.consumers === 1 ? '' : 's'}; ${verb} it cancels them`,
      change: c.key,
      allowed_by: ALLOW_DATA_LOSS,
    });
  }
  return out;
}

/**
 * `PERMISSION_BROADENED`: an existing grant that a change widens. A changed
 * configure/write/read pattern that is not provably narrower (see
 * permission-scope), a tag added to an existing user, and a deleted topic
 * permission (without one, a user may use every routing key). New
 * permissions and users are creates, shown as such, and not flagged.
 */
function permissionHazards(c: Change): Hazard[] {
  const hazard = (what: string): Hazard => ({
    code: 'PERMISSION_BROADENED',
    message: `${what}; apply widens what the user may do`,
    change: c.key,
    allowed_by: ALLOW_BROADENED_PERMISSIONS,
  });
  const b = c.before;
  const a = c.after;
  if (c.action === 'delete' && b?.kind === 'topic_permission') {
    return [hazard(`topic permission of user "${b.user}" on exchange "${b.exchange}" in vhost "${b.vhost}" is deleted, which lifts its write/read restriction`)];
  }
  if (c.action !== 'update' || !b || !a) return [];
  if ((b.kind === 'permission' && a.kind === 'permission') || (b.kind === 'topic_permission' && a.kind === 'topic_permission')) {
    const fields = (a.kind === 'permission' ? (['configure', 'write', 'read'] as const) : (['write', 'read'] as const)).filter((f) =>
      broadens((b as unknown as Record<string, string>)[f] ?? '', (a as unknown as Record<string, string>)[f] ?? ''),
    );
    if (fields.length === 0) return [];
    const user = a.kind === 'permission' ? a.name : a.user;
    const on = a.kind === 'topic_permission' ? ` on exchange "${a.exchange}"` : '';
    const detail = fields
      .map((f) => `${f} ${JSON.stringify((b as unknown as Record<string, string>)[f])} → ${JSON.stringify((a as unknown as Record<string, string>)[f])}`)
      .join(', ');
    return [hazard(`${a.kind === 'permission' ? 'permission' : 'topic permission'} of user "${user}"${on} in vhost "${a.vhost}": ${detail}`)];
  }
  if (b.kind === 'user' && a.kind === 'user') {
    const added = a.tags.filter((t) => !b.tags.includes(t));
    if (added.length > 0) return [hazard(`user "${a.name}" gains tag${added.length === 1 ? '' : 's'} ${added.map((t) => JSON.stringify(t)).join(', ')}`)];
  }
  return [];
}

/** Hazards not covered by the given allow flags. */
export function unallowedHazards(hazards: readonly Hazard[], allowed: ReadonlySet<string>): Hazard[] {
  return hazards.filter((h) => !allowed.has(h.allowed_by) && !(h.also_allowed_by ?? []).some((f) => allowed.has(f)));
}
