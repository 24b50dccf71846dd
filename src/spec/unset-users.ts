/**
 * Users whose `tags` the file leaves out: their tags are left to the broker
 * (model/defaults), as their password is. Applied after the user
 * declarations are read, from what the file writes for each user.
 */
import { unsetFields } from '../model/defaults.js';
import type { FileDecls } from './declarations.js';

/** @param written the entry the file writes for a user, by name (undefined: none, or `null` in YAML) */
export function markUnsetUserTags(decls: FileDecls, written: (name: string) => { readonly tags?: unknown } | null | undefined): void {
  decls.others.forEach((o, i) => {
    if (o.resource.kind !== 'user') return;
    const unset = unsetFields('user', written(o.resource.name) ?? {});
    if (unset.length > 0) decls.others[i] = { ...o, resource: { ...o.resource, unset } };
  });
}
