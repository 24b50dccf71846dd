/** Which format a parsed document is in, by its shape. */
import { isRecord } from './describe.js';
import type { SpecFormat } from './schema-check.js';

const DEFINITION_MARKERS = ['rabbit_version', 'rabbitmq_version'] as const;
const DEFINITION_LISTS = ['vhosts', 'queues', 'exchanges', 'bindings'] as const;

export type Detected = { readonly format: SpecFormat } | { readonly format: 'unknown'; readonly reason: string };

/**
 * A definitions export has a top-level `vhosts` list, or `queues`/`exchanges`/
 * `bindings` lists, or a `rabbit_version`; a native spec has `version` or a
 * `vhosts` map. Anything else is neither, and the reason says what was expected.
 */
export function detectFormat(value: unknown): Detected {
  const expected =
    'expected a Warren spec (`version: 1` and a `vhosts` map) or a RabbitMQ definitions export (`vhosts`, `exchanges`, `queues` and `bindings` lists)';
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
