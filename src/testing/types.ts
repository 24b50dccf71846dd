import type { Diagnostic } from '../model/diagnostics.js';
import type { TopologyTestCase } from '../model/spec-extras.js';

export const TEST_REPORT_FORMAT_VERSION = 1;

/** What the simulator says about a case's message. */
export interface SimulatedOutcome {
  /** Queues that get a copy, sorted. */
  readonly queues: readonly string[];
  readonly unroutable: boolean;
  /** Why the message reaches no queue, when unroutable. */
  readonly reasons: readonly string[];
  /** Exchanges that deliver to one of several queues (hash, random), with the candidate queues. */
  readonly oneOf?: readonly { readonly exchange: string; readonly candidates: readonly string[] }[];
  /** The publish itself fails (internal or unknown exchange, key too long). */
  readonly error?: string;
}

/** What the broker did with a case's message, published with the mandatory flag. */
export interface LiveOutcome {
  /** Queues that got a copy, sorted. */
  readonly queues: readonly string[];
  /** A mandatory publish came back with basic.return. */
  readonly returned: boolean;
  /** Queues that got more than one copy, with the count (the broker never should). */
  readonly duplicates?: Readonly<Record<string, number>>;
  /** The broker refused the publish (the channel was closed), e.g. `403 ACCESS_REFUSED - ...`. */
  readonly error?: string;
}

export type CaseStatus = 'passed' | 'failed';

export interface CaseResult {
  readonly case: TopologyTestCase;
  readonly status: CaseStatus;
  readonly simulated: SimulatedOutcome;
  /** With `--live` only. */
  readonly live?: LiveOutcome;
  /** One sentence per thing that is wrong; empty when passed. */
  readonly failures: readonly string[];
  /** Milliseconds spent on this case (live: publish and read back). */
  readonly durationMs: number;
}

/** The outcome of `warren test`: the JSON contract that the text and JUnit renderers read. */
export interface TestReport {
  readonly format_version: typeof TEST_REPORT_FORMAT_VERSION;
  readonly mode: 'offline' | 'live';
  /** The broker version the simulator followed (live, or `--broker-version`); null for the newest behaviour. */
  readonly broker_version: string | null;
  readonly summary: { readonly total: number; readonly passed: number; readonly failed: number };
  readonly cases: readonly CaseResult[];
  /** Problems beside the cases (e.g. the simulator skipped a binding it cannot model). */
  readonly warnings: readonly Diagnostic[];
}
