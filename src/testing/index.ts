/** testing/: topology tests (`tests:`), offline with the routing simulator and live on a temporary vhost. */
export { runTopologyTests, messageOf, simulatedOutcome, expectationFailures, agreementFailures } from './run.js';
export type { RunTestsOptions } from './run.js';
export { proveOnBroker } from './probe.js';
export type { ProbeMessage, ProbeResult, ProbeOptions } from './probe.js';
export { renderTestText, renderTestJson, renderTestJunit } from './render.js';
export type { TestTextStyle } from './render.js';
export type { TestReport, CaseResult, SimulatedOutcome, LiveOutcome } from './types.js';
