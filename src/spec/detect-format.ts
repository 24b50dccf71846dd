/** Which format a parsed document is in, by its shape. */
import { isRecord } from './describe.js';
import type { SpecFormat } from './schema-check.js';

const DEFINITION_MARKERS = ['rabbit_version', 'rabbitmq_version'] as const;
/**
 * Top-level lists of an export: any one of them makes a definitions file (the
 * broker imports a file with `users` alone). A native spec has none of these
 * as a list (its `vhosts`, `users` and `global_parameters` are maps).
 */
const DEFINITION_LISTS = [
  'vhosts',
  'queues',
  'exchanges',
  'bindings',
  'users',
  'permissions',
  'topic_permissions',
  'policies',
  'parameters',
  'global_parameters',
] as const;

export type Detected = { readonly format: SpecFormat } | { readonly format: 'unknown'; readonly reason: string };

/**
 * A definitions export has one of the top-level lists of an export (`vhosts`,
 * `queues`, `users`, `policies`, ...) or a `rabbit_version`; a native spec has
 * `version` or a `vhosts` map. Anything else is neither, and the reason says what was expected.
 */
export function detectFormat(value: unknown): Detected {
  const expected =
    'expected a Warren spec (`version: 1` and a `vhosts` map) or a RabbitMQ definitions export (lists such as `vhosts`, `exchanges`, `queues`, `bindings`, `users`, `policies`)';
  if (value === undefined || value === null) return { format: 'unknown', reason: `the document is empty; ${expected}` };
  if (!isRecord(value)) {
    const got = Array.isArray(value) ? 'a list' : `a single ${typeof value}`;
    return { format: 'unknown', reason: `the document is ${got}; ${expected}` };
  }
  const marked = DEFINITION_MARKERS.some((k) => k in value);
  // `version` is Warren's: a native spec with a `vhosts` list is a native spec with a mistake.
  if ('version' in value && !marked) return { format: 'native' };
  if (DEFINITION_LISTS.some((k) => Array.isArray(value[k])) || marked) {
    return { format: 'definitions' };
  }
  if (isRecord(value['vhosts'])) return { format: 'native' };
  const keys = Object.keys(value);
  const found = keys.length === 0 ? 'it is an empty map' : `its top-level keys are ${keys.slice(0, 8).map((k) => `\`${k}\``).join(', ')}`;
  return { format: 'unknown', reason: `the document is not a topology: ${found}; ${expected}` };
}
