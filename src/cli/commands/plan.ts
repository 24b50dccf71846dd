import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderPlanJson } from '../../render/plan-json.js';
import { renderPlanText } from '../../render/plan-text.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { EXIT, resolveEndpoints, styleOf, type Io } from '../context.js';
import { endpointOptions, formatOption, type CommonOptions } from '../options.js';
import { computePlan, loadOrFail, unionOf } from '../pipeline.js';

interface PlanOptions extends CommonOptions {
  readonly detailedExitcode?: boolean;
  readonly prune?: boolean;
  readonly out?: string;
}

export function registerPlan(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('plan')
    .description('read the live broker, diff it against the spec and print what apply would change')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', [])
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--prune', 'plan deletes for resources in the declared vhosts that the spec does not declare')
    .option('-o, --out <file>', 'also write the JSON plan to this file');
  endpointOptions(formatOption(cmd, ['text', 'json', 'markdown']))
    .addHelpText('after', '\nExit status: 0 success (or no changes with --detailed-exitcode), 1 error, 2 changes (with --detailed-exitcode).')
    .action(async (files: string[], opts: PlanOptions) => {
      const desired = await loadOrFail(files, io);
      const { plan, observed } = await computePlan(desired, resolveEndpoints(opts, io.env), opts.prune === true);
      if (opts.out) await writeFile(opts.out, renderPlanJson(plan));
      if (opts.format === 'json') io.out(renderPlanJson(plan));
      else if (opts.format === 'markdown') io.out(renderPlanMarkdown(plan, { graph: unionOf(observed.resources, desired.resources) }));
      else io.out(renderPlanText(plan, styleOf(opts, io)));
      setExit(opts.detailedExitcode && plan.changes.length > 0 ? EXIT.changes : EXIT.ok);
    });
}
