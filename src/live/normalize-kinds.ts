/**
 * Management API JSON → model resources, for users, permissions, limits,
 * policies and runtime parameters (the kinds beside the AMQP topology).
 *
 * Implicit state is dropped here: the global parameter `internal_cluster_id`
 * (rabbitmq-semantics.md §5; `cluster_name` is kept, and the diff leaves it
 * alone unless the spec declares it), and the `operator_policy` and
 * `vhost-limits` components of `/api/parameters`, which are read from their
 * own endpoints (or each would be diffed twice, §1). Secrets become
 * `Sensitive`: password hashes, and every string that is a URI with a password.
 */
import { BROKER_OWNED_GLOBAL_PARAMETERS, PARAMETER_COMPONENTS_READ_ELSEWHERE } from '../model/implicit.js';
import { parameterName, topicPermissionName, userLimitName } from '../model/keys.js';
import type {
  GlobalParameterResource,
  ParameterResource,
  ParamValue,
  PermissionResource,
  PolicyResource,
  TopicPermissionResource,
  UserLimitResource,
  UserPassword,
  UserResource,
  VhostLimitResource,
} from '../model/types.js';
import { hasCredentials, Sensitive } from '../util/sensitive.js';
import { isRecord, normalizeArgs, rows, str, tagList, unexpected } from './normalize.js';


/** `GET /api/users` → users, their passwords as `Sensitive` hashes (`''` is passwordless). */
export function normalizeUsers(json: unknown): UserResource[] {
  const where = 'GET /api/users';
  return rows(json, where).map((row) => {
    const name = str(row, 'name', where);
    const hash = row['password_hash'];
    const algorithm = row['hashing_algorithm'];
    const password: UserPassword =
      typeof hash === 'string' && hash !== ''
        ? { kind: 'hash', hash: new Sensitive(hash), algorithm: typeof algorithm === 'string' ? algorithm : 'rabbit_password_hashing_sha256' }
        : { kind: 'none' };
    return { kind: 'user', vhost: '', name, tags: tagList(row['tags']).sort(), password };
  });
}

/** `GET /api/permissions` → the permissions in `vhosts`. */
export function normalizePermissions(json: unknown, vhosts: ReadonlySet<string>): PermissionResource[] {
  const where = 'GET /api/permissions';
  const out: PermissionResource[] = [];
  for (const row of rows(json, where)) {
    const vhost = str(row, 'vhost', where);
    if (!vhosts.has(vhost)) continue;
    out.push({
      kind: 'permission',
      vhost,
      name: str(row, 'user', where),
      configure: str(row, 'configure', where),
      write: str(row, 'write', where),
      read: str(row, 'read', where),
    });
  }
  return out;
}

/** `GET /api/topic-permissions` → the topic permissions in `vhosts`. */
export function normalizeTopicPermissions(json: unknown, vhosts: ReadonlySet<string>): TopicPermissionResource[] {
  const where = 'GET /api/topic-permissions';
  const out: TopicPermissionResource[] = [];
  for (const row of rows(json, where)) {
    const vhost = str(row, 'vhost', where);
    if (!vhosts.has(vhost)) continue;
    const user = str(row, 'user', where);
    const exchange = str(row, 'exchange', where);
    out.push({
      kind: 'topic_permission',
      vhost,
      name: topicPermissionName(user, exchange),
      user,
      exchange,
      write: str(row, 'write', where),
      read: str(row, 'read', where),
    });
  }
  return out;
}

/** `GET /api/policies` or `/api/operator-policies` → the policies in `vhosts`. */
export function normalizePolicies(json: unknown, vhosts: ReadonlySet<string>, kind: 'policy' | 'operator_policy'): PolicyResource[] {
  const where = kind === 'policy' ? 'GET /api/policies' : 'GET /api/operator-policies';
  const out: PolicyResource[] = [];
  for (const row of rows(json, where)) {
    const vhost = str(row, 'vhost', where);
    if (!vhosts.has(vhost)) continue;
    const name = str(row, 'name', where);
    const priority = row['priority'];
    const applyTo = row['apply-to'];
    out.push({
      kind,
      vhost,
      name,
      pattern: str(row, 'pattern', where),
      apply_to: typeof applyTo === 'string' ? applyTo : 'all',
      priority: typeof priority === 'number' ? priority : 0,
      definition: normalizeArgs(row['definition'], `${where} (policy '${name}')`),
    });
  }
  return out;
}

