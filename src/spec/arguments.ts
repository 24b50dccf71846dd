/**
 * Known x-arguments: their value types and ranges, and which queue types
 * accept them (rabbitmq-semantics.md §3 and §7 "Accepted values"). One table,
 * one generic checker.
 */
import type { ArgValue, Args, QueueType, SourceLocation } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { describeValue } from './describe.js';
import { closest } from './suggest.js';

export type ArgRule =
  | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'string' }
  | { readonly type: 'boolean' }
  /** One of `values`; `deprecated` values are accepted with a warning. */
  | { readonly type: 'enum'; readonly values: readonly (string | number)[]; readonly deprecated?: readonly string[] }
  /** A stream retention such as `7D`: a number and one unit of Y, M, D, h, m, s. */
  | { readonly type: 'duration' };

export interface QueueArgument {
  readonly rule: ArgRule;
  /** Queue types that accept the argument on declare. */
  readonly queueTypes: readonly QueueType[];
  /** Set when the argument is deprecated or has no effect: the warning to give. */
  readonly deprecated?: string;
  /**
   * First version that knows the argument. Before it the broker keeps the
   * argument on any queue type and ignores it; from it, a queue type outside
   * `queueTypes` refuses it (400 "invalid arg ... of queue type"). Without a
   * version (spec loading) such a mismatch is a warning; spec/version-check
   * decides per version.
   */
  readonly since?: string;
}

const CQ: readonly QueueType[] = ['classic', 'quorum'];
const ALL: readonly QueueType[] = ['classic', 'quorum', 'stream'];

export const QUEUE_ARGUMENTS: Readonly<Record<string, QueueArgument>> = {
  'x-max-length': { rule: { type: 'integer', min: 0 }, queueTypes: CQ },
  'x-max-length-bytes': { rule: { type: 'integer', min: 0 }, queueTypes: ALL },
  'x-message-ttl': { rule: { type: 'integer', min: 0 }, queueTypes: CQ },
  'x-expires': { rule: { type: 'integer', min: 1 }, queueTypes: CQ },
  'x-max-priority': { rule: { type: 'integer', min: 1, max: 255 }, queueTypes: ['classic'] },
  'x-dead-letter-exchange': { rule: { type: 'string' }, queueTypes: CQ },
  'x-dead-letter-routing-key': { rule: { type: 'string' }, queueTypes: CQ },
  'x-overflow': { rule: { type: 'enum', values: ['drop-head', 'reject-publish', 'reject-publish-dlx'] }, queueTypes: CQ },
  'x-single-active-consumer': { rule: { type: 'boolean' }, queueTypes: CQ },
  'x-queue-mode': {
    rule: { type: 'enum', values: ['default', 'lazy'] },
    queueTypes: ['classic'],
    deprecated: 'has no effect from RabbitMQ 3.12 (classic queues v2 are always lazy); leave it out of new queues (removing it from an existing queue means replacing the queue)',
  },
  'x-queue-version': { rule: { type: 'enum', values: [1, 2] }, queueTypes: ['classic'] },
  'x-queue-master-locator': {
    rule: { type: 'enum', values: ['min-masters', 'client-local', 'random'] },
    queueTypes: ['classic'],
    deprecated: 'uses the deprecated feature `queue_master_locator`, refused by default from RabbitMQ 4.3 (unless `deprecated_features.permit.queue_master_locator = true`); leave it out of new queues (removing it from an existing queue means replacing the queue), or use `x-queue-leader-locator` on 4.0+',
  },
  'x-delivery-limit': { rule: { type: 'integer', min: 0 }, queueTypes: ['quorum'] },
  'x-quorum-initial-group-size': { rule: { type: 'integer', min: 1 }, queueTypes: ['quorum'] },
  'x-dead-letter-strategy': { rule: { type: 'enum', values: ['at-most-once', 'at-least-once'] }, queueTypes: ['quorum'] },
  'x-max-in-memory-length': { rule: { type: 'integer', min: 0 }, queueTypes: ['quorum'] },
  'x-max-in-memory-bytes': { rule: { type: 'integer', min: 0 }, queueTypes: ['quorum'] },
  'x-queue-leader-locator': {
    rule: { type: 'enum', values: ['client-local', 'balanced'], deprecated: ['random', 'least-leaders', 'min-masters'] },
    queueTypes: ['quorum', 'stream'],
  },
  // 4.3, measured over HTTP on 3.10.8, 4.0.5 and 4.3.6: 3.10 and 4.0 keep any value on any queue
  // type; 4.3 refuses them on classic queues and streams (HTTP 400; AMQP 406 PRECONDITION_FAILED
  // closing the channel, not the connection). 4.3 quorum queues take any value of the
  // delayed-retry arguments at declare time, but policies allow only these values (positive
  // delays), so Warren holds arguments to the same. `x-consumer-timeout` on a 4.3 quorum queue
  // refuses -1 ("value_negative") and strings.
  'x-delayed-retry-type': { rule: { type: 'enum', values: ['disabled', 'all', 'failed', 'returned'] }, queueTypes: ['quorum'], since: '4.3.0' },
  'x-delayed-retry-min': { rule: { type: 'integer', min: 1 }, queueTypes: ['quorum'], since: '4.3.0' },
  'x-delayed-retry-max': { rule: { type: 'integer', min: 1 }, queueTypes: ['quorum'], since: '4.3.0' },
  'x-consumer-timeout': { rule: { type: 'integer', min: 0 }, queueTypes: ['quorum'], since: '4.3.0' },
  'x-max-age': { rule: { type: 'duration' }, queueTypes: ['stream'] },
  'x-stream-max-segment-size-bytes': { rule: { type: 'integer', min: 1 }, queueTypes: ['stream'] },
  'x-initial-cluster-size': { rule: { type: 'integer', min: 1 }, queueTypes: ['stream'] },
  // Stream filtering (3.13). Measured on 4.3.6: an integer from 16 to 255 on a stream ("Invalid
  // value" otherwise), refused on classic and quorum queues; 3.10.8 keeps any value anywhere.
  'x-stream-filter-size-bytes': { rule: { type: 'integer', min: 16, max: 255 }, queueTypes: ['stream'], since: '3.13.0' },
};

