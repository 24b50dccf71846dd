import type { ArgValue, Args, DestinationType, Kind, Resource } from './types.js';

/**
 * A canonical, order-independent rendering of an argument table that keeps the
 * value class the broker compares by: integers, floats, strings and booleans
 * never equal each other (1000 and "1000" are different arguments).
 */
export function canonicalArgs(args: Args): string {
  return canonicalValue(args);
}

function canonicalValue(value: ArgValue): string {
  if (value === null) return 'v';
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(',')}]`;
  switch (typeof value) {
    case 'string':
      return `s${JSON.stringify(value)}`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'number':
      return Number.isInteger(value) ? `i${value}` : `f${value}`;
    default: {
      const keys = Object.keys(value).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue(value[k] as ArgValue)}`).join(',')}}`;
    }
  }
}

/** True when two argument tables are equal for the broker (same keys, same classes, same values). */
export function argsEqual(a: Args, b: Args): boolean {
  return canonicalArgs(a) === canonicalArgs(b);
}

export interface BindingIdentity {
  readonly vhost: string;
  readonly source: string;
  readonly destination: string;
  readonly destination_type: DestinationType;
  readonly routing_key: string;
  readonly arguments: Args;
}

/**
 * Keys are JSON arrays of their parts: unambiguous whatever the names contain,
 * and readable where the plan document shows them.
 */
export function bindingKey(b: BindingIdentity): string {
  return JSON.stringify(['binding', b.vhost, b.source, b.destination_type, b.destination, b.routing_key, canonicalArgs(b.arguments)]);
}

/** Kinds whose identity is their vhost and name. */
export type NamedKind = Exclude<Kind, 'binding' | 'user_limit' | 'topic_permission' | 'parameter'>;

export function namedKey(kind: NamedKind, vhost: string, name: string): string {
  return JSON.stringify([kind, vhost, name]);
}

/** The one canonical key of a resource: kind + vhost + identity. */
export function resourceKey(r: Resource): string {
  switch (r.kind) {
    case 'binding':
      return bindingKey(r);
    case 'user_limit':
      return JSON.stringify([r.kind, r.vhost, r.user, r.limit]);
    case 'topic_permission':
      return JSON.stringify([r.kind, r.vhost, r.user, r.exchange]);
    case 'parameter':
      return JSON.stringify([r.kind, r.vhost, r.component, r.parameter]);
    default:
      return namedKey(r.kind, r.vhost, r.name);
  }
}

/** Readable names of resources whose identity has two parts. */
export function userLimitName(user: string, limit: string): string {
  return `${user}/${limit}`;
}

export function topicPermissionName(user: string, exchange: string): string {
  return `${user} @ ${exchange}`;
}

export function parameterName(component: string, name: string): string {
  return `${component}/${name}`;
}

/** The readable name of a binding, used in reports. */
export function bindingName(b: Pick<BindingIdentity, 'source' | 'destination' | 'destination_type' | 'routing_key' | 'arguments'>): string {
  const src = b.source === '' ? '(default)' : b.source;
  const args = Object.keys(b.arguments).length > 0 ? ` ${JSON.stringify(sortedObject(b.arguments))}` : '';
  const dest = b.destination_type === 'exchange' ? `exchange:${b.destination}` : b.destination;
  return `${src} -> ${dest} [${b.routing_key}]${args}`;
}

function sortedObject(args: Args): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const k of Object.keys(args).sort()) out[k] = args[k] as ArgValue;
  return out;
}
