/**
 * Live topology → native spec YAML (`warren export`). Fields equal to their
 * defaults are left out, names are sorted, and loading the output with
 * spec/ gives back the same resources (same keys, same normalized values),
 * so that export-then-plan against the same broker shows no changes.
 */
import { Document, isMap, isSeq, visit } from 'yaml';
import { canonicalArgs } from '../model/keys.js';
import type {
  Args,
  BindingResource,
  ExchangeResource,
  ParameterResource,
  PermissionResource,
  PolicyResource,
  QueueResource,
  Resource,
  ResourceMap,
  TopicPermissionResource,
  VhostLimitResource,
  VhostResource,
} from '../model/types.js';
import { holdsSecret } from '../util/sensitive.js';
import { PREDECLARED_EXCHANGES } from '../spec/names.js';
import { bySkipped, globalSections, type GlobalsOptions, type SkippedResource } from './native-globals.js';

export type { SkippedResource } from './native-globals.js';

export interface ExportNativeOptions {
  /** Only these vhosts; default: every vhost in the map. */
  readonly vhosts?: readonly string[];
  /** What the caller already left out (e.g. exclusive or server-named queues). */
  readonly skipped?: readonly SkippedResource[];
  /** The `$schema` of the editor modeline. Default: the schema of an installed `warren` package. */
  readonly schema?: string;
  /** Where the resources come from, for the header. Default `Exported from RabbitMQ by warren export.` */
  readonly origin?: string;
  /**
   * The resources come from a spec (`warren convert`): write every field the
   * spec sets, even to its default, and none it leaves to the broker. Default:
   * live resources, whose fields are written when they differ from the default.
   */
  readonly fromSpec?: boolean;
  /** Write the sections of these global kinds (`warren convert`); default: none, each global resource is skipped. */
  readonly globals?: GlobalsOptions;
  /** List what is skipped in the header comment (default); `false`: only in the result's `skipped`. */
  readonly commentSkipped?: boolean;
}

/** The YAML text, and what it leaves out (with the reason). */
export interface NativeExport {
  readonly text: string;
  readonly skipped: readonly SkippedResource[];
}

export const DEFAULT_SCHEMA_REF = './node_modules/warren/schema/topology.schema.json';

interface VhostParts {
  meta: VhostResource | undefined;
  exchanges: ExchangeResource[];
  queues: QueueResource[];
  bindings: BindingResource[];
  limits: VhostLimitResource[];
  permissions: PermissionResource[];
  topicPermissions: TopicPermissionResource[];
  policies: PolicyResource[];
  parameters: ParameterResource[];
}

/** Native sections of the parameter components that have one; others go under `parameters:`. */
const PARAMETER_SECTION: Readonly<Record<string, string>> = {
  shovel: 'shovels',
  'federation-upstream': 'federation_upstreams',
  'federation-upstream-set': 'federation_upstream_sets',
};

export function exportNative(resources: ResourceMap, options: ExportNativeOptions = {}): string {
  return renderNative(resources, options).text;
}

