/** State the broker creates or reports itself, never diffed (rabbitmq-semantics.md §1, §5). */

/** Global parameters the broker creates itself. */
export const IMPLICIT_GLOBAL_PARAMETERS: ReadonlySet<string> = new Set(['internal_cluster_id', 'cluster_name']);

/** `/api/parameters` components that are other kinds, read from their own endpoints (or each would be diffed twice). */
export const PARAMETER_COMPONENTS_READ_ELSEWHERE: ReadonlySet<string> = new Set(['operator_policy', 'vhost-limits', 'policy']);