/** Exchange arguments whose type is known; others pass (the broker stores and ignores them). */
export const EXCHANGE_ARGUMENTS: Readonly<Record<string, ArgRule>> = {
  'alternate-exchange': { type: 'string' },
  'x-delayed-type': { type: 'string' },
  'hash-header': { type: 'string' },
  'hash-property': { type: 'string' },
};

/** The `x-match` binding argument of headers exchanges. */
export const X_MATCH_VALUES = ['all', 'any', 'all-with-x', 'any-with-x'] as const;

const DURATION = /^\d+[YMDhms]$/;

/**
 * Check one value against a rule. `field` names the argument in the message
 * (e.g. "x-max-length"); `at` is where the value is.
 */
export function checkArgumentValue(field: string, value: ArgValue, rule: ArgRule, at: SourceLocation): Diagnostic[] {
  const typeError = (expected: string, hint = ''): Diagnostic[] => [
    diagnostic('INVALID_ARGUMENT_TYPE', `\`${field}\` must be ${expected}, got ${describeValue(value)}${hint}`, at),
  ];
  const valueError = (expected: string, hint = ''): Diagnostic[] => [
    diagnostic('INVALID_ARGUMENT_VALUE', `\`${field}\` must be ${expected}, got ${describeValue(value)}${hint}`, at),
  ];
  switch (rule.type) {
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return typeError('an integer', unquoteHint(value, true));
      }
      if (rule.min !== undefined && rule.max !== undefined && (value < rule.min || value > rule.max)) {
        return valueError(`between ${rule.min} and ${rule.max}`);
      }
      if (rule.min !== undefined && value < rule.min) return valueError(`at least ${rule.min}`);
      if (rule.max !== undefined && value > rule.max) return valueError(`at most ${rule.max}`);
      return [];
    }
    case 'string':
      return typeof value === 'string' ? [] : typeError('a string', typeof value === 'number' || typeof value === 'boolean' ? `; write it in quotes: "${String(value)}"` : '');
    case 'boolean':
      return typeof value === 'boolean' ? [] : typeError('a boolean (true or false)', typeof value === 'string' && /^(true|false)$/i.test(value) ? `; write ${value.toLowerCase()} without quotes` : '');
    case 'enum': {
      const choices = [...rule.values, ...(rule.deprecated ?? [])];
      const numeric = rule.values.every((v) => typeof v === 'number');
      const listed = `one of ${rule.values.join(', ')}`;
      if (numeric && typeof value !== 'number') return typeError(`an integer, ${listed}`, unquoteHint(value, true));
      if (!numeric && typeof value !== 'string') return typeError(`a string, ${listed}`);
      if (choices.includes(value as string | number)) {
        if (typeof value === 'string' && rule.deprecated?.includes(value)) {
          const instead = rule.values.join(' or ');
          return [diagnostic('DEPRECATED_ARGUMENT_VALUE', `\`${field}\` value ${JSON.stringify(value)} is deprecated; use ${instead}`, at, 'warning')];
        }
        return [];
      }
      const mean = typeof value === 'string' ? closest(value, rule.values.map(String)) : undefined;
      return valueError(listed, mean !== undefined ? `; did you mean \`${mean}\`?` : '');
    }
    case 'duration':
      if (typeof value !== 'string') return typeError('a string such as "7D"', typeof value === 'number' ? `; add a unit (Y, M, D, h, m or s), e.g. "${value}D"` : '');
      return DURATION.test(value) ? [] : valueError('a number followed by one unit of Y, M, D, h, m or s, such as "7D"');
    default: {
      const never: never = rule;
      return never;
    }
  }
}

