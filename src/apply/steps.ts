/**
 * One planned change → broker calls. Exchanges, queues and binding creates go
 * over AMQP; vhosts, binding deletes (a binding is deleted by the broker's
 * `properties_key`, so a type-mismatched unbind can never silently miss) and
 * every other kind (steps-http) over HTTP.
 */
import type { Channel } from 'amqplib';
import { diagnostic, WarrenError } from '../model/diagnostics.js';
import { canonicalArgs } from '../model/keys.js';
import type { PlannedChange } from '../model/plan.js';
import {
  assertNever,
  type BindingResource,
  type ExchangeResource,
  type QueueResource,
  type Resource,
  type VhostResource,
} from '../model/types.js';
import { HttpError, seg, type ManagementClient } from '../live/http.js';
import { normalizeArgs } from '../live/normalize.js';
import { encodeArgs } from './amqp-args.js';
import type { AmqpTarget } from './amqp-connection.js';
import { migrateStep } from './migrate.js';
import { describeChange } from './errors.js';
import { runHttpStep } from './steps-http.js';
import type { EnvMap } from '../util/sensitive.js';

export interface StepContext {
  readonly http: ManagementClient;
  /** Environment variables for `{ env: NAME }` secrets */
  readonly env: EnvMap;
  readonly allowDataLoss: boolean;
  /** Delete exchanges even while other queues are bound to them (--allow-destructive). */
  readonly allowDestructive?: boolean;
  /** The AMQP user, granted permissions on vhosts this apply creates when it has none */
  readonly amqpUser: string;
  /** A channel of the worker running the step (opened on demand) */
  channel(): Promise<Channel>;
  note(message: string, change: PlannedChange): void;
  /** `--migrate`: the vhost's AMQP endpoint; queue replaces then move messages instead of dropping them (apply/migrate) */
  readonly migrate?: AmqpTarget;
  /** How long a migration waits while the broker blocks its publishes (MigrateContext) */
  readonly blockedTimeoutMs?: number;
}

/** True when the change is executed over AMQP (and so needs a channel). */
export function needsChannel(change: PlannedChange): boolean {
  if (change.kind === 'binding') return change.action !== 'delete';
  return change.kind === 'exchange' || change.kind === 'queue';
}

export async function runStep(change: PlannedChange, ctx: StepContext): Promise<void> {
  switch (change.kind) {
    case 'vhost':
      return runVhost(change, ctx);
    case 'exchange':
      return runExchange(change, ctx);
    case 'queue':
      return runQueue(change, ctx);
    case 'binding':
      return runBinding(change, ctx);
    case 'user':
    case 'permission':
    case 'topic_permission':
    case 'vhost_limit':
    case 'user_limit':
    case 'policy':
    case 'operator_policy':
    case 'parameter':
    case 'global_parameter':
      return runHttpStep({ ...change, kind: change.kind }, ctx);
    default:
      return assertNever(change.kind, 'resource kind');
  }
}

function resource<K extends Resource['kind']>(change: PlannedChange, side: 'before' | 'after', kind: K): Extract<Resource, { kind: K }> {
  const r = change[side];
  if (!r || r.kind !== kind) {
    throw new WarrenError(diagnostic('APPLY_BAD_PLAN', `${describeChange(change)}: the plan has no '${side}' ${kind} for this change`));
  }
  return r as Extract<Resource, { kind: K }>;
}

async function runVhost(change: PlannedChange, ctx: StepContext): Promise<void> {
  if (change.action === 'delete') {
    throw new WarrenError(
      diagnostic('APPLY_UNSUPPORTED', `${describeChange(change)}: Warren never deletes vhosts; delete it yourself (rabbitmqctl delete_vhost) if you mean to`),
    );
  }
  const v: VhostResource = resource(change, 'after', 'vhost');
  const path = `/api/vhosts/${seg(v.name)}`;
  if (change.action === 'replace') await deleteEmptyVhost(v.name, change, ctx);
  // 3.10/3.11 read `defaultqueuetype`, later versions `default_queue_type`; tags as "a,b" work on all.
  await ctx.http.put(path, {
    description: v.description,
    tags: v.tags.join(','),
    default_queue_type: v.default_queue_type,
    defaultqueuetype: v.default_queue_type,
  });
  if (change.action === 'create' || change.action === 'replace') await ensurePermissions(v.name, change, ctx);
  await setDeletionProtection(v, change, ctx);
}

/**
 * Deletion protection is not part of the vhost's PUT (which ignores it): it is
 * set and lifted on its own path, once the vhost exists. Only when the plan
 * changes it: a new vhost is unprotected, and a spec that leaves it out leaves
 * it alone (settleUnset carries the live value).
 */
