/**
 * Sender-selected distribution: the `CC` and `BCC` headers of a message are
 * extra routing keys. Measured on RabbitMQ 3.10.8 and 4.3.6 (both agree):
 *
 * - Every key (routing key, CC, BCC) is tried at every exchange the message
 *   passes: direct, topic and the default exchange, exchange-to-exchange
 *   hops and alternate exchanges; fanout and headers exchanges ignore keys.
 *   A queue matched by several keys gets one copy.
 * - The header names are exact (`cc` is an ordinary header). The value must
 *   be an array: anything else makes the broker close the channel with 406
 *   PRECONDITION_FAILED `invalid message: {unacceptable_type_in_header,"CC",longstr}`.
 *   Items of the array that are not strings are ignored.
 * - `BCC` is removed before routing (a headers exchange does not see it) and
 *   delivery; `CC` stays on the message.
 * - Dead-lettering without a dead-letter routing key republishes with all
 *   the original keys, the BCC keys included (though `x-death` lists only the
 *   routing key and CC); with one, only that key.
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { ArgValue } from '../model/types.js';
import type { RouteMessage } from './types.js';

export const SENDER_SELECTED_HEADERS = ['CC', 'BCC'] as const;

/** The CC and BCC keys of a message: its `cc`/`bcc` fields and its `CC`/`BCC` headers, in that order. */
export interface SenderSelectedKeys {
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
}

/** The message's extra routing keys, or the error the broker answers a `CC` or `BCC` header that is not an array with. */
export function senderSelectedKeys(message: RouteMessage): SenderSelectedKeys | { readonly error: Diagnostic } {
  const headers = message.headers ?? {};
  const out: Record<'CC' | 'BCC', string[]> = { CC: [...(message.cc ?? [])], BCC: [...(message.bcc ?? [])] };
  for (const name of SENDER_SELECTED_HEADERS) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headers[name] as ArgValue;
    if (!Array.isArray(value)) {
      const type = amqpType(value);
      return {
        error: diagnostic(
          'ROUTE_CC_NOT_ARRAY',
          `header \`${name}\` is ${describeValue(value)}, but RabbitMQ takes ${name} only as an array of routing keys: it refuses the message and closes the channel (406 PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,"${name}",${type}}); give an array, e.g. ${name}: [${JSON.stringify(typeof value === 'string' ? value : 'key')}]`,
        ),
      };
    }
    // The broker keeps only the string items (`{longstr, Key}`) and ignores the rest.
    for (const item of value) if (typeof item === 'string') out[name].push(item);
  }
  return { cc: out.CC, bcc: out.BCC };
}

/** The headers a headers exchange sees: BCC is stripped before routing. */
export function routingHeaders(headers: Readonly<Record<string, ArgValue>> | undefined): Readonly<Record<string, ArgValue>> | undefined {
  if (!headers || !Object.hasOwn(headers, 'BCC')) return headers;
  const { BCC: _bcc, ...rest } = headers;
  return rest;
}

/** The AMQP field type the broker names (amqplib encodes strings as longstr; Warren sends integers as long). */
function amqpType(v: ArgValue): string {
  if (v === null) return 'void';
  if (typeof v === 'string') return 'longstr';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  return 'table';
}

function describeValue(v: ArgValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v)}`;
}
