/**
 * Argument tables for amqplib with ONE AMQP type per value class.
 *
 * amqplib picks byte/short/int/long for a JS integer by magnitude, while the
 * management API and definitions imports store JSON integers as `long`. The
 * broker keys bindings on the typed table (rabbitmq-semantics.md §2), so a
 * binding declared over AMQP with `{n: 1}` (byte) would be a different
 * binding from the same one imported over HTTP (long). Every integer is
 * therefore sent as `long`, every other number as `double`, recursively.
 */
import type { ArgValue, Args } from '../model/types.js';

/** amqplib's typed-value notation (lib/codec.js: `{'!': type, value}`). */
export interface TypedValue {
  readonly '!': 'long' | 'double' | 'object';
  readonly value: number | AmqpTable;
}

export type AmqpValue = string | boolean | null | TypedValue | readonly AmqpValue[] | AmqpTable;
export interface AmqpTable {
  readonly [key: string]: AmqpValue;
}

/** Encodes an argument table for amqplib's `arguments` options. */
export function encodeArgs(args: Args): AmqpTable {
  const out: Record<string, AmqpValue> = {};
  for (const [k, v] of Object.entries(args)) out[k] = encodeArgValue(v);
  return out;
}

export function encodeArgValue(value: ArgValue): AmqpValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { '!': 'long', value } : { '!': 'double', value };
  }
  if (Array.isArray(value)) return value.map(encodeArgValue);
  const table: Record<string, AmqpValue> = {};
  for (const [k, v] of Object.entries(value)) table[k] = encodeArgValue(v);
  // A nested table with its own '!' key would be read by amqplib as a typed
  // value; the explicit 'object' type makes it encode as a plain table.
  return Object.hasOwn(table, '!') ? { '!': 'object', value: table } : table;
}