export function renderNative(resources: ResourceMap, options: ExportNativeOptions = {}): NativeExport {
  const wanted = options.vhosts ? new Set(options.vhosts) : undefined;
  const parts = new Map<string, VhostParts>();
  const part = (vhost: string): VhostParts => {
    let p = parts.get(vhost);
    if (!p) {
      p = { meta: undefined, exchanges: [], queues: [], bindings: [], limits: [], permissions: [], topicPermissions: [], policies: [], parameters: [] };
      parts.set(vhost, p);
    }
    return p;
  };
  const skipped: SkippedResource[] = [...(options.skipped ?? [])];
  for (const r of resources.values()) {
    if (r.kind === 'user' || r.kind === 'user_limit' || r.kind === 'global_parameter') {
      // Global: in scope of a spec only with its own section, which export does not write.
      if (options.globals?.kinds.includes(r.kind)) continue;
      skipped.push(skip(r, r.kind === 'global_parameter' ? 'global parameters are not exported' : 'users are not exported from the broker, as their password hashes would be written out; declare the users to manage, with password: { env: NAME } (or password_hash), or keep an export\'s hashes with `warren convert FILE -o OUT`'));
      continue;
    }
    if (wanted && !wanted.has(r.vhost)) continue;
    const p = part(r.vhost);
    switch (r.kind) {
      case 'vhost':
        p.meta = r;
        break;
      case 'exchange':
        if (r.name === '' || PREDECLARED_EXCHANGES.has(r.name) || r.name.startsWith('amq.')) skipped.push(skip(r, 'predeclared by RabbitMQ'));
        else p.exchanges.push(r);
        break;
      case 'queue':
        p.queues.push(r);
        break;
      case 'binding':
        p.bindings.push(r);
        break;
      case 'vhost_limit':
        p.limits.push(r);
        break;
      case 'permission':
        p.permissions.push(r);
        break;
      case 'topic_permission':
        p.topicPermissions.push(r);
        break;
      case 'policy':
      case 'operator_policy':
        p.policies.push(r);
        break;
      case 'parameter':
        // A URI with a password is a secret: the file would hold it (or a useless masked copy).
        if (holdsSecret(r.value)) skipped.push(skip(r, 'holds credentials, which a spec never does: declare it with { env: NAME } in place of the URI (until then, a plan with --prune deletes it)'));
        else p.parameters.push(r);
        break;
    }
  }
  for (const v of options.vhosts ?? []) {
    if (!parts.has(v)) skipped.push({ kind: 'vhost', vhost: v, name: v, reason: 'does not exist on the broker' });
  }

  const vhosts: Record<string, unknown> = {};
  for (const name of [...parts.keys()].sort(compare)) vhosts[name] = vhostNode(parts.get(name) as VhostParts, skipped, options.fromSpec === true);
  const globals = options.globals ? globalSections(resources.values(), options.globals, skipped) : {};

  const doc = new Document({ version: 1, ...globals, vhosts });
  markFlow(doc, vhosts);
  // The loader reads YAML merge keys; a name `<<` must stay a plain string.
  visit(doc, {
    Scalar(_key, node) {
      if (node.value === '<<') node.type = 'QUOTE_DOUBLE';
      // Plain in YAML 1.2, booleans to YAML 1.1 tools (older yq, PyYAML, Ansible): quoted for them.
      if (typeof node.value === 'string' && YAML11_BOOLEANS.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  doc.commentBefore = header(options.schema ?? DEFAULT_SCHEMA_REF, options.commentSkipped === false ? [] : skipped, options.origin ?? 'Exported from RabbitMQ by warren export.');
  return { text: doc.toString({ lineWidth: 0 }), skipped: [...skipped].sort(bySkipped) };
}

const YAML11_BOOLEANS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

function skip(r: Resource, reason: string): SkippedResource {
  return { kind: r.kind, vhost: r.vhost, name: r.name, reason };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function header(schema: string, skipped: readonly SkippedResource[], origin: string): string {
  const lines = [` yaml-language-server: $schema=${oneLine(schema)}`, ` ${oneLine(origin)}`];
  if (skipped.length > 0) {
    lines.push(` Skipped ${skipped.length} resource${skipped.length === 1 ? '' : 's'} (not exported):`);
    const sorted = [...skipped].sort(bySkipped);
    for (const s of sorted) {
      const where = s.kind === 'vhost' || s.vhost === '' ? '' : ` in vhost ${JSON.stringify(s.vhost)}`;
      lines.push(`   ${oneLine(s.kind)} ${JSON.stringify(s.name)}${where}: ${oneLine(s.reason)}`);
    }
  }
  return lines.join('\n');
}

// A line break would end the comment and start YAML.
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029\u0085]/g, ' ');
}

/**
 * Vhost metadata: of live resources, what differs from the default (an
 * export of a vhost without metadata leaves it unmanaged); of a spec's, what
 * the spec sets, nothing it leaves to the broker.
 */
function vhostMeta(meta: VhostResource | undefined, fromSpec: boolean): Record<string, unknown> {
  if (!meta) return {};
  const unset = meta.unset ?? [];
  const write = (field: 'description' | 'tags' | 'default_queue_type' | 'protected_from_deletion', isDefault: boolean): boolean => (fromSpec ? !unset.includes(field) : !isDefault);
  return {
    ...(write('description', meta.description === '') ? { description: meta.description } : {}),
    ...(write('tags', meta.tags.length === 0) ? { tags: [...meta.tags] } : {}),
    ...(write('default_queue_type', meta.default_queue_type === 'classic') ? { default_queue_type: meta.default_queue_type } : {}),
    ...(write('protected_from_deletion', meta.protected_from_deletion !== true) ? { protected_from_deletion: meta.protected_from_deletion === true } : {}),
  };
}

function vhostNode(p: VhostParts, skipped: SkippedResource[], fromSpec: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = vhostMeta(p.meta, fromSpec);
  const defaultType = p.meta?.default_queue_type ?? 'classic';

  const exchangeNames = new Set(p.exchanges.map((x) => x.name));
  const queueNames = new Set(p.queues.map((q) => q.name));
  const queueBinds = new Map<string, BindingResource[]>();
  const general: BindingResource[] = [];
  for (const b of p.bindings) {
    const why = unexportable(b, exchangeNames, queueNames);
    if (why) skipped.push(skip(b, why));
    else if (b.destination_type === 'queue') queueBinds.set(b.destination, [...(queueBinds.get(b.destination) ?? []), b]);
    else general.push(b);
  }

  if (p.exchanges.length > 0) {
    const exchanges: Record<string, unknown> = {};
    for (const x of [...p.exchanges].sort((a, b) => compare(a.name, b.name))) exchanges[x.name] = exchangeNode(x);
    out['exchanges'] = exchanges;
  }
  if (p.queues.length > 0) {
    const queues: Record<string, unknown> = {};
    for (const q of [...p.queues].sort((a, b) => compare(a.name, b.name))) queues[q.name] = queueNode(q, defaultType, queueBinds.get(q.name) ?? []);
    out['queues'] = queues;
  }
  if (general.length > 0) {
    out['bindings'] = [...general].sort(byBinding).map((b) => ({
      source: b.source,
      destination: b.destination,
      destination_type: b.destination_type,
      ...(b.routing_key !== '' ? { routing_key: b.routing_key } : {}),
      ...args(b.arguments),
    }));
  }
  Object.assign(out, kindSections(p));
  return out;
}

/** limits, permissions, topic_permissions, policies, operator_policies and parameters of one vhost, sorted. */
function kindSections(p: VhostParts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sorted = <T extends { name: string }>(list: readonly T[]): T[] => [...list].sort((a, b) => compare(a.name, b.name));
  if (p.limits.length > 0) out['limits'] = Object.fromEntries(sorted(p.limits).map((l) => [l.name, l.value]));
  if (p.permissions.length > 0) {
    out['permissions'] = Object.fromEntries(sorted(p.permissions).map((x) => [x.name, { configure: x.configure, write: x.write, read: x.read }]));
  }
  if (p.topicPermissions.length > 0) {
    const byUser: Record<string, Record<string, unknown>> = {};
    for (const t of [...p.topicPermissions].sort((a, b) => compare(a.user, b.user) || compare(a.exchange, b.exchange))) {
      (byUser[t.user] ??= {})[t.exchange] = { write: t.write, read: t.read };
    }
    out['topic_permissions'] = byUser;
  }
  for (const [section, kind] of [['policies', 'policy'], ['operator_policies', 'operator_policy']] as const) {
    const list = sorted(p.policies.filter((x) => x.kind === kind));
    if (list.length === 0) continue;
    out[section] = Object.fromEntries(
      list.map((x) => [
        x.name,
        { pattern: x.pattern, ...(x.apply_to !== 'all' ? { 'apply-to': x.apply_to } : {}), ...(x.priority !== 0 ? { priority: x.priority } : {}), definition: sortedObject(x.definition) },
      ]),
    );
  }
  const others: Record<string, Record<string, unknown>> = {};
  for (const x of [...p.parameters].sort((a, b) => compare(a.component, b.component) || compare(a.parameter, b.parameter))) {
    const section = PARAMETER_SECTION[x.component];
    if (section !== undefined) ((out[section] ??= {}) as Record<string, unknown>)[x.parameter] = x.value;
    else (others[x.component] ??= {})[x.parameter] = x.value;
  }
  if (Object.keys(others).length > 0) out['parameters'] = others;
  return out;
}

function sortedObject(a: Args): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a).sort()) out[k] = a[k];
  return out;
}