async function setDeletionProtection(v: VhostResource, change: PlannedChange, ctx: StepContext): Promise<void> {
  const want = v.protected_from_deletion === true;
  const had = change.action === 'update' && change.before?.kind === 'vhost' && change.before.protected_from_deletion === true;
  if (want === had) return;
  const path = `/api/vhosts/${seg(v.name)}/deletion/protection`;
  if (want) await ctx.http.post(path, {});
  else await ctx.http.delete(path);
}

/**
 * A vhost is replaced only to set a default queue type that the broker takes
 * only at creation (3.10/3.11), and only when it holds no queues: checked
 * again here, as the plan may be older than the broker's state.
 */
async function deleteEmptyVhost(vhost: string, change: PlannedChange, ctx: StepContext): Promise<void> {
  const listed = await ctx.http.get(`/api/queues/${seg(vhost)}?disable_stats=true&columns=name,exclusive`);
  // Exclusive queues (such as the apply lock) belong to connections, not to the topology.
  const queues = Array.isArray(listed) ? listed.filter((q) => (q as { exclusive?: unknown }).exclusive !== true) : [];
  if (queues.length > 0) {
    throw new WarrenError(
      diagnostic(
        'APPLY_STEP_FAILED',
        `${describeChange(change)} failed: the vhost now holds ${queues.length} queue(s), and replacing it would delete them; run plan again`,
      ),
    );
  }
  await ctx.http.delete(`/api/vhosts/${seg(vhost)}`);
}

/**
 * The management user gets full permissions on a vhost it creates (verified
 * on 3.10.8); the AMQP user may be another one. Warren grants it `.* .* .*`,
 * only on a vhost it created in this apply and only when it has none.
 */
async function ensurePermissions(vhost: string, change: PlannedChange, ctx: StepContext): Promise<void> {
  const path = `/api/permissions/${seg(vhost)}/${seg(ctx.amqpUser)}`;
  try {
    await ctx.http.get(path);
    return;
  } catch (err) {
    if (!(err instanceof HttpError) || err.status !== 404) throw err;
  }
  await ctx.http.put(path, { configure: '.*', write: '.*', read: '.*' });
  ctx.note(`granted user '${ctx.amqpUser}' configure/write/read '.*' on vhost '${vhost}', which this apply created, so that it can declare the topology over AMQP`, change);
}

async function runExchange(change: PlannedChange, ctx: StepContext): Promise<void> {
  switch (change.action) {
    case 'create':
    case 'update':
      return declareExchange(await ctx.channel(), resource(change, 'after', 'exchange'));
    case 'replace': {
      const ch = await ctx.channel();
      // Its bindings go with it; the plan re-creates them in the bind phase.
      await ch.deleteExchange(change.name);
      return declareExchange(ch, resource(change, 'after', 'exchange'));
    }
    case 'delete':
      // if-unused: a binding added since the plan keeps the exchange, unless the reviewer allowed dropping foreign bindings
      await (await ctx.channel()).deleteExchange(change.name, { ifUnused: !ctx.allowDestructive });
      return;
    default:
      return assertNever(change.action, 'action');
  }
}

async function declareExchange(ch: Channel, x: ExchangeResource): Promise<void> {
  await ch.assertExchange(x.name, x.type, {
    durable: x.durable,
    autoDelete: x.auto_delete,
    internal: x.internal,
    arguments: encodeArgs(x.arguments),
  });
}

async function runQueue(change: PlannedChange, ctx: StepContext): Promise<void> {
  if (ctx.migrate && (change.action === 'replace' || change.action === 'create')) {
    const before = change.before?.kind === 'queue' ? change.before : undefined;
    const mctx = {
      http: ctx.http,
      target: ctx.migrate,
      allowDataLoss: ctx.allowDataLoss,
      ...(ctx.blockedTimeoutMs !== undefined ? { blockedTimeoutMs: ctx.blockedTimeoutMs } : {}),
      note: (m: string) => ctx.note(m, change),
    };
    if (await migrateStep(change.action, before, resource(change, 'after', 'queue'), mctx)) return;
  }
  switch (change.action) {
    case 'create':
    case 'update':
      return declareQueue(await ctx.channel(), resource(change, 'after', 'queue'));
    case 'replace':
      await deleteQueue(change, ctx);
      return declareQueue(await ctx.channel(), resource(change, 'after', 'queue'));
    case 'delete':
      return deleteQueue(change, ctx);
    default:
      return assertNever(change.action, 'action');
  }
}

/**
 * Deletes a queue; unless data loss is allowed, only when it is empty and has
 * no consumers. Classic queues are guarded by the broker (if-empty, if-unused:
 * atomic). RabbitMQ 3.10 cannot do that for the other types (verified 3.10.8):
 * if-empty/if-unused on a quorum queue is 540 NOT_IMPLEMENTED and closes the
 * whole connection, and a stream ignores if-empty. So a quorum queue is
 * checked with a passive declare first (a small race remains), and a stream,
 * whose message count the broker does not report, is never deleted without
 * allowDataLoss.
 */
