/**
 * Changes of the kinds the management API owns (users, permissions, limits,
 * policies, parameters) → HTTP PUT / DELETE. A PUT overwrites the whole
 * resource, so create and update are the same call; nothing here is ever
 * replaced. Secrets stay `Sensitive` in request bodies: the management
 * client reveals them as it sends the body, and keeps the broker's answer
 * from repeating them.
 */
import { diagnostic, WarrenError } from '../model/diagnostics.js';
import type { PlannedChange } from '../model/plan.js';
import type { ParamValue, Resource, UserPassword, UserResource } from '../model/types.js';
import { seg, type ManagementClient } from '../live/http.js';
import { hashPassword } from '../util/password-hash.js';
import { isEnvRef, isSecretPlaceholder, isSensitive, resolveEnv, Sensitive, type EnvMap } from '../util/sensitive.js';
import { setsPassword } from '../plan/saved-secrets.js';
import { describeChange } from './errors.js';

export interface HttpStepContext {
  readonly http: ManagementClient;
  readonly env: EnvMap;
}

type HttpKind = 'user' | 'permission' | 'topic_permission' | 'vhost_limit' | 'user_limit' | 'policy' | 'operator_policy' | 'parameter' | 'global_parameter';

export async function runHttpStep(change: PlannedChange & { readonly kind: HttpKind }, ctx: HttpStepContext): Promise<void> {
  const deleting = change.action === 'delete';
  const r = deleting ? change.before : change.after;
  if (!r || r.kind !== change.kind) {
    throw new WarrenError(diagnostic('APPLY_BAD_PLAN', `${describeChange(change)}: the plan has no '${deleting ? 'before' : 'after'}' ${change.kind} for this change`));
  }
  if (r.kind === 'topic_permission') {
    // One HTTP resource holds every topic permission of a user in a vhost: one step at a time per resource.
    return serialized(`topic-permissions\u0000${r.vhost}\u0000${r.user}`, () =>
      deleting ? deleteTopicPermission(r.vhost, r.user, r.exchange, ctx.http) : putResource(r, change, ctx),
    );
  }
  const write = async (): Promise<void> => {
    if (deleting) await ctx.http.delete(pathOf(r));
    else await putResource(r, change, ctx);
  };
  const shared = sharedRecord(r);
  return shared === undefined ? write() : serialized(shared, write);
}

/**
 * The broker record that several limits share, when `r` is one: a write of
 * one limit rewrites them all. RabbitMQ keeps all limits of a vhost in one
 * runtime parameter (`vhost-limits`/`limits`), and `PUT` / `DELETE
 * /api/vhost-limits/V/NAME` read it, change one key and write it back,
 * outside any transaction (`rabbit_vhost_limit:update_limit/4`,
 * `clear_limit/3`, 3.10 to 4.3). Two of them at once lose one write: a new
 * vhost's `max-queues` and `max-connections`, created in the same phase,
 * came out with only one of them about once in three applies. So the limits
 * of one vhost, and of one user (also one record), are written one at a time.
 */
function sharedRecord(r: Resource): string | undefined {
  if (r.kind === 'vhost_limit') return `vhost-limits\u0000${r.vhost}`;
  if (r.kind === 'user_limit') return `user-limits\u0000${r.user}`;
  return undefined;
}

async function putResource(r: Resource, change: PlannedChange, ctx: HttpStepContext): Promise<void> {
  await ctx.http.put(pathOf(r), bodyOf(r, change, ctx.env));
}

/** The management API path of a resource. */
export function pathOf(r: Resource): string {
  switch (r.kind) {
    case 'user':
      return `/api/users/${seg(r.name)}`;
    case 'permission':
      return `/api/permissions/${seg(r.vhost)}/${seg(r.name)}`;
    case 'topic_permission':
      return `/api/topic-permissions/${seg(r.vhost)}/${seg(r.user)}`;
    case 'vhost_limit':
      return `/api/vhost-limits/${seg(r.vhost)}/${seg(r.name)}`;
    case 'user_limit':
      return `/api/user-limits/${seg(r.user)}/${seg(r.limit)}`;
    case 'policy':
      return `/api/policies/${seg(r.vhost)}/${seg(r.name)}`;
    case 'operator_policy':
      return `/api/operator-policies/${seg(r.vhost)}/${seg(r.name)}`;
    case 'parameter':
      return `/api/parameters/${seg(r.component)}/${seg(r.vhost)}/${seg(r.parameter)}`;
    case 'global_parameter':
      return `/api/global-parameters/${seg(r.name)}`;
    default:
      throw new Error(`no management API path for ${r.kind}`);
  }
}

