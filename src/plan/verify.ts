import type { Change } from '../model/change.js';
import type { ResourceMap } from '../model/types.js';
import { compareFields } from '../diff/compare.js';

/**
 * The changes of a plan that the live state does not show as done: a delete
 * whose resource still exists, or a create/update/replace whose resource is
 * missing or still differs from the plan's `after`.
 */
export function unappliedChanges(changes: readonly Change[], live: ResourceMap): Change[] {
  return changes.filter((c) => {
    const now = live.get(c.key);
    if (c.action === 'delete') return now !== undefined;
    if (!now || !c.after) return true;
    return compareFields(now, c.after).length > 0;
  });
}