async function deleteQueue(change: PlannedChange, ctx: StepContext): Promise<void> {
  const type = (change.before?.kind === 'queue' ? change.before.type : undefined) ?? 'classic';
  if (ctx.allowDataLoss) {
    await (await ctx.channel()).deleteQueue(change.name);
    return;
  }
  switch (type) {
    case 'classic':
      await (await ctx.channel()).deleteQueue(change.name, { ifEmpty: true, ifUnused: true });
      return;
    case 'stream':
      throw refusal(change, `stream '${change.name}' may hold messages (RabbitMQ reports no message count for streams and ignores if-empty on them)`, 'the stream');
    case 'quorum': {
      let check: { messageCount: number; consumerCount: number };
      try {
        check = await (await ctx.channel()).checkQueue(change.name);
      } catch (err) {
        if ((err as { code?: unknown }).code === 404) return; // already gone
        throw err;
      }
      if (check.messageCount > 0) {
        throw refusal(change, `quorum queue '${change.name}' holds ${check.messageCount} ready message(s)`, 'the queue');
      }
      if (check.consumerCount > 0) {
        throw new WarrenError(
          diagnostic(
            'APPLY_STEP_FAILED',
            `${describeChange(change)} failed: quorum queue '${change.name}' has ${check.consumerCount} consumer(s); stop them first, or re-run with --allow-data-loss to delete it anyway`,
          ),
        );
      }
      await (await ctx.channel()).deleteQueue(change.name);
      return;
    }
    default:
      return assertNever(type, 'queue type');
  }
}

function refusal(change: PlannedChange, why: string, what: string): WarrenError {
  return new WarrenError(
    diagnostic('APPLY_STEP_FAILED', `${describeChange(change)} failed: ${why}; re-run with --allow-data-loss to delete ${what} anyway, or drain it first`),
  );
}

async function declareQueue(ch: Channel, q: QueueResource): Promise<void> {
  await ch.assertQueue(q.name, {
    durable: q.durable,
    autoDelete: q.auto_delete,
    exclusive: false,
    // Always explicit: a vhost default queue type would otherwise turn a durable classic declare into quorum.
    arguments: { ...encodeArgs(q.arguments), 'x-queue-type': q.type },
  });
}

async function runBinding(change: PlannedChange, ctx: StepContext): Promise<void> {
  switch (change.action) {
    case 'create':
    case 'update':
      return bind(await ctx.channel(), resource(change, 'after', 'binding'));
    case 'replace':
      await unbindOverHttp(resource(change, 'before', 'binding'), ctx.http);
      return bind(await ctx.channel(), resource(change, 'after', 'binding'));
    case 'delete':
      return unbindOverHttp(resource(change, 'before', 'binding'), ctx.http);
    default:
      return assertNever(change.action, 'action');
  }
}

async function bind(ch: Channel, b: BindingResource): Promise<void> {
  const args = encodeArgs(b.arguments);
  if (b.destination_type === 'queue') await ch.bindQueue(b.destination, b.source, b.routing_key, args);
  else await ch.bindExchange(b.destination, b.source, b.routing_key, args);
}

function bindingsBetween(b: BindingResource): string {
  const d = b.destination_type === 'queue' ? 'q' : 'e';
  return `/api/bindings/${seg(b.vhost)}/e/${seg(b.source)}/${d}/${seg(b.destination)}`;
}

/**
 * Deletes every broker binding with this identity by `properties_key`
 * (several when JSON-identical rows differ in integer types). Without listed
 * keys (a plan not made from a live read), they are looked up first. A 404
 * means already gone.
 */
async function unbindOverHttp(b: BindingResource, http: ManagementClient): Promise<void> {
  const base = bindingsBetween(b);
  const keys = b.properties_keys && b.properties_keys.length > 0 ? b.properties_keys : await lookupPropertiesKeys(b, http);
  for (const key of keys) await http.delete(`${base}/${encodeURIComponent(key)}`);
}

async function lookupPropertiesKeys(b: BindingResource, http: ManagementClient): Promise<string[]> {
  let rows: unknown;
  try {
    rows = await http.get(bindingsBetween(b));
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return [];
    throw err;
  }
  if (!Array.isArray(rows)) return [];
  const wanted = canonicalArgs(b.arguments);
  const keys: string[] = [];
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const r = row as Record<string, unknown>;
    if (r['routing_key'] !== b.routing_key || typeof r['properties_key'] !== 'string') continue;
    if (canonicalArgs(normalizeArgs(r['arguments'], `GET ${bindingsBetween(b)}`)) !== wanted) continue;
    keys.push(r['properties_key']);
  }
  return keys;
}
