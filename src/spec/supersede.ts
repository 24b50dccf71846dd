/**
 * One report per problem. Loading the spec warns of what some broker
 * versions refuse (a transient queue, `x-queue-master-locator`, a 4.3-only
 * argument, a topic key with three `#` words) without knowing the target;
 * the check against the broker (or `lint --broker-version`) then says the
 * same of the same field, knowing it. The informed one is kept, at the more
 * precise place the spec loader found.
 */
import type { Diagnostic } from '../model/diagnostics.js';

const FEATURE = ['DEPRECATED_FEATURE_USED', 'DEPRECATED_FEATURE_DENIED', 'DEPRECATED_FEATURE_REMOVED'];

/** Spec-loading code → the broker-informed codes that replace it for the same field. */
export const SUPERSEDED_BY: Readonly<Record<string, readonly string[]>> = {
  TRANSIENT_QUEUE_DEPRECATED: FEATURE,
  DEPRECATED_ARGUMENT: FEATURE,
  ARGUMENT_NOT_SUPPORTED: ['QUEUE_ARGUMENT_UNSUPPORTED', 'QUEUE_ARGUMENT_NOT_IN_VERSION'],
  TOPIC_KEY_TOO_MANY_HASHES: ['TOPIC_KEY_TOO_MANY_HASHES'],
};

function sameField(a: Diagnostic, b: Diagnostic): boolean {
  return a.path !== undefined && a.path === b.path && a.file === b.file;
}

/**
 * The spec's warnings without those an informed diagnostic replaces, and the
 * informed diagnostics, each at the line and column of the warning it
 * replaces (the loader knows the field's place; the broker check only the
 * resource's).
 */
export function supersede(spec: readonly Diagnostic[], informed: readonly Diagnostic[]): { spec: Diagnostic[]; informed: Diagnostic[] } {
  const dropped = new Set<Diagnostic>();
  const placed = informed.map((d) => {
    const replaced = spec.filter((s) => s.severity !== 'error' && SUPERSEDED_BY[s.code]?.includes(d.code) === true && sameField(s, d));
    for (const s of replaced) dropped.add(s);
    const first = replaced[0];
    return first?.line === undefined ? d : { ...d, line: first.line, ...(first.column === undefined ? {} : { column: first.column }) };
  });
  return { spec: spec.filter((s) => !dropped.has(s)), informed: placed };
}