/** Why a binding cannot be written without a dangling reference, or undefined. */
function unexportable(b: BindingResource, exchanges: ReadonlySet<string>, queues: ReadonlySet<string>): string | undefined {
  if (b.source === '') return 'bindings of the default exchange are implicit';
  if (!exchanges.has(b.source) && !PREDECLARED_EXCHANGES.has(b.source)) return `its source exchange ${JSON.stringify(b.source)} is not exported`;
  const known = b.destination_type === 'queue' ? queues.has(b.destination) : exchanges.has(b.destination) || PREDECLARED_EXCHANGES.has(b.destination);
  if (!known) return `its destination ${b.destination_type} ${JSON.stringify(b.destination)} is not exported`;
  return undefined;
}

function byBinding(a: BindingResource, b: BindingResource): number {
  return (
    compare(a.source, b.source) ||
    compare(a.destination_type, b.destination_type) ||
    compare(a.destination, b.destination) ||
    compare(a.routing_key, b.routing_key) ||
    compare(canonicalArgs(a.arguments), canonicalArgs(b.arguments))
  );
}

function args(a: Args): { arguments?: Record<string, unknown> } {
  const keys = Object.keys(a).sort();
  if (keys.length === 0) return {};
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = a[k];
  return { arguments: out };
}

function exchangeNode(x: ExchangeResource): Record<string, unknown> {
  return {
    type: x.type,
    ...(x.durable ? {} : { durable: false }),
    ...(x.auto_delete ? { auto_delete: true } : {}),
    ...(x.internal ? { internal: true } : {}),
    ...args(x.arguments),
  };
}

