/**
 * Warren as a library: everything the CLI does, a program can do.
 *
 *   const { desired } = await loadSpec(['topology.yaml']);
 *   const client = new ManagementClient(url);
 *   const observed = await readLive(client, desired.vhosts);
 *   const broker = { ...observed.broker, ...(await readBrokerFeatures(client)) };
 *   const refused = checkAgainstBroker(desired, broker); // stop on errors
 *   const plan = buildPlan(diff(desired, observed, { prune: false }), { ... });
 *   const result = await applyPlan(plan, { management, amqp }, { allowDataLoss: false });
 */
export * from './model/types.js';
export * from './model/keys.js';
export * from './model/diagnostics.js';
export * from './model/change.js';
export * from './model/plan.js';
export { loadSpec, loadSpecTexts, parseSpecText, checkAgainstBroker, topologySchema } from './spec/index.js';
export type { LoadResult, LoadOptions, SpecText } from './spec/index.js';
export { ManagementClient } from './live/http.js';
export { readTlsFiles, type TlsOptions, type TlsFiles, type TlsFileRef } from './live/tls.js';
export { readLive, type LiveSource } from './live/read.js';
export { readBrokerFeatures, type BrokerFeatures } from './live/broker-features.js';
export { diff } from './diff/diff.js';
export { buildPlan, type PlanContext } from './plan/plan.js';
export { findHazards, unallowedHazards, ALLOW_DATA_LOSS } from './plan/hazards.js';
export { applyPlan, type ApplyEndpoints, type ApplyEvent, type ApplyResult } from './apply/execute.js';
export { renderPlanText } from './render/plan-text.js';
export { renderPlanJson } from './render/plan-json.js';
export { renderApplyText, renderApplyJson } from './render/apply-result.js';
export { routeMessage, topologyFrom, renderRouteText, renderRouteJson } from './route/index.js';
export type { RouteMessage, RouteOptions, RouteResult } from './route/index.js';
export { runTopologyTests, proveOnBroker, renderTestText, renderTestJson, renderTestJunit } from './testing/index.js';
export type { TestReport, CaseResult, ProbeMessage, ProbeResult } from './testing/index.js';
export { lintSpec, parseLintConfig, LINT_RULES, renderLintText, renderLintJson, renderLintSarif } from './lint/index.js';
export type { LintReport, LintFinding, LintConfig } from './lint/index.js';
export type { TopologyTestCase, LintSettings, LintLevel } from './model/spec-extras.js';
export { redactUrl, redactSecrets } from './util/redact.js';
export { VERSION } from './version.js';