function bodyOf(r: Resource, change: PlannedChange, env: EnvMap): unknown {
  switch (r.kind) {
    case 'user':
      return userBody(r, change, env);
    case 'permission':
      return { configure: r.configure, write: r.write, read: r.read };
    case 'topic_permission':
      return { exchange: r.exchange, write: r.write, read: r.read };
    case 'vhost_limit':
    case 'user_limit':
      return { value: r.value };
    case 'policy':
    case 'operator_policy':
      return { pattern: r.pattern, 'apply-to': r.apply_to, priority: r.priority, definition: r.definition };
    case 'parameter':
    case 'global_parameter':
      return { value: reveal(r.value, env, change) };
    default:
      throw new Error(`no management API body for ${r.kind}`);
  }
}

/**
 * A PUT of a user replaces its password too (none given: passwordless on
 * update, a random one on create, verified 3.10.8), so the body always says
 * which: the declared one, or the live hash when the spec leaves it alone.
 */
function userBody(u: UserResource, change: PlannedChange, env: EnvMap): Record<string, unknown> {
  const tags = u.tags.join(',');
  const live = change.before?.kind === 'user' ? change.before.password : undefined;
  let password: UserPassword;
  if (u.password.kind === 'unmanaged') password = live ?? { kind: 'none' };
  else if (setsPassword(change)) password = u.password;
  else password = live ?? u.password;
  switch (password.kind) {
    case 'none':
    case 'unmanaged':
      return { tags, password_hash: '' };
    case 'hash':
      if (!isSensitive(password.hash)) throw notInPlanFile(change);
      return { tags, password_hash: password.hash, hashing_algorithm: password.algorithm };
    case 'env': {
      // From a saved plan, `value` is the "(sensitive)" placeholder: read the variable again.
      const value = isSensitive(password.value) ? password.value : sensitiveEnv(password, env);
      if (value === undefined) throw missingEnv(password.env, change);
      return { tags, password: value };
    }
    case 'plain':
      if (!isSensitive(password.value)) throw notInPlanFile(change);
      // Without an algorithm in the file, the broker hashes it with its own default, as its import does.
      if (password.algorithm === undefined) return { tags, password: password.value };
      return { tags, password_hash: new Sensitive(hashPassword(password.value.reveal(), password.algorithm)), hashing_algorithm: password.algorithm };
  }
}

/** A plan read back from a file holds "(sensitive)" where a secret was: it cannot set one. */
function notInPlanFile(change: PlannedChange): WarrenError {
  return new WarrenError(
    diagnostic(
      'SECRET_NOT_IN_PLAN',
      `${describeChange(change)}: the plan holds a secret only as "(sensitive)" (plan files never contain secrets); apply from the spec instead of a saved plan`,
    ),
  );
}

function missingEnv(name: string, change: PlannedChange): WarrenError {
  return new WarrenError(
    diagnostic('SECRET_ENV_UNSET', `${describeChange(change)}: the environment variable ${name} is not set (or empty); set it to the secret before running apply`),
  );
}

function sensitiveEnv(ref: { readonly env: string }, env: EnvMap): Sensitive | undefined {
  const value = resolveEnv(ref, env);
  return value === undefined ? undefined : new Sensitive(value);
}

/** A parameter value with its environment references read, for the request body only (secrets stay `Sensitive`). */
function reveal(v: ParamValue, env: EnvMap, change: PlannedChange): unknown {
  if (isSensitive(v)) return v;
  if (isEnvRef(v)) {
    const value = sensitiveEnv(v, env);
    if (value === undefined) throw missingEnv(v.env, change);
    return value;
  }
  if (isSecretPlaceholder(v)) throw notInPlanFile(change);
  if (Array.isArray(v)) return (v as readonly ParamValue[]).map((x) => reveal(x, env, change));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, ParamValue>)) out[k] = reveal(x, env, change);
    return out;
  }
  return v;
}

/**
 * The HTTP API deletes all topic permissions of a user in a vhost at once
 * (3.10 has no per-exchange delete), so the others are read first and put
 * back.
 */
async function deleteTopicPermission(vhost: string, user: string, exchange: string, http: ManagementClient): Promise<void> {
  const path = `/api/topic-permissions/${seg(vhost)}/${seg(user)}`;
  let rows: unknown;
  try {
    rows = await http.get(path);
  } catch {
    rows = [];
  }
  const others = (Array.isArray(rows) ? rows : []).filter(
    (row): row is { exchange: string; write: string; read: string } =>
      typeof row === 'object' && row !== null && typeof (row as { exchange?: unknown }).exchange === 'string' && (row as { exchange: string }).exchange !== exchange,
  );
  await http.delete(path);
  for (const o of others) await http.put(path, { exchange: o.exchange, write: o.write, read: o.read });
}

const locks = new Map<string, Promise<void>>();

async function serialized(key: string, fn: () => Promise<void>): Promise<void> {
  const prior = locks.get(key) ?? Promise.resolve();
  const run = prior.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}