/**
 * `type` is written unless the queue is classic in a classic vhost, so that
 * a queue does not change type if the vhost's default is changed later.
 */
function queueNode(q: QueueResource, vhostDefault: string, binds: readonly BindingResource[]): Record<string, unknown> {
  return {
    ...(q.type === 'classic' && vhostDefault === 'classic' ? {} : { type: q.type }),
    ...(q.durable ? {} : { durable: false }),
    ...(q.auto_delete ? { auto_delete: true } : {}),
    ...args(q.arguments),
    ...(binds.length > 0
      ? {
          bind: [...binds].sort(byBinding).map((b) => ({
            exchange: b.source,
            ...(b.routing_key !== '' ? { routing_key: b.routing_key } : {}),
            ...args(b.arguments),
          })),
        }
      : {}),
  };
}

/** Short entries on one line, as people write them: `{ type: fanout }`, `- { exchange: x, routing_key: k }`. */
function markFlow(doc: Document, vhosts: Record<string, unknown>): void {
  const setFlow = (path: readonly (string | number)[]): void => {
    const node = doc.getIn(path, true);
    if (isMap(node) || isSeq(node)) node.flow = true;
  };
  for (const [name, raw] of Object.entries((doc.get('users') === undefined ? {} : (doc.toJS() as { users: Record<string, Record<string, unknown>> }).users))) {
    for (const field of ['tags', 'limits']) if (raw[field] !== undefined) setFlow(['users', name, field]);
  }
  for (const [v, raw] of Object.entries(vhosts)) {
    const vhost = raw as Record<string, unknown>;
    if (vhost['tags']) setFlow(['vhosts', v, 'tags']);
    for (const [name, x] of Object.entries((vhost['exchanges'] ?? {}) as Record<string, Record<string, unknown>>)) {
      if (!x['arguments']) setFlow(['vhosts', v, 'exchanges', name]);
    }
    for (const [name, q] of Object.entries((vhost['queues'] ?? {}) as Record<string, Record<string, unknown>>)) {
      ((q['bind'] ?? []) as Record<string, unknown>[]).forEach((b, i) => {
        if (!b['arguments']) setFlow(['vhosts', v, 'queues', name, 'bind', i]);
      });
    }
    ((vhost['bindings'] ?? []) as Record<string, unknown>[]).forEach((b, i) => {
      if (!b['arguments']) setFlow(['vhosts', v, 'bindings', i]);
    });
  }
}
