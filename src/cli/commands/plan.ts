import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderPlanJson } from '../../render/plan-json.js';
import { renderPlanText } from '../../render/plan-text.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import type { PlanDocument } from '../../model/plan.js';
import { describeChange, type Change } from '../../model/change.js';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { secretsNotInPlanFile } from '../../plan/saved-secrets.js';
import { renderTargetPlansJson } from '../../render/plan-json.js';
import { EXIT, printDiagnostics, styleOf, type Io } from '../context.js';
import { endpointOptions, formatOption, specOptions, type CommonOptions, type SpecOptions } from '../options.js';
import { resolveTargets } from '../targets.js';
import { computePlanKeepingWarnings, loadWithWarnings, unionOf } from '../pipeline.js';

interface PlanOptions extends CommonOptions, SpecOptions {
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
  specOptions(endpointOptions(formatOption(cmd, ['text', 'json', 'markdown'])))
    .addHelpText(
      'after',
      '\nExamples:\n  warren plan topology.yaml --detailed-exitcode\n  warren plan -f base.yaml -f prod.yaml --var REGION=eu --target prod --format markdown > plan.md\n' +
        '\nExit status: 0 success (or no changes with --detailed-exitcode), 1 error, 2 changes (with --detailed-exitcode).',
    )
    .action(async (files: string[], opts: PlanOptions) => {
      // The spec's warnings are shown after the plan: those the broker check reports again, knowing the broker, once.
      const { desired, warnings } = await loadWithWarnings(files, io, opts);
      const targets = await resolveTargets(opts, io);
      const plans: { target: string | null; plan: PlanDocument }[] = [];
      let specWarnings: readonly Diagnostic[] = warnings;
      for (const target of targets) {
        const { plan, observed, specWarnings: left } = await computePlanKeepingWarnings(desired, target.endpoints, opts.prune === true, specWarnings, io);
        // With several targets, a warning is left out only where every target's check replaced it.
        specWarnings = specWarnings.filter((d) => left.includes(d));
        plans.push({ target: target.name, plan });
        const heading = targets.length > 1 ? `Target ${target.name}:\n` : '';
        if (opts.format === 'markdown') io.out(`${heading && `## ${heading}\n`}${renderPlanMarkdown(plan, { graph: unionOf(observed.resources, desired.resources) })}`);
        else if (opts.format !== 'json') io.out(`${styleOf(opts, io).bold(heading)}${renderPlanText(plan, styleOf(opts, io))}${targets.length > 1 ? '\n' : ''}`);
      }
      printDiagnostics(io, specWarnings);
      const json = plans.length === 1 && plans[0] ? renderPlanJson(plans[0].plan) : renderTargetPlansJson(plans);
      if (opts.out) {
        await writeFile(opts.out, json);
        printDiagnostics(io, plans.flatMap((p) => unsavedSecrets(p.plan.changes, opts.out as string)));
      }
      if (opts.format === 'json') io.out(json);
      const changed = plans.some((p) => p.plan.changes.length > 0);
      setExit(opts.detailedExitcode && changed ? EXIT.changes : EXIT.ok);
    });
}

/** Warnings for the changes a saved plan cannot apply: their secrets stay in the spec. */
function unsavedSecrets(changes: readonly Change[], file: string): Diagnostic[] {
  return changes.flatMap((c) => {
    const what = secretsNotInPlanFile(c);
    if (what.length === 0) return [];
    return [
      diagnostic(
        'SECRET_NOT_IN_PLAN',
        `${describeChange(c)} sets a secret (${what.join(', ')}) that ${file} holds only as a placeholder (plan files never hold secrets): \`warren apply ${file}\` will refuse it; apply from the spec, or give the secret as { env: NAME }`,
        undefined,
        'warning',
      ),
    ];
  });
}
