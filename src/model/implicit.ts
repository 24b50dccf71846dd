/** State the broker creates or reports itself, never diffed (rabbitmq-semantics.md §1, §5). */

/**
 * Global parameters the broker creates itself (`cluster_tags`: 4.x, from its
 * configuration). A definitions file's are left out (every export carries the
 * exporting broker's own); a native spec may declare `cluster_name` or
 * `cluster_tags`, which are then managed (undeclared, they are never listed
 * or deleted), but never `internal_cluster_id`.
 */
export const IMPLICIT_GLOBAL_PARAMETERS: ReadonlySet<string> = new Set(['internal_cluster_id', 'cluster_name', 'cluster_tags']);

/** Global parameters no spec may declare: the broker's identity, written only by the broker. */
export const BROKER_OWNED_GLOBAL_PARAMETERS: ReadonlySet<string> = new Set(['internal_cluster_id']);

/** `/api/parameters` components that are other kinds, read from their own endpoints (or each would be diffed twice). */
export const PARAMETER_COMPONENTS_READ_ELSEWHERE: ReadonlySet<string> = new Set(['operator_policy', 'vhost-limits', 'policy']);
