import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { ArgValue, ExchangeResource } from '../model/types.js';
import { closest } from '../spec/suggest.js';
import { headersComparisonFor } from './headers.js';
import { effectiveAlternateExchange, effectiveDeadLetter } from './policies.js';
import { matchExchange, type MatchInput } from './match.js';
import { routingHeaders, senderSelectedKeys } from './sender-selected.js';
import { lookupExchange, type RouteTopology, type VhostTopology } from './topology.js';
import type { DeadLetterRoute, RouteHop, RouteMessage, RouteOneOf, RouteOptions, RoutePath, RouteOutcome, RouteResult } from './types.js';

/** AMQP `shortstr`: routing keys are at most 255 bytes of UTF-8. */
export const MAX_ROUTING_KEY_BYTES = 255;

const utf8 = new TextEncoder();

/**
 * Where the broker would deliver `message` (rabbitmq-semantics.md §6):
 * exchange-to-exchange bindings are followed with each exchange routing once,
 * each queue gets one copy, an exchange's alternate exchange is used only when
 * the exchange itself matched nothing, and `x-consistent-hash` / `x-random` /
 * `x-modulus-hash` exchanges are reported in `oneOf`.
 *
 * Pure: the topology is what `topologyFrom` indexed. Alternate and
 * dead-letter exchanges are the effective ones: the x-argument, else the
 * policy that applies (§4).
 */
export function routeMessage(topology: RouteTopology, message: RouteMessage, options: RouteOptions = {}): RouteResult {
  const outcome = publish(topology, message, options);
  if (!options.followDeadLetter || outcome.queues.length === 0) return outcome;
  const vt = topology.vhosts.get(message.vhost);
  if (!vt) return outcome;
  const deadLetter = outcome.queues.flatMap((q) => {
    const d = followDeadLetter(vt, q, message, options);
    return d ? [d] : [];
  });
  return deadLetter.length > 0 ? { ...outcome, deadLetter } : outcome;
}

/** `basic.publish` checks, then routing. */
function publish(topology: RouteTopology, message: RouteMessage, options: RouteOptions): RouteOutcome {
  const vt = topology.vhosts.get(message.vhost);
  if (!vt) {
    return failed('ROUTE_VHOST_NOT_FOUND', `vhost \`${message.vhost}\` is not in the topology (the broker refuses the connection)`);
  }
  const bytes = utf8.encode(message.routingKey).length;
  if (bytes > MAX_ROUTING_KEY_BYTES) {
    return failed('ROUTE_KEY_TOO_LONG', `the routing key is ${bytes} bytes; AMQP caps it at ${MAX_ROUTING_KEY_BYTES} (the client refuses to send it)`);
  }
  const x = lookupExchange(vt, message.exchange);
  if (!x) {
    const mean = closest(message.exchange, vt.exchanges.keys());
    const hint = mean !== undefined ? `; did you mean \`${mean}\`?` : '';
    return failed('ROUTE_EXCHANGE_NOT_FOUND', `exchange \`${message.exchange}\` is not declared in vhost \`${vt.name}\` (the broker closes the channel with 404 NOT_FOUND)${hint}`);
  }
  if (x.internal) {
    return failed('ROUTE_EXCHANGE_INTERNAL', `exchange \`${x.name}\` is internal: publishing to it is refused (403 ACCESS_REFUSED); it can only be reached through exchange-to-exchange bindings or as an alternate exchange`);
  }
  const selected = senderSelectedKeys(message);
  if ('error' in selected) return { queues: [], paths: [], unroutable: true, reasons: [selected.error.message], errors: [selected.error] };
  // Every key, CC and BCC included, at every exchange on the way (sender-selected.ts).
  return routeFrom(vt, x, {
    keys: unique([message.routingKey, ...selected.cc, ...selected.bcc]),
    headers: routingHeaders(message.headers),
    comparison: headersComparisonFor(options.brokerVersion),
  });
}

interface Work {
  readonly x: ExchangeResource;
  readonly hops: readonly RouteHop[];
}

