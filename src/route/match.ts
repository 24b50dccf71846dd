import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { ArgValue, Args, ExchangeResource } from '../model/types.js';
import { headersMatch, xMatchMode, type HeadersComparison } from './headers.js';
import { matchTopicWords, splitTopicKey } from './topic.js';
import type { IndexedBinding, VhostTopology } from './topology.js';
import type { RouteDestination } from './types.js';

/** What one exchange does with a message, before exchange-to-exchange recursion. */
export interface ExchangeMatch {
  /** Bindings that matched, one per binding, in binding order. */
  readonly matched: readonly MatchedBinding[];
  /** Set for exchanges that pick one destination (hash, random). */
  readonly oneOf?: OneOfMatch;
  /** Why nothing matched, when `matched` is empty and `oneOf` absent. */
  readonly deadEnd?: string;
  readonly warnings: readonly Diagnostic[];
}

export interface MatchedBinding {
  readonly to: RouteDestination;
  readonly binding: { readonly routingKey: string; readonly arguments: Args };
  readonly key?: string;
}

export interface OneOfMatch {
  readonly destinations: readonly RouteDestination[];
  readonly weights?: ReadonlyMap<string, number>;
}

/** What the exchange needs to know about the message. */
export interface MatchInput {
  /** Routing key first, then CC and BCC keys, unique. */
  readonly keys: readonly string[];
  readonly headers: Readonly<Record<string, ArgValue>> | undefined;
  readonly comparison: HeadersComparison;
}

const ONE_OF_TYPES = new Set(['x-consistent-hash', 'x-random', 'x-modulus-hash']);
const LIST_LIMIT = 20;

/** Route a message through one exchange (`x.name === ""` is the default exchange). */
export function matchExchange(vt: VhostTopology, x: ExchangeResource, input: MatchInput): ExchangeMatch {
  if (x.name === '') return matchDefault(vt, input);
  const bindings = vt.bindingsBySource.get(x.name)?.all ?? [];
  return matchByType(vt, x, x.type, bindings, input, 0);
}

function matchByType(
  vt: VhostTopology,
  x: ExchangeResource,
  type: string,
  bindings: readonly IndexedBinding[],
  input: MatchInput,
  depth: number,
): ExchangeMatch {
  const label = `exchange \`${x.name}\` (${x.type})`;
  if (bindings.length === 0) return { matched: [], deadEnd: `${label} has no bindings`, warnings: [] };
  switch (type) {
    case 'fanout':
    case 'x-recent-history':
      return { matched: bindings.map((b) => fromBinding(b)), warnings: [] };
    case 'direct': {
      const byKey = vt.bindingsBySource.get(x.name)?.byKey;
      const hits = new Map<IndexedBinding, string>();
      for (const key of input.keys) {
        for (const b of byKey?.get(key) ?? []) if (!hits.has(b)) hits.set(b, key);
      }
      // Binding order, not key order, so the result does not depend on which key matched first.
      const matched = [...hits].sort(([a], [b]) => a.index - b.index).map(([b, key]) => fromBinding(b, key));
      if (matched.length > 0) return { matched, warnings: [] };
      return {
        matched: [],
        deadEnd: `${label} has no binding with key ${keyList(input.keys)}; bindings: ${list(bindings.map((b) => b.binding.routing_key))}`,
        warnings: [],
      };
    }
    case 'topic': {
      const keyWords = input.keys.map((k) => ({ key: k, words: splitTopicKey(k) }));
      const matched: MatchedBinding[] = [];
      for (const b of bindings) {
        const hit = keyWords.find((k) => matchTopicWords(b.words, k.words));
        if (hit) matched.push(fromBinding(b, hit.key));
      }
      if (matched.length > 0) return { matched, warnings: [] };
      return {
        matched: [],
        deadEnd: `${label} has no binding pattern matching key ${keyList(input.keys)}; bindings: ${list(bindings.map((b) => b.binding.routing_key))}`,
        warnings: [],
      };
    }
    case 'headers': {
      const matched: MatchedBinding[] = [];
      const warnings: Diagnostic[] = [];
      for (const b of bindings) {
        const ok = headersMatch(b.binding.arguments, input.headers, input.comparison);
        if (ok === undefined) {
          warnings.push(
            diagnostic(
              'ROUTE_INVALID_BINDING',
              `binding ${b.binding.name} has x-match ${JSON.stringify(b.binding.arguments['x-match'])}; the broker accepts only all, any, all-with-x or any-with-x (skipped)`,
              b.binding.sourceLocation,
              'warning',
            ),
          );
        } else if (ok) matched.push(fromBinding(b));
      }
      if (matched.length > 0) return { matched, warnings };
      return {
        matched: [],
        deadEnd: `${label} has no binding whose arguments match the headers ${JSON.stringify(input.headers ?? {})}; bindings: ${list(bindings.map((b) => headersLabel(b.binding.arguments)))}`,
        warnings,
      };
    }
    case 'x-delayed-message': {
      const inner = x.arguments['x-delayed-type'];
      const warnings = [
        diagnostic(
          'ROUTE_DELAYED',
          `exchange \`${x.name}\` (x-delayed-message) routes as ${typeof inner === 'string' ? inner : '(no x-delayed-type)'} after the delay in the message's x-delay header`,
          x.source,
          'warning',
        ),
      ];
      if (typeof inner !== 'string' || inner === 'x-delayed-message' || depth > 0) {
        return { matched: [], deadEnd: `${label} has no usable x-delayed-type argument`, warnings };
      }
      const m = matchByType(vt, x, inner, bindings, input, depth + 1);
      return { ...m, warnings: [...warnings, ...m.warnings] };
    }
    default:
      if (ONE_OF_TYPES.has(type)) return matchOneOf(x, type, bindings);
      return {
        matched: [],
        deadEnd: `${label}: the simulator does not know this exchange type and treats it as routing nowhere`,
        warnings: [diagnostic('ROUTE_EXCHANGE_TYPE_UNSUPPORTED', `exchange \`${x.name}\` has type \`${type}\`, which the simulator cannot route`, x.source, 'warning')],
      };
  }
}

