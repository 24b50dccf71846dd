import type { Change } from '../model/change.js';
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { Desired, Observed } from '../model/types.js';

/**
 * A grant the plan creates or changes for a user that neither the spec
 * declares nor the broker has: RabbitMQ refuses it (HTTP 400
 * `vhost_or_user_not_found`), so applying the plan would fail part-way, after
 * the steps before it. Found here, before anything changes. This happens with
 * a `warren export` (users are left out) applied to another broker, or a
 * definitions file whose `users` list lost an entry.
 */
export function unknownGrantees(desired: Desired, observed: Observed, changes: readonly Change[]): Diagnostic[] {
  const users = new Set<string>();
  for (const r of desired.resources.values()) if (r.kind === 'user') users.add(r.name);
  for (const r of observed.resources.values()) if (r.kind === 'user') users.add(r.name);
  const out: Diagnostic[] = [];
  for (const c of changes) {
    const r = c.after;
    if (!r || (c.action !== 'create' && c.action !== 'replace' && c.action !== 'update')) continue;
    if (r.kind !== 'permission' && r.kind !== 'topic_permission' && r.kind !== 'user_limit') continue;
    const user = r.kind === 'permission' ? r.name : r.user;
    if (users.has(user)) continue;
    const what = r.kind === 'user_limit' ? `user limit "${r.limit}"` : `${r.kind.replace(/_/g, ' ')} in vhost "${r.vhost}"`;
    out.push(
      diagnostic(
        'GRANT_USER_UNKNOWN',
        `${what} is for user "${user}", which the spec does not declare and the broker does not have: RabbitMQ would refuse it (vhost_or_user_not_found) and the apply would stop part-way; declare the user under \`users\`, create it first, or leave the grant out`,
        r.source,
        'error',
      ),
    );
  }
  return out;
}
