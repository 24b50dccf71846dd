import type { Command } from 'commander';
import { driftFromPlan, renderDriftJson, renderDriftJunit, renderDriftMarkdown, renderDriftText } from '../../render/drift.js';
import { EXIT, resolveEndpoints, styleOf, type Io } from '../context.js';
import { endpointOptions, formatOption, type CommonOptions } from '../options.js';
import { computePlan, loadOrFail, unionOf } from '../pipeline.js';

export function registerDrift(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('drift')
    .description('compare the live broker with the spec: missing, changed and unmanaged resources (for CI schedules)')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', []);
  endpointOptions(formatOption(cmd, ['text', 'json', 'markdown', 'junit']))
    .addHelpText('after', '\nExit status: 0 in sync, 2 drift, 1 error.')
    .action(async (files: string[], opts: CommonOptions) => {
      const desired = await loadOrFail(files, io);
      const { plan, observed } = await computePlan(desired, resolveEndpoints(opts, io.env), false);
      const report = driftFromPlan(plan);
      switch (opts.format) {
        case 'json':
          io.out(renderDriftJson(report));
          break;
        case 'markdown':
          io.out(renderDriftMarkdown(report, { graph: unionOf(observed.resources, desired.resources) }));
          break;
        case 'junit':
          io.out(renderDriftJunit(report, desired.resources));
          break;
        default:
          io.out(renderDriftText(report, styleOf(opts, io)));
      }
      setExit(report.in_sync ? EXIT.ok : EXIT.changes);
    });
}