/** `rabbit_exchange:route1/4`: a work list of exchanges with a seen set, starting at `start`. */
function routeFrom(vt: VhostTopology, start: ExchangeResource, input: MatchInput): RouteOutcome {
  const queues = new Set<string>();
  const paths: RoutePath[] = [];
  const oneOf: RouteOneOf[] = [];
  const deadEnds: string[] = [];
  const warnings: Diagnostic[] = [];
  const seen = new Set<string>([start.name]);
  const work: Work[] = [{ x: start, hops: [] }];
  // Breadth-first, so each exchange is entered by one of its shortest paths.
  for (let i = 0; i < work.length; i++) {
    const { x, hops } = work[i] as Work;
    const m = matchExchange(vt, x, input);
    warnings.push(...m.warnings);
    if (m.oneOf) {
      const queueNames = m.oneOf.destinations.filter((d) => d.kind === 'queue').map((d) => d.name).sort();
      const exchangeNames = m.oneOf.destinations.filter((d) => d.kind === 'exchange').map((d) => d.name).sort();
      const entry: RouteOneOf = { exchange: x.name, type: x.type, candidates: queueNames, hops };
      const withX = exchangeNames.length > 0 ? { ...entry, candidateExchanges: exchangeNames } : entry;
      const weights = m.oneOf.weights;
      oneOf.push(weights ? { ...withX, weights: Object.fromEntries([...weights].map(([id, w]) => [id.slice(id.indexOf(':') + 1), w])) } : withX);
      continue;
    }
    if (m.matched.length === 0) {
      if (m.deadEnd) deadEnds.push(m.deadEnd);
      const aeSetting = effectiveAlternateExchange(vt.policies, x);
      if (aeSetting === undefined) continue;
      const ae = aeSetting.value;
      const aeHop: RouteHop = {
        exchange: x.name,
        type: x.type,
        via: 'alternate-exchange',
        ...(aeSetting.policy === undefined ? {} : { policy: aeSetting.policy }),
        to: { kind: 'exchange', name: ae },
      };
      if (seen.has(ae)) {
        deadEnds.push(`alternate exchange \`${ae}\` of \`${x.name}\` was already visited, so the message is dropped there (alternate exchanges are cycle-safe)`);
        continue;
      }
      seen.add(ae);
      const aeX = lookupExchange(vt, ae);
      if (!aeX) {
        deadEnds.push(`alternate exchange \`${ae}\` of \`${x.name}\` is not declared, so the message is dropped`);
        warnings.push(diagnostic('ROUTE_ALTERNATE_EXCHANGE_MISSING', `alternate exchange \`${ae}\` of exchange \`${x.name}\` is not declared`, x.source, 'warning'));
        continue;
      }
      work.push({ x: aeX, hops: [...hops, aeHop] });
      continue;
    }
    let routedToExchangeOnly = true;
    for (const b of m.matched) {
      const hop: RouteHop = {
        exchange: x.name,
        type: x.type,
        via: x.name === '' ? 'default-exchange' : 'binding',
        binding: b.binding,
        ...(b.key === undefined ? {} : { key: b.key }),
        to: b.to,
      };
      if (b.to.kind === 'queue') {
        routedToExchangeOnly = false;
        if (!vt.queues.has(b.to.name)) {
          deadEnds.push(`exchange \`${x.name}\` has a binding to queue \`${b.to.name}\`, which is not declared (skipped)`);
          warnings.push(diagnostic('ROUTE_DESTINATION_MISSING', `binding from \`${x.name}\` to queue \`${b.to.name}\`: the queue is not declared (skipped)`, undefined, 'warning'));
          continue;
        }
        queues.add(b.to.name);
        paths.push({ queue: b.to.name, hops: [...hops, hop] });
        continue;
      }
      // Exchange destination: it counts as a result for this exchange even if it routes nowhere.
      if (seen.has(b.to.name)) {
        deadEnds.push(`exchange \`${x.name}\` routes to exchange \`${b.to.name}\`, which was already visited (each exchange routes a message once)`);
        continue;
      }
      seen.add(b.to.name);
      const dest = vt.exchanges.get(b.to.name);
      if (!dest) {
        deadEnds.push(`exchange \`${x.name}\` has a binding to exchange \`${b.to.name}\`, which is not declared (skipped)`);
        warnings.push(diagnostic('ROUTE_DESTINATION_MISSING', `binding from \`${x.name}\` to exchange \`${b.to.name}\`: the exchange is not declared (skipped)`, undefined, 'warning'));
        continue;
      }
      work.push({ x: dest, hops: [...hops, hop] });
    }
    const ae = routedToExchangeOnly ? effectiveAlternateExchange(vt.policies, x)?.value : undefined;
    if (ae !== undefined) {
      deadEnds.push(
        `exchange \`${x.name}\` matched exchange-to-exchange bindings, so its alternate exchange \`${ae}\` is not consulted (an alternate exchange is used only when the exchange itself matches nothing)`,
      );
    }
  }
  return outcome(queues, paths, oneOf, deadEnds, warnings);
}

