/**
 * Resources → a RabbitMQ definitions document (the shape of
 * `GET /api/definitions` and `rabbitmqctl import_definitions`): vhosts,
 * exchanges, queues and bindings, and (when there are any) permissions, topic
 * permissions, policies and parameters, operator policies and vhost limits
 * among them as RabbitMQ writes them. Not users (a file holding password
 * hashes is a secret), nor parameters holding credentials.
 */
import { canonicalArgs } from '../model/keys.js';
import type { ArgValue, Args, DestinationType, QueueType, ResourceMap } from '../model/types.js';
import { holdsSecret } from '../util/sensitive.js';
import { HASH_LEFT_OUT, type GlobalsOptions, type SkippedResource } from './native-globals.js';

interface DefVhostMeta {
  readonly description?: string;
  readonly tags?: string[];
  readonly default_queue_type?: QueueType;
}

export interface DefVhost extends DefVhostMeta {
  readonly name: string;
  /** The same fields again: 3.11+ read them from here, older versions from the top level. Absent when there are none. */
  readonly metadata?: DefVhostMeta & { readonly protected_from_deletion?: boolean };
}

export interface DefExchange {
  readonly name: string;
  readonly vhost: string;
  readonly type: string;
  readonly durable: boolean;
  readonly auto_delete: boolean;
  readonly internal: boolean;
  readonly arguments: Record<string, ArgValue>;
}

export interface DefQueue {
  readonly name: string;
  readonly vhost: string;
  readonly durable: boolean;
  readonly auto_delete: boolean;
  /** Carries `x-queue-type` unless the queue gets its type from the vhost default. */
  readonly arguments: Record<string, ArgValue>;
}

export interface DefBinding {
  readonly source: string;
  readonly vhost: string;
  readonly destination: string;
  readonly destination_type: DestinationType;
  readonly routing_key: string;
  readonly arguments: Record<string, ArgValue>;
}

export interface Definitions {
  /** Absent only when a spec's vhosts are declared by their resources (see `fromSpec`). */
  vhosts?: DefVhost[];
  readonly exchanges: DefExchange[];
  readonly queues: DefQueue[];
  readonly bindings: DefBinding[];
  permissions?: { user: string; vhost: string; configure: string; write: string; read: string }[];
  topic_permissions?: { user: string; vhost: string; exchange: string; write: string; read: string }[];
  policies?: { vhost: string; name: string; pattern: string; 'apply-to': string; priority: number; definition: Record<string, ArgValue> }[];
  parameters?: { vhost: string; component: string; name: string; value: unknown }[];
  users?: DefUser[];
  global_parameters?: { name: string; value: unknown }[];
}

export interface DefUser {
  readonly name: string;
  readonly password_hash: string;
  readonly hashing_algorithm?: string;
  readonly tags: string[];
  readonly limits?: Record<string, number>;
}

export interface ExportDefinitionsOptions {
  /** Only these vhosts; default: every vhost in the map. */
  readonly vhosts?: readonly string[];
  /**
   * The resources come from a spec (`warren convert`): vhost metadata is
   * written only where the spec sets it, and the `vhosts` list is left out
   * when it would only name the default vhost `/` (which every broker has),
   * as in a file that declares its vhosts by using them. Default: live
   * resources, every field written.
   */
  readonly fromSpec?: boolean;
  /** Write `users` and `global_parameters` for these global kinds (`warren convert`); default: neither. */
  readonly globals?: GlobalsOptions;
  /** Filled with what the document leaves out, and why. */
  readonly skipped?: SkippedResource[];
}

