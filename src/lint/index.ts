/** lint/: rules over the desired topology, each with a stable code, a level and a fix hint. */
export { lintSpec, parseLintConfig, ruleInfo, LINT_REPORT_FORMAT_VERSION } from './lint.js';
export type { LintConfig, LintOptions, LintReport } from './lint.js';
export { LINT_RULES } from './rules.js';
export { renderLintText, renderLintJson, renderLintSarif } from './render.js';
export type { LintTextStyle, SarifOptions } from './render.js';
export type { LintFinding, LintRuleInfo, LintSeverity } from './types.js';
