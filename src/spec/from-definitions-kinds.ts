/**
 * Declarations of a definitions export beside the AMQP topology: users (with
 * their limits), permissions, topic permissions, policies, runtime
 * parameters and global parameters.
 *
 * In an export, operator policies and vhost limits are `parameters` entries
 * (components `operator_policy` and `vhost-limits`, rabbitmq-semantics.md
 * §1): they are read here as their own kinds, so that each is diffed once.
 * 4.3+ exports also carry `limits` on vhost entries, used when the
 * parameters have none for that vhost. The broker's own global parameters
 * (`internal_cluster_id`, `cluster_name`) are skipped.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { parameterName, topicPermissionName, userLimitName } from '../model/keys.js';
import type { Args } from '../model/types.js';
import { IMPLICIT_GLOBAL_PARAMETERS } from '../model/implicit.js';
import { impliedHashingAlgorithm } from '../util/password-hash.js';
import type { FileDecls, Origin } from './declarations.js';
import { makeOrigin } from './declarations.js';
import { isRecord } from './describe.js';
import { specParamValue } from './from-native-kinds.js';
import { joinPointer } from './pointer.js';
import type { ParsedSource } from './yaml-source.js';
import { declaredPassword, type PasswordContext } from './user-password.js';

interface DefKindsDoc {
  /** `limits: []` (exports of 3.9 to 4.1) is none. */
  readonly vhosts?: readonly { readonly name: string; readonly limits?: Readonly<Record<string, number>> | readonly never[] }[];
  readonly users?: readonly DefUser[];
  readonly permissions?: readonly { user: string; vhost: string; configure: string; write: string; read: string }[];
  readonly topic_permissions?: readonly { user: string; vhost: string; exchange: string; write: string; read: string }[];
  readonly policies?: readonly DefPolicy[];
  readonly parameters?: readonly { name: string; vhost?: string; component: string; value: unknown }[];
  readonly global_parameters?: readonly { name: string; value: unknown }[];
  readonly rabbitmq_version?: unknown;
  readonly rabbit_version?: unknown;
}
interface DefUser {
  readonly name: string;
  readonly password?: string;
  readonly password_hash?: string;
  readonly hashing_algorithm?: string;
  readonly tags?: readonly string[] | string;
  readonly limits?: Readonly<Record<string, number>>;
}
interface DefPolicy {
  readonly name: string;
  readonly vhost?: string;
  readonly pattern: string;
  readonly 'apply-to'?: string;
  readonly priority?: number;
  readonly definition: Args;
}

/** The vhost of a resource (declaring it implicitly when the file allows), or undefined with a diagnostic. */
export type VhostOf = (vhost: string | undefined, origin: Origin) => string | undefined;