function unquoteHint(value: ArgValue, integer: boolean): string {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    const n = Number(value);
    if (!integer || Number.isInteger(n)) return `; write ${value.trim()} without quotes`;
  }
  if (typeof value === 'number' && integer) return `; write a whole number such as ${Math.round(value)}`;
  return '';
}

export const TYPE_WORDS: Readonly<Record<QueueType, string>> = { classic: 'classic queues', quorum: 'quorum queues', stream: 'streams' };

/** Type, range and queue-type checks of every argument of a queue. */
export function checkQueueArguments(type: QueueType, args: Args, at: (name: string) => SourceLocation): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, value] of Object.entries(args)) {
    const spec = QUEUE_ARGUMENTS[name];
    if (spec === undefined) {
      const mean = closest(name, Object.keys(QUEUE_ARGUMENTS));
      const hint = mean !== undefined ? `did you mean \`${mean}\`? ` : '';
      out.push(
        diagnostic(
          'UNKNOWN_ARGUMENT',
          `unknown queue argument \`${name}\`; ${hint}RabbitMQ keeps it but ignores a change to it when the queue is declared again`,
          at(name),
          'warning',
        ),
      );
      continue;
    }
    const problems = checkArgumentValue(name, value, spec.rule, at(name));
    out.push(...problems);
    if (!spec.queueTypes.includes(type) && spec.since !== undefined) {
      out.push(diagnostic('ARGUMENT_NOT_SUPPORTED', `${argumentMismatch(name, type)}; remove it or change the queue type`, at(name), 'warning'));
    } else if (!spec.queueTypes.includes(type)) {
      const accepted = spec.queueTypes.map((t) => TYPE_WORDS[t]).join(' and ');
      out.push(
        diagnostic(
          'ARGUMENT_NOT_SUPPORTED',
          `\`${name}\` is not supported by ${TYPE_WORDS[type]} (only by ${accepted}); remove it or change the queue type`,
          at(name),
        ),
      );
    } else if (spec.deprecated !== undefined && !problems.some((d) => d.severity === 'error')) {
      out.push(diagnostic('DEPRECATED_ARGUMENT', `\`${name}\` ${spec.deprecated}`, at(name), 'warning'));
    }
  }
  return out;
}

/**
 * The problem with an argument of version-dependent support on a queue type
 * that does not take it: RabbitMQ from `since` refuses it, older versions
 * keep it and ignore it.
 */
function argumentMismatch(name: string, type: QueueType): string {
  const spec = QUEUE_ARGUMENTS[name];
  if (spec === undefined) return `\`${name}\` is unknown`;
  const accepted = spec.queueTypes.map((t) => TYPE_WORDS[t]).join(' and ');
  const since = spec.since === undefined ? '' : `: RabbitMQ ${spec.since.replace(/\.0$/, '')} and later refuse it (400 "invalid arg"), older versions keep it and ignore it`;
  return `\`${name}\` is not supported by ${TYPE_WORDS[type]} (only by ${accepted})${since}`;
}

/** Type checks of the exchange arguments Warren knows. */
export function checkExchangeArguments(args: Args, at: (name: string) => SourceLocation): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, value] of Object.entries(args)) {
    const rule = EXCHANGE_ARGUMENTS[name];
    if (rule !== undefined) out.push(...checkArgumentValue(name, value, rule, at(name)));
  }
  return out;
}