/** Sorted by vhost, then name (bindings by source, destination, routing key, arguments). */
export function exportDefinitions(resources: ResourceMap, options: ExportDefinitionsOptions = {}): Definitions {
  const wanted = options.vhosts ? new Set(options.vhosts) : undefined;
  const out: Definitions = { vhosts: [], exchanges: [], queues: [], bindings: [] };
  const defaults = new Map<string, QueueType>();
  const limits = new Map<string, Record<string, number>>();
  for (const r of resources.values()) if (r.kind === 'vhost') defaults.set(r.name, r.default_queue_type);

  for (const r of resources.values()) {
    if (wanted && !wanted.has(r.vhost)) continue;
    switch (r.kind) {
      case 'vhost': {
        const unset = options.fromSpec ? (r.unset ?? []) : [];
        const meta: DefVhostMeta = {
          ...(unset.includes('description') ? {} : { description: r.description }),
          ...(unset.includes('tags') ? {} : { tags: [...r.tags] }),
          ...(unset.includes('default_queue_type') ? {} : { default_queue_type: r.default_queue_type }),
        };
        // Only in `metadata`, where 4.x exports write it: when it is true, or (of a spec) set.
        const protection = (options.fromSpec ? !unset.includes('protected_from_deletion') : r.protected_from_deletion === true) ? { protected_from_deletion: r.protected_from_deletion === true } : {};
        const inMeta = { ...meta, ...(meta.tags ? { tags: [...meta.tags] } : {}), ...protection };
        out.vhosts?.push({ name: r.name, ...meta, ...(Object.keys(inMeta).length > 0 ? { metadata: inMeta } : {}) });
        break;
      }
      case 'exchange':
        out.exchanges.push({ name: r.name, vhost: r.vhost, type: r.type, durable: r.durable, auto_delete: r.auto_delete, internal: r.internal, arguments: sorted(r.arguments) });
        break;
      case 'queue': {
        // An import without x-queue-type gives the queue the vhost's default type.
        const implied = (defaults.get(r.vhost) ?? 'classic') === r.type && r.type === 'classic';
        const args = implied ? sorted(r.arguments) : sorted({ ...r.arguments, 'x-queue-type': r.type });
        out.queues.push({ name: r.name, vhost: r.vhost, durable: r.durable, auto_delete: r.auto_delete, arguments: args });
        break;
      }
      case 'binding':
        out.bindings.push({ source: r.source, vhost: r.vhost, destination: r.destination, destination_type: r.destination_type, routing_key: r.routing_key, arguments: sorted(r.arguments) });
        break;
      case 'permission':
        (out.permissions ??= []).push({ user: r.name, vhost: r.vhost, configure: r.configure, write: r.write, read: r.read });
        break;
      case 'topic_permission':
        (out.topic_permissions ??= []).push({ user: r.user, vhost: r.vhost, exchange: r.exchange, write: r.write, read: r.read });
        break;
      case 'policy':
        (out.policies ??= []).push({ vhost: r.vhost, name: r.name, pattern: r.pattern, 'apply-to': r.apply_to, priority: r.priority, definition: sorted(r.definition) });
        break;
      case 'operator_policy':
        (out.parameters ??= []).push({ vhost: r.vhost, component: 'operator_policy', name: r.name, value: { pattern: r.pattern, 'apply-to': r.apply_to, priority: r.priority, definition: sorted(r.definition) } });
        break;
      case 'vhost_limit':
        limits.set(r.vhost, { ...limits.get(r.vhost), [r.name]: r.value });
        break;
      case 'parameter':
        if (!holdsSecret(r.value)) (out.parameters ??= []).push({ vhost: r.vhost, component: r.component, name: r.parameter, value: r.value });
        else options.skipped?.push({ kind: r.kind, vhost: r.vhost, name: r.name, reason: 'holds credentials, which Warren never writes to a file' });
        break;
    }
  }
  if (options.globals) Object.assign(out, globalDefinitions(resources, options.globals, options.skipped ?? []));
  // A vhosts list naming only `/` says nothing: every broker has it, and a file without the list declares it by using it.
  const only = out.vhosts?.length === 1 ? out.vhosts[0] : undefined;
  const used = [...resources.values()].some((r) => r.kind !== 'vhost' && r.vhost === '/');
  if (options.fromSpec && only?.name === '/' && only.metadata === undefined && used) delete out.vhosts;
  for (const [vhost, value] of limits) (out.parameters ??= []).push({ vhost, component: 'vhost-limits', name: 'limits', value });
  out.permissions?.sort((a, b) => cmp(a.vhost, b.vhost) || cmp(a.user, b.user));
  out.topic_permissions?.sort((a, b) => cmp(a.vhost, b.vhost) || cmp(a.user, b.user) || cmp(a.exchange, b.exchange));
  out.policies?.sort((a, b) => cmp(a.vhost, b.vhost) || cmp(a.name, b.name));
  out.parameters?.sort((a, b) => cmp(a.vhost, b.vhost) || cmp(a.component, b.component) || cmp(a.name, b.name));
  out.vhosts?.sort((a, b) => cmp(a.name, b.name));
  out.exchanges.sort((a, b) => cmp(a.vhost, b.vhost) || cmp(a.name, b.name));
  out.queues.sort((a, b) => cmp(a.vhost, b.vhost) || cmp(a.name, b.name));
  out.bindings.sort(
    (a, b) =>
      cmp(a.vhost, b.vhost) ||
      cmp(a.source, b.source) ||
      cmp(a.destination_type, b.destination_type) ||
      cmp(a.destination, b.destination) ||
      cmp(a.routing_key, b.routing_key) ||
      cmp(canonicalArgs(a.arguments), canonicalArgs(b.arguments)),
  );
  return out;
}

