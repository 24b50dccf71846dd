import type { Change } from '../model/change.js';
import type { ResourceMap } from '../model/types.js';
import { compareFields, type CompareContext } from '../diff/compare.js';

/**
 * The changes of a plan that the live state does not show as done: a delete
 * whose resource still exists, a create/replace whose resource is missing or
 * still differs from the plan's `after`, or an update whose changed fields
 * still differ. (Only those: an update keeps the other fields, and a saved
 * plan may not be able to check them, e.g. a kept `{ env: NAME }` password
 * whose variable the applying job does not set.)
 */
export function unappliedChanges(changes: readonly Change[], live: ResourceMap, ctx: CompareContext = {}): Change[] {
  return changes.filter((c) => {
    const now = live.get(c.key);
    if (c.action === 'delete') return now !== undefined;
    if (!now || !c.after) return true;
    const differ = compareFields(now, c.after, ctx);
    if (c.action !== 'update') return differ.length > 0;
    const touched = new Set(c.fields.map((f) => f.field));
    return differ.some((f) => touched.has(f.field));
  });
}
