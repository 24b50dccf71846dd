/**
 * Run the topology tests of a spec with the routing simulator, and compare
 * expectations, simulation and (with `--live`) what the broker did. Pure.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import type { TopologyTestCase } from '../model/spec-extras.js';
import type { Desired } from '../model/types.js';
import { routeMessage, topologyFrom } from '../route/index.js';
import type { RouteResult } from '../route/index.js';
import { TEST_REPORT_FORMAT_VERSION, type CaseResult, type LiveOutcome, type SimulatedOutcome, type TestReport } from './types.js';

export interface RunTestsOptions {
  /** Route as this broker version does; newest behaviour when absent. */
  readonly brokerVersion?: string;
  /** What the broker did with each case, by index into `desired.tests` (live mode). */
  readonly live?: readonly LiveOutcome[];
  /** Per case milliseconds, by index (live mode). */
  readonly durationsMs?: readonly number[];
}

/** Simulate every case of `desired.tests` and build the report. */
export function runTopologyTests(desired: Desired, options: RunTestsOptions = {}): TestReport {
  const topology = topologyFrom(desired.resources);
  const warnings = new Map<string, Diagnostic>();
  const cases = (desired.tests ?? []).map((c, i): CaseResult => {
    const started = performance.now();
    const result = routeMessage(topology, messageOf(c), options.brokerVersion === undefined ? {} : { brokerVersion: options.brokerVersion });
    for (const w of result.warnings ?? []) warnings.set(`${w.code}\u0000${w.message}`, w);
    const simulated = simulatedOutcome(result);
    const live = options.live?.[i];
    const failures = expectationFailures(c, simulated);
    if (live) failures.push(...agreementFailures(simulated, live));
    const durationMs = options.durationsMs?.[i] ?? performance.now() - started;
    return { case: c, status: failures.length === 0 ? 'passed' : 'failed', simulated, ...(live ? { live } : {}), failures, durationMs };
  });
  const failed = cases.filter((c) => c.status === 'failed').length;
  return {
    format_version: TEST_REPORT_FORMAT_VERSION,
    mode: options.live ? 'live' : 'offline',
    broker_version: options.brokerVersion ?? null,
    summary: { total: cases.length, passed: cases.length - failed, failed },
    cases,
    warnings: [...warnings.values()],
  };
}

/** The message a case publishes, in the simulator's terms. */
export function messageOf(c: TopologyTestCase): Parameters<typeof routeMessage>[1] {
  return { vhost: c.vhost, exchange: c.exchange, routingKey: c.routing_key, ...(c.headers ? { headers: c.headers } : {}) };
}

export function simulatedOutcome(r: RouteResult): SimulatedOutcome {
  const oneOf = (r.oneOf ?? []).map((o) => ({ exchange: o.exchange, candidates: o.candidates }));
  const error = r.errors?.[0]?.message;
  return {
    queues: r.queues,
    unroutable: r.unroutable,
    reasons: r.reasons,
    ...(oneOf.length > 0 ? { oneOf } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/** How the simulated outcome differs from what the case expects. */
export function expectationFailures(c: TopologyTestCase, s: SimulatedOutcome): string[] {
  if (s.error !== undefined) return [`the publish fails: ${s.error}`];
  const out: string[] = [];
  const diff = queueDiff(c.expect, s.queues);
  if (diff !== undefined) {
    const why = s.queues.length === 0 && s.reasons.length > 0 ? ` (${s.reasons.join('; ')})` : '';
    out.push(`expected ${list(c.expect)}, the simulator routes to ${list(s.queues)}: ${diff}${why}`);
  }
  if (c.expect_unroutable && !s.unroutable) {
    out.push(`expected the message to be unroutable, but it is routed${s.oneOf ? ` (to one of the queues behind ${oneOfText(s.oneOf)})` : ''}`);
  }
  if (s.oneOf && out.length === 0 && !c.expect_unroutable) {
    out.push(`the message also reaches one queue out of several (${oneOfText(s.oneOf)}); which one depends on a hash or on chance, so a test cannot expect it`);
  }
  return out;
}

/** How the broker's behaviour differs from the simulator's: any difference is a simulator bug. */
export function agreementFailures(s: SimulatedOutcome, live: LiveOutcome): string[] {
  const out: string[] = [];
  if (live.error !== undefined || s.error !== undefined) {
    if (live.error === undefined) out.push(`the simulator says the publish fails (${s.error ?? ''}) but the broker accepted it`);
    else if (s.error === undefined) out.push(`the broker refused the publish (${live.error}) but the simulator routes it`);
    return out;
  }
  if (s.oneOf) {
    // The broker picked one candidate per hash or random exchange: every other queue must agree exactly.
    const candidates = new Set(s.oneOf.flatMap((o) => o.candidates));
    const missing = s.queues.filter((q) => !live.queues.includes(q));
    const extra = live.queues.filter((q) => !s.queues.includes(q) && !candidates.has(q));
    if (missing.length > 0 || extra.length > 0) {
      out.push(`the broker disagrees with the simulator: the broker delivered to ${list(live.queues)}, the simulator routes to ${list(s.queues)} plus one of ${oneOfText(s.oneOf)}`);
    }
    return out;
  }
  const diff = queueDiff(s.queues, live.queues);
  if (diff !== undefined) out.push(`the broker disagrees with the simulator: the broker delivered to ${list(live.queues)}, the simulator routes to ${list(s.queues)}: ${diff}`);
  if (live.returned !== s.unroutable) {
    out.push(
      live.returned
        ? 'the broker returned the mandatory message as unroutable, but the simulator routes it'
        : 'the simulator says the message is unroutable, but the broker did not return the mandatory message',
    );
  }
  for (const [queue, n] of Object.entries(live.duplicates ?? {})) out.push(`the broker delivered ${n} copies to queue ${queue}`);
  return out;
}

/** `missing a; unexpected b`, or undefined when the sets are equal. */
function queueDiff(expected: readonly string[], actual: readonly string[]): string | undefined {
  const missing = expected.filter((q) => !actual.includes(q));
  const extra = actual.filter((q) => !expected.includes(q));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...(extra.length > 0 ? [`unexpected ${extra.join(', ')}`] : [])].join('; ');
}

function oneOfText(oneOf: NonNullable<SimulatedOutcome['oneOf']>): string {
  return oneOf.map((o) => `${o.exchange} → ${o.candidates.join(' | ')}`).join('; ');
}

function list(queues: readonly string[]): string {
  return queues.length === 0 ? 'no queue' : `[${queues.join(', ')}]`;
}
