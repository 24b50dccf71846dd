/**
 * Whether a change of a permission pattern widens what a user may do.
 *
 * Deciding whether one regular expression matches more names than another is
 * hard in general, so Warren uses a conservative rule (documented in the
 * README): a change from `old` to `new` is **not** broadening only when
 * - `new` is the empty pattern (no access), or equal to `old`, or
 * - `new` is `old` with something added before and/or after it (`^app` →
 *   `^app\.orders`, `app` → `^app`): every name `new` matches then contains a
 *   match of `old`, so, as the broker searches unanchored, `old` matches it
 *   too. The added parts may not contain `|`, brackets, parentheses or braces
 *   (they could reach into `old`), the part after may not start with a
 *   quantifier (it would apply to `old`'s last atom), the part before may not
 *   end in a backslash (it would escape `old`'s first character), and `old`
 *   may not end in a backslash or be empty (empty means no access).
 * Anything else, including every change to `.*`, counts as broadening.
 */
export function broadens(before: string, after: string): boolean {
  if (after === before || after === '') return false;
  if (MATCHES_EVERYTHING.has(before)) return false; // nothing is wider than everything
  if (before === '' || MATCHES_EVERYTHING.has(after)) return true;
  if (before.endsWith('\\') && !before.endsWith('\\\\')) return true;
  for (let at = after.indexOf(before); at !== -1; at = after.indexOf(before, at + 1)) {
    if (safeAffixes(after.slice(0, at), after.slice(at + before.length))) return false;
  }
  return true;
}

/** Patterns that match every name: any change from one of them narrows or keeps the grant. */
const MATCHES_EVERYTHING: ReadonlySet<string> = new Set(['.*', '^.*', '^.*$', '.*$']);

const STRUCTURAL = /[|()[\]{}]/;

function safeAffixes(prefix: string, suffix: string): boolean {
  if (STRUCTURAL.test(prefix) || STRUCTURAL.test(suffix)) return false;
  if (/^[*+?]/.test(suffix)) return false;
  const trailingBackslashes = /\\*$/.exec(prefix)?.[0].length ?? 0;
  return trailingBackslashes % 2 === 0;
}