/**
 * Hash and random exchanges deliver to exactly one destination. For
 * `x-consistent-hash` only the first binding per destination is on the ring,
 * with its key (an integer ≥ 1) as weight; other keys are refused by the broker.
 */
function matchOneOf(x: ExchangeResource, type: string, bindings: readonly IndexedBinding[]): ExchangeMatch {
  const destinations: RouteDestination[] = [];
  const seen = new Set<string>();
  const weights = new Map<string, number>();
  const warnings: Diagnostic[] = [];
  for (const { binding: b } of bindings) {
    const id = `${b.destination_type}:${b.destination}`;
    if (seen.has(id)) continue;
    if (type === 'x-consistent-hash') {
      const w = /^[0-9]+$/.test(b.routing_key) ? Number(b.routing_key) : 0;
      if (w < 1) {
        warnings.push(diagnostic('ROUTE_INVALID_BINDING', `binding ${b.name}: a consistent-hash binding key must be an integer ≥ 1 (skipped)`, b.sourceLocation, 'warning'));
        continue;
      }
      weights.set(id, w);
    }
    seen.add(id);
    destinations.push({ kind: b.destination_type, name: b.destination });
  }
  if (destinations.length === 0) return { matched: [], deadEnd: `exchange \`${x.name}\` (${x.type}) has no usable bindings`, warnings };
  return { matched: [], oneOf: type === 'x-consistent-hash' ? { destinations, weights } : { destinations }, warnings };
}

/** The default exchange: one implicit binding per queue, keyed by the queue name. */
function matchDefault(vt: VhostTopology, input: MatchInput): ExchangeMatch {
  const matched: MatchedBinding[] = [];
  for (const key of input.keys) {
    if (vt.queues.has(key)) matched.push({ to: { kind: 'queue', name: key }, binding: { routingKey: key, arguments: {} }, key });
  }
  if (matched.length > 0) return { matched, warnings: [] };
  const missing = input.keys.map((k) => `\`${k}\``).join(', ');
  return {
    matched: [],
    deadEnd: `the default exchange routes to the queue named by the routing key, and vhost \`${vt.name}\` has no queue ${missing}`,
    warnings: [],
  };
}

function fromBinding(ib: IndexedBinding, key?: string): MatchedBinding {
  const b = ib.binding;
  const base = { to: { kind: b.destination_type, name: b.destination }, binding: { routingKey: b.routing_key, arguments: b.arguments } };
  return key === undefined ? base : { ...base, key };
}

function keyList(keys: readonly string[]): string {
  return keys.map((k) => `\`${k}\``).join(' or ');
}

function list(items: readonly string[]): string {
  const unique = [...new Set(items)];
  const shown = unique.slice(0, LIST_LIMIT).map((s) => (s === '' ? '""' : s));
  return unique.length > LIST_LIMIT ? `${shown.join(', ')}, … (${unique.length - LIST_LIMIT} more)` : shown.join(', ');
}

function headersLabel(args: Args): string {
  return JSON.stringify({ 'x-match': xMatchMode(args) ?? args['x-match'] ?? 'all', ...args });
}
