/**
 * Declarations of the kinds beside the AMQP topology in a native spec:
 * `users` and `global_parameters` at the top; `limits`, `permissions`,
 * `topic_permissions`, `policies`, `operator_policies`, `shovels`,
 * `federation_upstreams`, `federation_upstream_sets` and `parameters` per
 * vhost. Every default applied.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { BROKER_OWNED_GLOBAL_PARAMETERS } from '../model/implicit.js';
import { parameterName, topicPermissionName, userLimitName } from '../model/keys.js';
import type { Args, ParamValue } from '../model/types.js';
import { DEFAULT_HASHING_ALGORITHM } from '../util/password-hash.js';
import { hasCredentials, isEnvRef, Sensitive } from '../util/sensitive.js';
import type { FileDecls, Origin } from './declarations.js';
import { makeOrigin } from './declarations.js';
import { joinPointer } from './pointer.js';
import { q } from './describe.js';
import type { ParsedSource } from './yaml-source.js';
import { declaredPassword, type PasswordContext } from './user-password.js';

const NATIVE_PASSWORDS: PasswordContext = {
  format: 'native',
  impliedAlgorithm: DEFAULT_HASHING_ALGORITHM,
  impliedBecause: `${DEFAULT_HASHING_ALGORITHM} is the default`,
};

interface NativeUser {
  readonly tags?: readonly string[];
  readonly password?: string | { readonly env: string };
  readonly password_hash?: string;
  readonly hashing_algorithm?: string;
  readonly limits?: Readonly<Record<string, number>>;
}
interface NativePolicy {
  readonly pattern: string;
  readonly 'apply-to'?: string;
  readonly priority?: number;
  readonly definition: Args;
}
interface NativeKindsVhost {
  readonly limits?: Readonly<Record<string, number>>;
  readonly permissions?: Readonly<Record<string, { configure: string; write: string; read: string }>>;
  readonly topic_permissions?: Readonly<Record<string, Readonly<Record<string, { write: string; read: string }>>>>;
  readonly policies?: Readonly<Record<string, NativePolicy>>;
  readonly operator_policies?: Readonly<Record<string, NativePolicy>>;
  readonly shovels?: Readonly<Record<string, unknown>>;
  readonly federation_upstreams?: Readonly<Record<string, unknown>>;
  readonly federation_upstream_sets?: Readonly<Record<string, unknown>>;
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}
interface NativeKindsDoc {
  readonly users?: Readonly<Record<string, NativeUser | null>>;
  readonly global_parameters?: Readonly<Record<string, unknown>>;
  readonly vhosts: Readonly<Record<string, NativeKindsVhost | null>>;
}

/** Sections holding runtime parameters of one component each. */
const PARAMETER_SECTIONS = [
  ['shovels', 'shovel'],
  ['federation_upstreams', 'federation-upstream'],
  ['federation_upstream_sets', 'federation-upstream-set'],
] as const;

