import type { Command } from 'commander';
import { applyPlan, type ApplyEvent } from '../../apply/execute.js';
import { formatDiagnostic } from '../../model/diagnostics.js';
import { ALLOW_DATA_LOSS, unallowedHazards } from '../../plan/hazards.js';
import { renderApplyJson, renderApplyText } from '../../render/apply-result.js';
import { describeChange } from '../../model/change.js';
import { renderPlanText } from '../../render/plan-text.js';
import { redactSecrets } from '../../util/redact.js';
import { EXIT, resolveEndpoints, styleOf, type Io } from '../context.js';
import { endpointOptions, formatOption, type CommonOptions } from '../options.js';
import { computePlan, loadOrFail } from '../pipeline.js';

interface ApplyOptions extends CommonOptions {
  readonly autoApprove?: boolean;
  readonly prune?: boolean;
  readonly allowDataLoss?: boolean;
  readonly concurrency?: string;
}

export function registerApply(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('apply')
    .description('compute the plan and execute it on the broker (asks for "yes" on a terminal)')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', [])
    .option('--auto-approve', 'apply without asking (required when not on a terminal)')
    .option('--prune', 'delete resources in the declared vhosts that the spec does not declare (queues only when empty)')
    .option('--allow-data-loss', 'allow deleting or replacing queues that hold messages or have consumers')
    .option('--concurrency <n>', 'AMQP channels per vhost', '8');
  endpointOptions(formatOption(cmd, ['text', 'json']))
    .addHelpText('after', '\nExit status: 0 applied (or nothing to do), 1 error, refused or failed step.')
    .action(async (files: string[], opts: ApplyOptions) => {
      const json = opts.format === 'json';
      const style = styleOf(opts, io);
      const endpoints = resolveEndpoints(opts, io.env);
      const secrets = [endpoints.management, endpoints.amqp];
      const desired = await loadOrFail(files, io);
      const { plan } = await computePlan(desired, endpoints, opts.prune === true);
      if (!json) io.out(renderPlanText(plan, style));
      if (plan.changes.length === 0) {
        if (json) io.out(renderApplyJson(plan, { applied: [], failed: null, pending: [] }));
        setExit(EXIT.ok);
        return;
      }

      const allowed = new Set<string>(opts.allowDataLoss ? [ALLOW_DATA_LOSS] : []);
      const blocking = unallowedHazards(plan.hazards, allowed);
      if (blocking.length > 0) {
        const flags = [...new Set(blocking.map((h) => h.allowed_by))];
        io.err(
          `apply refused: the plan has ${blocking.length} hazard${blocking.length === 1 ? '' : 's'}:\n` +
            blocking.map((h) => `  ${h.code}: ${h.message}\n`).join('') +
            `Nothing was changed. Re-run with ${flags.join(' ')} to allow ${flags.length === 1 ? 'it' : 'them'}, or change the spec.\n`,
        );
        setExit(EXIT.error);
        return;
      }

      if (!opts.autoApprove) {
        if (!io.stdinIsTTY) {
          io.err('apply needs confirmation: no terminal to ask on. Re-run with --auto-approve to apply this plan without asking.\n');
          setExit(EXIT.error);
          return;
        }
        const answer = await io.ask('Apply these changes? Only "yes" is accepted: ');
        if (answer.trim() !== 'yes') {
          io.err('apply cancelled; nothing was changed.\n');
          setExit(EXIT.error);
          return;
        }
      }

      const onEvent = json ? undefined : progressReporter(io, plan.changes.length, secrets, style);
      const result = await applyPlan(plan, endpoints, {
        allowDataLoss: opts.allowDataLoss === true,
        concurrency: Math.max(1, Number.parseInt(opts.concurrency ?? '8', 10) || 8),
        ...(onEvent ? { onEvent } : {}),
      });
      io.out(redactSecrets(json ? renderApplyJson(plan, result) : renderApplyText(plan, result, style), secrets));
      if (result.failed || result.pending.length > 0) {
        setExit(EXIT.error);
        return;
      }

      // Prove the broker took every change: a re-plan must be empty.
      const { plan: after } = await computePlan(desired, endpoints, opts.prune === true);
      if (after.changes.length > 0) {
        io.err(
          `verification failed: after apply the broker still differs from the spec in ${after.changes.length} place(s):\n` +
            after.changes.map((c) => `  ${describeChange(c)}\n`).join(''),
        );
        setExit(EXIT.error);
        return;
      }
      if (!json) io.out(style.green('Verified: a fresh plan against the broker is empty.\n'));
      setExit(EXIT.ok);
    });
}

/** Small applies list every step; large ones report every tenth of the way (failures always). */
function progressReporter(io: Io, total: number, secrets: string[], style: ReturnType<typeof styleOf>): (e: ApplyEvent) => void {
  const everyStep = total <= STEP_LINES_UP_TO;
  const stride = Math.max(1, Math.ceil(total / 10));
  let done = 0;
  return (e) => {
    if (e.type === 'done') {
      done += 1;
      if (everyStep) io.out(`${style.green('✓')} ${describeChange(e.change)}\n`);
      else if (done % stride === 0 || done === total) io.out(`${style.green('✓')} ${done}/${total} changes applied\n`);
      return;
    }
    progress(io, e, secrets, style);
  };
}

const STEP_LINES_UP_TO = 100;

function progress(io: Io, e: ApplyEvent, secrets: string[], style: ReturnType<typeof styleOf>): void {
  switch (e.type) {
    case 'done':
      io.out(`${style.green('✓')} ${describeChange(e.change)}\n`);
      break;
    case 'failed':
      io.out(`${style.red('✗')} ${describeChange(e.change)}${e.error ? `: ${redactSecrets(formatDiagnostic(e.error), secrets)}` : ''}\n`);
      break;
    case 'note':
      io.out(`${style.dim(redactSecrets(e.message, secrets))}\n`);
      break;
    case 'start':
      break;
  }
}
