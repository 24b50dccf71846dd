import type { Diagnostic } from './diagnostics.js';
import { isGlobalKind, type Kind, type Resource } from './types.js';

export const ACTIONS = ['create', 'update', 'replace', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

/** One field that differs between live and desired. */
export interface FieldChange {
  /** Dotted path, e.g. `durable` or `arguments.x-max-length` */
  readonly field: string;
  /** Live value; absent when the field is absent live */
  readonly before?: unknown;
  /** Desired value; absent when the field is absent in the spec */
  readonly after?: unknown;
  /** The broker cannot change this field in place */
  readonly forces_replacement: boolean;
}

/**
 * One change to one resource: plain immutable data. `before` is the live
 * resource (absent on create of a missing resource), `after` the desired one
 * (absent on delete).
 */
export interface Change {
  readonly action: Action;
  readonly kind: Kind;
  readonly vhost: string;
  readonly name: string;
  /** The canonical resource key (see model/keys) */
  readonly key: string;
  readonly before?: Resource;
  readonly after?: Resource;
  /** Field-level differences (update and replace) */
  readonly fields: readonly FieldChange[];
  /** Why this change exists, in words */
  readonly reasons: readonly string[];
}

/** A live resource that the spec does not declare, left alone unless pruning. */
export interface Unmanaged {
  readonly kind: Kind;
  readonly vhost: string;
  readonly name: string;
  readonly key: string;
  /** Messages in a queue, when known */
  readonly messages?: number;
  /** Why Warren never deletes it, even with --prune (e.g. the user Warren connects as) */
  readonly protected?: string;
}

export interface DiffResult {
  readonly changes: readonly Change[];
  readonly unmanaged: readonly Unmanaged[];
  readonly warnings: readonly Diagnostic[];
}

export interface DiffOptions {
  /** Turn unmanaged resources in the declared vhosts into deletes. */
  readonly prune: boolean;
  /** Environment variables for `{ env: NAME }` passwords and URIs (compared, never shown). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Users Warren connects as: never deleted, their permissions never pruned. */
  readonly protectedUsers?: readonly string[];
}

/** `create queue "hipri" in vhost "/"`: how every report names a change. */
export function describeChange(c: Pick<Change, 'action' | 'kind' | 'name' | 'vhost'>): string {
  return `${c.action} ${describeResource(c)}`;
}

/**
 * `queue "hipri" in vhost "/"`, `binding tasks -> hipri [hipri] in vhost "/"`,
 * `vhost "/"`, `user "app"`, `permission "app" in vhost "/"`. Kinds are
 * written with spaces (`topic permission`); vhost and global kinds have no vhost.
 */
export function describeResource(r: Pick<Change, 'kind' | 'name' | 'vhost'>): string {
  const name = r.kind === 'binding' ? r.name : JSON.stringify(r.name);
  const scoped = r.kind !== 'vhost' && !isGlobalKind(r.kind);
  return `${r.kind.replace(/_/g, ' ')} ${name}${scoped ? ` in vhost ${JSON.stringify(r.vhost)}` : ''}`;
}
