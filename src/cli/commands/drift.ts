import type { Command } from 'commander';
import { driftFromPlan, renderDriftJson, renderDriftJunit, renderDriftMarkdown, renderDriftText } from '../../render/drift.js';
import { WarrenError, diagnostic, formatDiagnostic } from '../../model/diagnostics.js';
import { renderJunit } from '../../render/junit.js';
import { DRIFT_FORMAT_VERSION, type DriftReport } from '../../render/drift.js';
import { EXIT, styleOf, type Io } from '../context.js';
import { endpointOptions, formatOption, specOptions, type CommonOptions, type SpecOptions } from '../options.js';
import { resolveTargets } from '../targets.js';
import { computePlan, loadOrFail, unionOf } from '../pipeline.js';
import { prunedVhosts } from '../../diff/ownership.js';

interface DriftCliOptions extends CommonOptions, SpecOptions {
  readonly prune?: boolean;
  readonly strict?: boolean;
}

export function registerDrift(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('drift')
    .description('compare the live broker with the spec: missing, changed and unmanaged resources (for CI schedules)')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', []);
  specOptions(endpointOptions(formatOption(cmd, ['text', 'json', 'markdown', 'junit'])))
    .option('--prune', 'judge as `apply --prune` would: every unmanaged resource in the declared vhosts, and unmanaged users and other global kinds the spec has sections for, is drift')
    .option('--strict', 'every unmanaged resource is drift, in the prune scope or not')
    .addHelpText(
      'after',
      '\nUnmanaged resources (on the broker, not declared) are always listed; they are drift only in the prune scope\n' +
        '(--prune, or prune: true on their vhost; users and other global kinds only with --prune), or with --strict.\n' +
        '\nExit status: 0 in sync, 2 drift, 1 error.',
    )
    .action(async (files: string[], opts: DriftCliOptions) => {
      const desired = await loadOrFail(files, io, opts);
      const targets = await resolveTargets(opts, io);
      if (targets.length > 1 && opts.format === 'junit') {
        throw new WarrenError(diagnostic('JUNIT_ONE_TARGET', 'JUnit output covers one target at a time; run drift once per --target'));
      }
      const reports: { target: string | null; report: DriftReport }[] = [];
      for (const target of targets) {
        const { plan, observed } = await computePlan(desired, target.endpoints, opts.prune === true).catch((err: unknown) => {
          // A CI test-report step expects a file: the error as a failing case, then the usual error and exit 1.
          if (opts.format === 'junit' && err instanceof WarrenError) io.out(renderDriftErrorJunit(err));
          throw err;
        });
        const report = driftFromPlan(plan, { strict: opts.strict === true, pruneVhosts: prunedVhosts(desired, opts.prune === true) });
        reports.push({ target: target.name, report });
        const heading = targets.length > 1 ? `Target ${target.name}:` : '';
        switch (opts.format) {
          case 'json':
            break;
          case 'markdown':
            io.out(`${heading && `## ${heading}\n\n`}${renderDriftMarkdown(report, { graph: unionOf(observed.resources, desired.resources) })}`);
            break;
          case 'junit':
            io.out(renderDriftJunit(report, desired.resources));
            break;
          default:
            io.out(`${heading && `${heading}\n`}${renderDriftText(report, styleOf(opts, io))}`);
        }
      }
      if (opts.format === 'json') {
        io.out(reports.length === 1 && reports[0] ? renderDriftJson(reports[0].report) : `${JSON.stringify({ format_version: DRIFT_FORMAT_VERSION, targets: reports }, null, 2)}\n`);
      }
      setExit(reports.every((r) => r.report.in_sync) ? EXIT.ok : EXIT.changes);
    });
}

/** JUnit for a drift run that could not read the broker (or the spec against it): one failing case. */
function renderDriftErrorJunit(err: WarrenError): string {
  const lines = err.diagnostics.map((d) => formatDiagnostic(d));
  return renderJunit([
    {
      name: 'warren drift',
      cases: [{ classname: 'warren.drift', name: 'read the broker', failure: { type: 'error', message: err.diagnostics[0]?.message ?? 'warren drift failed', text: lines.join('\n') } }],
    },
  ]);
}