/** The dead-letter exchange of a reached queue (argument or policy): republish with the dead-letter key or the original keys. */
function followDeadLetter(vt: VhostTopology, queue: string, message: RouteMessage, options: RouteOptions): DeadLetterRoute | undefined {
  const q = vt.queues.get(queue);
  const dl = q ? effectiveDeadLetter(vt.policies, q) : undefined;
  if (!dl) return undefined;
  const dlx = dl.exchange.value;
  const dlk = dl.routingKey?.value;
  // With a dead-letter key only that key; without, all original keys, BCC included (measured on 3.10.8 and 4.3.6).
  const selected = senderSelectedKeys(message);
  const extra = dlk !== undefined || 'error' in selected ? { cc: [], bcc: [] } : selected;
  const routingKey = dlk ?? message.routingKey;
  const keys = unique([routingKey, ...extra.cc, ...extra.bcc]);
  const cc = unique(extra.cc);
  const bcc = unique(extra.bcc);
  // Both come from the one policy in effect, when not from arguments.
  const policy = dl.exchange.policy ?? dl.routingKey?.policy;
  const base = { queue, exchange: dlx, routingKey, ...(cc.length > 0 ? { cc } : {}), ...(bcc.length > 0 ? { bcc } : {}), ...(policy === undefined ? {} : { policy }) };
  const x = lookupExchange(vt, dlx);
  if (!x) {
    const why = `dead-letter exchange \`${dlx}\` of queue \`${queue}\` is not declared, so dead-lettered messages are dropped`;
    return { ...base, cycle: false, result: { queues: [], paths: [], unroutable: true, reasons: [why] } };
  }
  // Dead-lettering publishes inside the broker: internal exchanges are allowed.
  const result = routeFrom(vt, x, {
    keys,
    headers: deathHeaders(message, queue),
    comparison: headersComparisonFor(options.brokerVersion),
  });
  return { ...base, cycle: result.queues.includes(queue), result };
}

/**
 * The headers a dead-lettered message carries that a headers exchange can see
 * (with `*-with-x` bindings). `x-first-death-reason` and `x-death` depend on
 * why the message died (rejected, expired, maxlen), so they are not modelled.
 */
function deathHeaders(message: RouteMessage, queue: string): Record<string, ArgValue> {
  const h: Record<string, ArgValue> = { ...(routingHeaders(message.headers) ?? {}) };
  if (!('x-first-death-queue' in h)) h['x-first-death-queue'] = queue;
  if (!('x-first-death-exchange' in h)) h['x-first-death-exchange'] = message.exchange;
  return h;
}

function outcome(queues: Set<string>, paths: RoutePath[], oneOf: RouteOneOf[], deadEnds: string[], warnings: Diagnostic[]): RouteOutcome {
  const unroutable = queues.size === 0 && oneOf.length === 0;
  const sortedPaths = paths
    .map((p) => ({ p, k: pathSortKey(p) }))
    .sort((a, b) => compare(a.k, b.k))
    .map(({ p }) => p);
  const result: RouteOutcome = {
    queues: [...queues].sort(compare),
    paths: sortedPaths,
    unroutable,
    reasons: unroutable ? unique(deadEnds) : [],
  };
  const withOneOf = oneOf.length > 0 ? { ...result, oneOf } : result;
  return warnings.length > 0 ? { ...withOneOf, warnings: dedupeDiagnostics(warnings) } : withOneOf;
}

function failed(code: string, message: string): RouteOutcome {
  return { queues: [], paths: [], unroutable: true, reasons: [message], errors: [diagnostic(code, message)] };
}

function pathSortKey(p: RoutePath): string {
  return [p.queue, ...p.hops.map((h) => `${h.exchange}\u0001${h.binding?.routingKey ?? ''}`)].join('\u0000');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function dedupeDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code}\u0000${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