/** @param src a document that passed `DEFINITIONS_SCHEMA` */
export function readDefinitionKinds(src: ParsedSource, decls: FileDecls, vhostOf: VhostOf, diagnostics: Diagnostic[]): void {
  const doc = src.value as DefKindsDoc;
  const at = (section: string, i: number): Origin => makeOrigin(src, joinPointer('', section, i), 'value');

  if (doc.users !== undefined) decls.globalKinds.push('user', 'user_limit');
  const passwords = definitionsPasswords(doc);
  (doc.users ?? []).forEach((u, i) => {
    const origin = at('users', i);
    const password = declaredPassword(u.name, u, origin, passwords, diagnostics);
    decls.others.push({ origin, resource: { kind: 'user', vhost: '', name: u.name, tags: toTags(u.tags).sort(), password, source: origin.at } });
    for (const [limit, value] of limitEntries(u.limits)) {
      decls.others.push({ origin, resource: { kind: 'user_limit', vhost: '', name: userLimitName(u.name, limit), user: u.name, limit, value, source: origin.at } });
    }
  });

  (doc.permissions ?? []).forEach((p, i) => {
    const origin = at('permissions', i);
    const vhost = vhostOf(p.vhost, origin);
    if (vhost === undefined) return;
    decls.others.push({ origin, resource: { kind: 'permission', vhost, name: p.user, configure: p.configure, write: p.write, read: p.read, source: origin.at } });
  });

  (doc.topic_permissions ?? []).forEach((p, i) => {
    const origin = at('topic_permissions', i);
    const vhost = vhostOf(p.vhost, origin);
    if (vhost === undefined) return;
    decls.others.push({
      origin,
      resource: { kind: 'topic_permission', vhost, name: topicPermissionName(p.user, p.exchange), user: p.user, exchange: p.exchange, write: p.write, read: p.read, source: origin.at },
    });
  });

  (doc.policies ?? []).forEach((p, i) => {
    const origin = at('policies', i);
    const vhost = vhostOf(p.vhost, origin);
    if (vhost === undefined) return;
    decls.others.push({ origin, resource: policy('policy', vhost, p, origin) });
  });

  const limited = new Set<string>();
  (doc.parameters ?? []).forEach((p, i) => {
    const origin = at('parameters', i);
    const vhost = vhostOf(p.vhost, origin);
    if (vhost === undefined) return;
    if (p.component === 'operator_policy' && isRecord(p.value)) {
      const v = p.value as Partial<DefPolicy>;
      const def: DefPolicy = { name: p.name, pattern: typeof v.pattern === 'string' ? v.pattern : '', definition: isRecord(v.definition) ? v.definition : {} };
      decls.others.push({ origin, resource: policy('operator_policy', vhost, { ...def, ...pick(v) }, origin) });
    } else if (p.component === 'vhost-limits' && isRecord(p.value)) {
      limited.add(vhost);
      for (const [name, value] of limitEntries(p.value as Record<string, unknown>)) {
        decls.others.push({ origin, resource: { kind: 'vhost_limit', vhost, name, value, source: origin.at } });
      }
    } else {
      decls.others.push({
        origin,
        resource: { kind: 'parameter', vhost, name: parameterName(p.component, p.name), component: p.component, parameter: p.name, value: specParamValue(p.value), source: origin.at },
      });
    }
  });

  (doc.vhosts ?? []).forEach((v, i) => {
    if (limited.has(v.name)) return;
    const origin = at('vhosts', i);
    for (const [name, value] of limitEntries(v.limits)) {
      decls.others.push({ origin, resource: { kind: 'vhost_limit', vhost: v.name, name, value, source: origin.at } });
    }
  });

  if (doc.global_parameters !== undefined) decls.globalKinds.push('global_parameter');
  (doc.global_parameters ?? []).forEach((p, i) => {
    if (IMPLICIT_GLOBAL_PARAMETERS.has(p.name)) return;
    const origin = at('global_parameters', i);
    decls.others.push({ origin, resource: { kind: 'global_parameter', vhost: '', name: p.name, value: specParamValue(p.value), source: origin.at } });
  });
}

/**
 * RabbitMQ's import reads the version from `rabbitmq_version`, else
 * `rabbit_version` (verified 3.10.8 and 4.3.6: `rabbitmq_version` wins).
 */
function definitionsPasswords(doc: DefKindsDoc): PasswordContext {
  const [key, version] = 'rabbitmq_version' in doc ? ['rabbitmq_version', doc.rabbitmq_version] : ['rabbit_version', doc.rabbit_version];
  const impliedAlgorithm = impliedHashingAlgorithm(version);
  const said = typeof version === 'string' ? `the file's ${key} is ${JSON.stringify(version)}` : 'the file has no rabbit_version';
  return {
    format: 'definitions',
    impliedAlgorithm,
    impliedBecause: `${said}, so RabbitMQ stores it as ${impliedAlgorithm}${impliedAlgorithm === 'rabbit_password_hashing_md5' ? '' : ' (only exports of 3.0 to 3.5 imply MD5)'}`,
  };
}

function pick(v: Partial<DefPolicy>): Partial<DefPolicy> {
  return {
    ...(typeof v['apply-to'] === 'string' ? { 'apply-to': v['apply-to'] } : {}),
    ...(typeof v.priority === 'number' ? { priority: v.priority } : {}),
  };
}

function policy(kind: 'policy' | 'operator_policy', vhost: string, p: DefPolicy, origin: Origin): FileDecls['others'][number]['resource'] {
  return { kind, vhost, name: p.name, pattern: p.pattern, apply_to: p['apply-to'] ?? 'all', priority: p.priority ?? 0, definition: { ...p.definition }, source: origin.at };
}

/** Limits with a value; the broker's -1 means no limit. */
function limitEntries(limits: Readonly<Record<string, unknown>> | readonly never[] | undefined): [string, number][] {
  if (limits === undefined || Array.isArray(limits)) return [];
  return Object.entries(limits).flatMap(([k, v]) => (typeof v === 'number' && v >= 0 ? [[k, v] as [string, number]] : []));
}

function toTags(tags: readonly string[] | string | undefined): string[] {
  if (tags === undefined) return [];
  if (typeof tags === 'string') return tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
  return [...tags];
}