/** @param src a document that passed the native schema */
export function readNativeKinds(src: ParsedSource, decls: FileDecls, diagnostics: Diagnostic[]): void {
  const doc = src.value as NativeKindsDoc;
  if (doc.users !== undefined) decls.globalKinds.push('user', 'user_limit');
  for (const [name, raw] of Object.entries(doc.users ?? {})) {
    const u: NativeUser = raw ?? {};
    const origin = makeOrigin(src, joinPointer('', 'users', name), 'key');
    const password = declaredPassword(name, u, origin, NATIVE_PASSWORDS, diagnostics);
    decls.others.push({ origin, resource: { kind: 'user', vhost: '', name, tags: [...(u.tags ?? [])].sort(), password, source: origin.at } });
    for (const [limit, value] of Object.entries(u.limits ?? {})) {
      const lo = makeOrigin(src, joinPointer('', 'users', name, 'limits', limit), 'key');
      decls.others.push({ origin: lo, resource: { kind: 'user_limit', vhost: '', name: userLimitName(name, limit), user: name, limit, value, source: lo.at } });
    }
  }
  if (doc.global_parameters !== undefined) decls.globalKinds.push('global_parameter');
  for (const [name, value] of Object.entries(doc.global_parameters ?? {})) {
    const origin = makeOrigin(src, joinPointer('', 'global_parameters', name), 'key');
    if (BROKER_OWNED_GLOBAL_PARAMETERS.has(name)) {
      diagnostics.push(
        diagnostic(
          'GLOBAL_PARAMETER_BROKER_OWNED',
          `global parameter ${q(name)} is the broker's own identity, which the broker writes once and Warren never does; remove it from \`global_parameters\``,
          origin.at,
        ),
      );
      continue;
    }
    decls.others.push({ origin, resource: { kind: 'global_parameter', vhost: '', name, value: specParamValue(value), source: origin.at } });
  }

  for (const [vhost, raw] of Object.entries(doc.vhosts)) {
    const v: NativeKindsVhost = raw ?? {};
    const vpath = joinPointer('', 'vhosts', vhost);
    const at = (...segments: string[]): Origin => makeOrigin(src, joinPointer(vpath, ...segments), 'key');
    for (const [name, value] of Object.entries(v.limits ?? {})) {
      const origin = at('limits', name);
      decls.others.push({ origin, resource: { kind: 'vhost_limit', vhost, name, value, source: origin.at } });
    }
    for (const [user, p] of Object.entries(v.permissions ?? {})) {
      const origin = at('permissions', user);
      decls.others.push({ origin, resource: { kind: 'permission', vhost, name: user, configure: p.configure, write: p.write, read: p.read, source: origin.at } });
    }
    for (const [user, byExchange] of Object.entries(v.topic_permissions ?? {})) {
      for (const [exchange, p] of Object.entries(byExchange)) {
        const origin = at('topic_permissions', user, exchange);
        decls.others.push({
          origin,
          resource: { kind: 'topic_permission', vhost, name: topicPermissionName(user, exchange), user, exchange, write: p.write, read: p.read, source: origin.at },
        });
      }
    }
    for (const [section, kind] of [['policies', 'policy'], ['operator_policies', 'operator_policy']] as const) {
      for (const [name, p] of Object.entries(v[section] ?? {})) {
        const origin = at(section, name);
        decls.others.push({
          origin,
          resource: { kind, vhost, name, pattern: p.pattern, apply_to: p['apply-to'] ?? 'all', priority: p.priority ?? 0, definition: { ...p.definition }, source: origin.at },
        });
      }
    }
    for (const [section, component] of PARAMETER_SECTIONS) {
      for (const [name, value] of Object.entries(v[section] ?? {})) {
        const origin = at(section, name);
        decls.others.push({ origin, resource: parameter(vhost, component, name, value, origin) });
      }
    }
    for (const [component, byName] of Object.entries(v.parameters ?? {})) {
      for (const [name, value] of Object.entries(byName)) {
        const origin = at('parameters', component, name);
        decls.others.push({ origin, resource: parameter(vhost, component, name, value, origin) });
      }
    }
  }
}

function parameter(vhost: string, component: string, name: string, value: unknown, origin: Origin): FileDecls['others'][number]['resource'] {
  return { kind: 'parameter', vhost, name: parameterName(component, name), component, parameter: name, value: specParamValue(value), source: origin.at };
}

/**
 * A parameter value from a spec: `{ env: NAME }` stays a reference, a URI
 * with a password becomes `Sensitive` (shown with the password masked).
 */
export function specParamValue(v: unknown): ParamValue {
  if (typeof v === 'string') return hasCredentials(v) ? Sensitive.uri(v) : v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(specParamValue);
  if (isEnvRef(v)) return { env: v.env };
  if (typeof v === 'object') {
    const out: Record<string, ParamValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = specParamValue(x);
    return out;
  }
  return null;
}