/** `exportDefinitions` as JSON text, two-space indented, with a final newline. */
export function renderDefinitions(resources: ResourceMap, options: ExportDefinitionsOptions = {}): string {
  return `${JSON.stringify(exportDefinitions(resources, options), null, 2)}\n`;
}

function sorted(args: Args): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const k of Object.keys(args).sort()) out[k] = args[k] as ArgValue;
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


/** `users` (with their limits) and `global_parameters`, for the global kinds the source has. */
function globalDefinitions(resources: ResourceMap, globals: GlobalsOptions, skipped: SkippedResource[]): Pick<Definitions, 'users' | 'global_parameters'> {
  const out: Pick<Definitions, 'users' | 'global_parameters'> = {};
  const limits = new Map<string, Record<string, number>>();
  for (const r of resources.values()) if (r.kind === 'user_limit') limits.set(r.user, { ...limits.get(r.user), [r.limit]: r.value });
  if (globals.kinds.includes('user')) {
    const users: DefUser[] = [];
    for (const r of resources.values()) {
      if (r.kind !== 'user') continue;
      const p = r.password;
      const why =
        p.kind === 'env'
          ? `its password is in the environment variable ${p.env}, and a definitions file can only hold a hash`
          : p.kind === 'unmanaged'
            ? 'the spec leaves its password unmanaged, and a definitions file must give one (a hash, or "" for none)'
            : p.kind === 'hash' && !globals.secrets
              ? HASH_LEFT_OUT
              : '';
      if (why !== '') {
        skipped.push({ kind: 'user', vhost: '', name: r.name, reason: why });
        continue;
      }
      const lim = limits.get(r.name);
      users.push({
        name: r.name,
        password_hash: p.kind === 'hash' ? p.hash.reveal() : '',
        ...(p.kind === 'hash' ? { hashing_algorithm: p.algorithm } : {}),
        tags: [...r.tags],
        ...(lim ? { limits: lim } : {}),
      });
    }
    out.users = users.sort((a, b) => cmp(a.name, b.name));
  }
  if (globals.kinds.includes('global_parameter')) {
    const params: { name: string; value: unknown }[] = [];
    for (const r of resources.values()) {
      if (r.kind !== 'global_parameter') continue;
      if (holdsSecret(r.value)) skipped.push({ kind: r.kind, vhost: '', name: r.name, reason: 'holds credentials, which Warren never writes to a file' });
      else params.push({ name: r.name, value: r.value });
    }
    out.global_parameters = params.sort((a, b) => cmp(a.name, b.name));
  }
  return out;
}