/** A parameter value from the broker: JSON, with URIs that carry a password made `Sensitive`. */
export function paramValue(v: unknown, where: string): ParamValue {
  if (typeof v === 'string') return hasCredentials(v) ? Sensitive.uri(v) : v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => paramValue(x, where));
  if (isRecord(v)) {
    const out: Record<string, ParamValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = paramValue(x, where);
    return out;
  }
  throw unexpected(where, `a parameter value is not JSON data (got ${typeof v})`);
}

/** `GET /api/parameters` → the runtime parameters in `vhosts` (shovels, federation upstreams, ...). */
export function normalizeParameters(json: unknown, vhosts: ReadonlySet<string>): ParameterResource[] {
  const where = 'GET /api/parameters';
  const out: ParameterResource[] = [];
  for (const row of rows(json, where)) {
    const component = str(row, 'component', where);
    if (PARAMETER_COMPONENTS_READ_ELSEWHERE.has(component)) continue;
    const vhost = str(row, 'vhost', where);
    if (!vhosts.has(vhost)) continue;
    const name = str(row, 'name', where);
    out.push({
      kind: 'parameter',
      vhost,
      name: parameterName(component, name),
      component,
      parameter: name,
      value: paramValue(row['value'], `${where} (${component} '${name}')`),
    });
  }
  return out;
}

/**
 * `GET /api/global-parameters` → global parameters, without
 * `internal_cluster_id`; `cluster_name` is kept, the diff compares it only
 * when the spec declares it.
 */
export function normalizeGlobalParameters(json: unknown): GlobalParameterResource[] {
  const where = 'GET /api/global-parameters';
  const out: GlobalParameterResource[] = [];
  for (const row of rows(json, where)) {
    const name = str(row, 'name', where);
    if (BROKER_OWNED_GLOBAL_PARAMETERS.has(name)) continue;
    out.push({ kind: 'global_parameter', vhost: '', name, value: paramValue(row['value'], `${where} ('${name}')`) });
  }
  return out;
}

function limitEntries(row: Record<string, unknown>, where: string): [string, number][] {
  const value = row['value'];
  // 3.10 keeps a vhost's limits parameter once its last limit is deleted, and lists it as `"value": []`
  if (Array.isArray(value) && value.length === 0) return [];
  if (!isRecord(value)) throw unexpected(where, `an item has no object 'value' (got ${JSON.stringify(value)})`);
  // -1 is "no limit": the same as no limit set
  return Object.entries(value).flatMap(([k, v]) => (typeof v === 'number' && v >= 0 ? [[k, v] as [string, number]] : []));
}

/** `GET /api/vhost-limits` → one resource per limit of the vhosts in `vhosts`. */
export function normalizeVhostLimits(json: unknown, vhosts: ReadonlySet<string>): VhostLimitResource[] {
  const where = 'GET /api/vhost-limits';
  const out: VhostLimitResource[] = [];
  for (const row of rows(json, where)) {
    const vhost = str(row, 'vhost', where);
    if (!vhosts.has(vhost)) continue;
    for (const [name, value] of limitEntries(row, where)) out.push({ kind: 'vhost_limit', vhost, name, value });
  }
  return out;
}

/** `GET /api/user-limits` → one resource per limit of each user. */
export function normalizeUserLimits(json: unknown): UserLimitResource[] {
  const where = 'GET /api/user-limits';
  const out: UserLimitResource[] = [];
  for (const row of rows(json, where)) {
    const user = str(row, 'user', where);
    for (const [limit, value] of limitEntries(row, where)) {
      out.push({ kind: 'user_limit', vhost: '', name: userLimitName(user, limit), user, limit, value });
    }
  }
  return out;
}
