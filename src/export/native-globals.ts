/**
 * The global sections of a native spec, `users:` and `global_parameters:`,
 * for `warren convert` (a definitions export has them; `warren export` does
 * not write them: a spec manages a global kind only when it has its section).
 */
import type { GlobalKind, GlobalParameterResource, Resource, UserLimitResource, UserResource } from '../model/types.js';
import { holdsSecret } from '../util/sensitive.js';

/** A resource an export or a conversion leaves out, and why. */
export interface SkippedResource {
  readonly kind: string;
  readonly vhost: string;
  readonly name: string;
  readonly reason: string;
}

export interface GlobalsOptions {
  /** The global kinds whose section the source has: those sections are written, even empty. */
  readonly kinds: readonly GlobalKind[];
  /** Write password hashes (to a file the user asked for), else leave them out and say so. */
  readonly secrets: boolean;
}

/** Why a user's hash is not written: a definitions file then leaves the user out (it must give a hash). */
export const HASH_LEFT_OUT = 'its password hash is left out, as a spec on standard output would show it (write the output to a file with -o to keep it)';

/** `users:` and `global_parameters:` of the resources, sorted by name; what is left out goes to `skipped`. */
export function globalSections(resources: Iterable<Resource>, options: GlobalsOptions, skipped: SkippedResource[]): Record<string, unknown> {
  const users: UserResource[] = [];
  const limits = new Map<string, UserLimitResource[]>();
  const params: GlobalParameterResource[] = [];
  for (const r of resources) {
    if (r.kind === 'user') users.push(r);
    else if (r.kind === 'user_limit') limits.set(r.user, [...(limits.get(r.user) ?? []), r]);
    else if (r.kind === 'global_parameter') params.push(r);
  }
  const out: Record<string, unknown> = {};
  if (options.kinds.includes('user')) {
    const section: Record<string, unknown> = {};
    for (const u of users.sort((a, b) => compare(a.name, b.name))) section[u.name] = userNode(u, limits.get(u.name) ?? [], options.secrets, skipped);
    out['users'] = section;
  }
  if (options.kinds.includes('global_parameter')) {
    const section: Record<string, unknown> = {};
    for (const p of params.sort((a, b) => compare(a.name, b.name))) {
      if (holdsSecret(p.value)) skipped.push({ kind: p.kind, vhost: '', name: p.name, reason: 'holds credentials, which a spec never does: declare it with { env: NAME } in place of the URI' });
      else section[p.name] = p.value;
    }
    out['global_parameters'] = section;
  }
  return out;
}

function userNode(u: UserResource, limits: readonly UserLimitResource[], secrets: boolean, skipped: SkippedResource[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!(u.unset ?? []).includes('tags')) out['tags'] = [...u.tags];
  const p = u.password;
  switch (p.kind) {
    case 'none':
      out['password_hash'] = '';
      break;
    case 'hash':
      if (secrets) {
        out['password_hash'] = p.hash.reveal();
        out['hashing_algorithm'] = p.algorithm;
      } else skipped.push({ kind: 'user', vhost: '', name: u.name, reason: `${HASH_LEFT_OUT}; the password stays unmanaged` });
      break;
    case 'env':
      out['password'] = { env: p.env };
      break;
    case 'unmanaged':
      break;
  }
  if (limits.length > 0) out['limits'] = Object.fromEntries([...limits].sort((a, b) => compare(a.limit, b.limit)).map((l) => [l.limit, l.value]));
  return out;
}

/** The order every list of skipped resources is shown in: by vhost, kind, then name. */
export function bySkipped(a: SkippedResource, b: SkippedResource): number {
  return compare(a.vhost, b.vhost) || compare(a.kind, b.kind) || compare(a.name, b.name);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
