import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { applyPlan, DEFAULT_CONCURRENCY, type ApplyEvent } from '../../apply/execute.js';
import { acquireLock, lockVhost, type Lock } from '../../apply/lock.js';
import { BLOCKED_TIMEOUT_MS, finishMigrationsFor } from '../../apply/migrate.js';
import { ManagementClient } from '../../live/http.js';
import { listVhosts, readLive } from '../../live/read.js';
import { readBrokerFeatures } from '../../live/broker-features.js';
import { checkSavedPlanAgainstBroker } from '../../spec/broker-check.js';
import { describeChange, describeResource, type Change } from '../../model/change.js';
import { WarrenError, diagnostic, formatDiagnostic, hasErrors, uniqueDiagnostics, type Diagnostic } from '../../model/diagnostics.js';
import { PLAN_FORMAT_VERSION, type PlanDocument } from '../../model/plan.js';
import type { Desired, Resource } from '../../model/types.js';
import { compareFingerprint } from '../../plan/fingerprint.js';
import { ALLOW_BROADENED_PERMISSIONS, ALLOW_DESTRUCTIVE, ALLOW_DATA_LOSS, ALLOW_MIGRATE, unallowedHazards } from '../../plan/hazards.js';
import { unappliedChanges } from '../../plan/verify.js';
import { secretsNotInPlanFile } from '../../plan/saved-secrets.js';
import { renderApplyJson, renderApplyText } from '../../render/apply-result.js';
import { renderPlanText } from '../../render/plan-text.js';
import { redactSecrets } from '../../util/redact.js';
import { EXIT, printDiagnostics, styleOf, type Endpoints, type Io } from '../context.js';
import { endpointOptions, formatOption, specOptions, type CommonOptions, type SpecOptions } from '../options.js';
import { computePlan, computePlanKeepingWarnings, loadWithWarnings } from '../pipeline.js';
import { createProgress } from '../progress.js';
import { resolveTargets } from '../targets.js';

interface ApplyOptions extends CommonOptions, SpecOptions {
  readonly autoApprove?: boolean;
  readonly prune?: boolean;
  readonly allowDataLoss?: boolean;
  readonly migrate?: boolean;
  readonly allowBroadenedPermissions?: boolean;
  readonly allowDestructive?: boolean;
  readonly concurrency?: string;
  readonly lockTimeout?: string;
  readonly alarmTimeout?: string;
}

export function registerApply(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('apply')
    .description('compute the plan and execute it on the broker (asks for "yes" on a terminal)')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', [])
    .option('--auto-approve', 'apply without asking (required when not on a terminal)')
    .option('--prune', 'delete resources in the declared vhosts that the spec does not declare (queues only when empty)')
    .option('--allow-data-loss', 'allow deleting or replacing queues that hold messages or have consumers')
    .option('--migrate', 'replace queues by moving their messages to the new queue while publishers keep publishing (no loss, no duplicates)')
    .option('--allow-destructive', 'allow changes that destroy state the spec does not manage: bindings dropped with a deleted or replaced exchange or queue, policies changed over queues holding messages')
    .option('--allow-broadened-permissions', 'allow changes that widen what an existing user may do (PERMISSION_BROADENED)')
    .option('--concurrency <n>', 'AMQP channels per vhost', String(DEFAULT_CONCURRENCY))
    .option('--lock-timeout <seconds>', 'how long to wait for another apply on the same broker to finish', '60')
    .option(
      '--alarm-timeout <seconds>',
      'with --migrate: how long to wait while a memory or disk alarm blocks publishing before stopping the migration (every message kept; a re-run resumes it)',
      String(BLOCKED_TIMEOUT_MS / 1000),
    );
  specOptions(endpointOptions(formatOption(cmd, ['text', 'json'])))
    .addHelpText('after', '\nExit status: 0 applied (or nothing to do), 1 error, refused or failed step.')
    .action(async (files: string[], opts: ApplyOptions) => {
      // Bad numbers fail before anything is read or locked.
      secondsOption('--lock-timeout', opts.lockTimeout ?? '60');
      concurrencyOption(opts);
      alarmTimeoutMs(opts);
      const saved = files.length === 1 && files[0] ? await readSavedPlan(files[0], io.cwd) : null;
      // The spec's warnings are shown with the plan's, those the broker check reports again once (spec/supersede).
      const loaded = saved ? null : await loadWithWarnings(files, io, opts);
      const desired = loaded?.desired ?? null;
      const targets = await resolveTargets(opts, io);
      if (saved && targets.length > 1) throw new WarrenError(diagnostic('ONE_TARGET_ONLY', 'a saved plan was made against one broker: give at most one --target'));
      for (const target of targets) {
        if (targets.length > 1) io.out(styleOf(opts, io).bold(`Target ${target.name}:\n`));
        const vhosts = saved ? saved.vhosts : (desired as Desired).vhosts;
        const run = saved
          ? (warnings: readonly Diagnostic[]): Promise<number> => applySaved(saved, target.endpoints, opts, io, warnings)
          : (warnings: readonly Diagnostic[]): Promise<number> => applyTo(desired as Desired, target.endpoints, opts, io, warnings, loaded?.warnings ?? []);
        const code = await withLock(vhosts, target.endpoints, opts, io, run);
        if (code !== EXIT.ok) {
          setExit(code);
          return;
        }
      }
      setExit(EXIT.ok);
    });
}

/**
 * Run `body` holding the broker's apply lock, so two applies never interleave.
 * `body` gets the warnings met while taking the lock (endpoints that did not answer).
 */
async function withLock(
  vhosts: readonly string[],
  endpoints: Endpoints,
  opts: ApplyOptions,
  io: Io,
  body: (warnings: readonly Diagnostic[]) => Promise<number>,
): Promise<number> {
  const client = new ManagementClient(endpoints.management, { tls: endpoints.tls });
  let lock: Lock;
  try {
    const vhost = lockVhost(vhosts, await listVhosts(client));
    const timeoutMs = secondsOption('--lock-timeout', opts.lockTimeout ?? '60') * 1000;
    lock = await acquireLock(endpoints.amqp, client, vhost, {
      timeoutMs,
      tls: endpoints.tls,
      onWait: (holder) =>
        io.err(`waiting for the apply lock on vhost "${vhost}", held by ${holder ? `${holder.host} (pid ${holder.pid}, since ${holder.started})` : 'another apply'}…\n`),
    });
  } finally {
    await client.close();
  }
  try {
    return await body([...client.warnings(), ...lock.warnings]);
  } finally {
    await lock.release();
  }
}

/** Plan, guard, confirm, apply and verify against one broker; resolves with the exit code. */
async function applyTo(desired: Desired, endpoints: Endpoints, opts: ApplyOptions, io: Io, warnings: readonly Diagnostic[], specWarnings: readonly Diagnostic[]): Promise<number> {
  if (opts.migrate) {
    await finishMigrationsFor(desired, endpoints, { allowDataLoss: opts.allowDataLoss === true, blockedTimeoutMs: alarmTimeoutMs(opts), note: (m) => io.err(`${m}\n`) });
  }
  const { plan, specWarnings: left } = await computePlanKeepingWarnings(desired, endpoints, opts.prune === true, specWarnings, io);
  return execute(plan, endpoints, opts, io, {
    confirm: !opts.autoApprove,
    warnings: [...left, ...warnings],
    verify: async () => (await computePlan(desired, endpoints, opts.prune === true)).plan.changes,
  });
}

/**
 * Apply a saved plan (`warren plan -o plan.json`): only if the broker still
 * holds exactly the state the plan was computed from. The plan was reviewed,
 * so it needs no confirmation.
 */
async function applySaved(plan: PlanDocument, endpoints: Endpoints, opts: ApplyOptions, io: Io, lockWarnings: readonly Diagnostic[]): Promise<number> {
  // Secrets the file holds only as placeholders: refuse before changing anything.
  const unsaved = plan.changes.flatMap((c) => {
    const what = secretsNotInPlanFile(c);
    return what.length === 0 ? [] : [`${describeChange(c)} (${what.join(', ')})`];
  });
  if (unsaved.length > 0) {
    throw new WarrenError(
      diagnostic(
        'SECRET_NOT_IN_PLAN',
        `apply refused, nothing was changed: this saved plan sets secrets it holds only as placeholders (plan files never hold secrets): ${unsaved.join('; ')}; ` +
          'apply from the spec (warren apply <spec files>), or give these secrets as { env: NAME } and save the plan again',
      ),
    );
  }
  const client = new ManagementClient(endpoints.management, { tls: endpoints.tls });
  const warnings = [...lockWarnings];
  let toApply = plan;
  try {
    const [observed, features] = await Promise.all([readLive(client, plan.vhosts), readBrokerFeatures(client)]);
    // What this broker refuses now (a deprecated feature denied since the plan was made, another
    // version): stop before anything changes, as plan does for a spec.
    const broker = checkSavedPlanAgainstBroker(plan.changes, observed.resources, { ...observed.broker, ...features });
    warnings.push(...broker.filter((d) => d.severity !== 'error'));
    if (hasErrors(broker)) throw new WarrenError(broker.filter((d) => d.severity === 'error'));
    const moved = compareFingerprint(plan.changes, plan.fingerprint ?? {}, observed.resources);
    if (moved.length > 0) {
      io.err(
        `apply refused: the broker changed since this plan was made, in ${moved.length} of the resources it touches:\n` +
          moved.map((m) => `  ${describeResource(m.change)}: ${m.now ? describeNow(m.now) : 'no longer exists'}\n`).join('') +
          'Nothing was changed. Make a new plan (warren plan -o plan.json) and review it.\n',
      );
      return EXIT.error;
    }
    // The file holds a user's live password hash only as "(sensitive)"; an update that keeps it
    // must send it, so `before` comes from the state just read (its fingerprint is unchanged).
    toApply = { ...plan, changes: plan.changes.map((c) => (c.kind === 'user' && c.before ? { ...c, before: observed.resources.get(c.key) ?? c.before } : c)) };
  } finally {
    warnings.push(...client.warnings());
    await client.close();
  }
  return execute(toApply, endpoints, opts, io, {
    confirm: false,
    warnings,
    verify: async () => {
      const verifier = new ManagementClient(endpoints.management, { tls: endpoints.tls });
      try {
        return unappliedChanges(plan.changes, (await readLive(verifier, plan.vhosts)).resources, { env: io.env });
      } finally {
        await verifier.close();
      }
    },
  });
}

function describeNow(r: Resource): string {
  return r.kind === 'queue' && r.messages !== undefined ? `now different (holds ${r.messages} message${r.messages === 1 ? '' : 's'})` : 'now different';
}

interface ExecuteOptions {
  readonly confirm: boolean;
  /** Warnings met before the plan ran (taking the lock, checking a saved plan), e.g. ENDPOINT_UNREACHABLE */
  readonly warnings: readonly Diagnostic[];
  /** Changes that are still not applied after the apply (empty means verified) */
  readonly verify: () => Promise<readonly Change[]>;
}

/** Show, guard against hazards, confirm, apply and verify one plan. */
async function execute(plan: PlanDocument, endpoints: Endpoints, opts: ApplyOptions, io: Io, how: ExecuteOptions): Promise<number> {
  const json = opts.format === 'json';
  const style = styleOf(opts, io);
  const secrets = [endpoints.management, endpoints.amqp];
  // Every warning once: the plan's in the plan (text) or in the result's `warnings` (JSON), the others on stderr too.
  const shown = [...plan.warnings];
  const report = (more: readonly Diagnostic[]): void => {
    const fresh = uniqueDiagnostics(more, shown);
    printDiagnostics(io, fresh, secrets);
    shown.push(...fresh);
  };
  if (!json) io.out(renderPlanText(plan, style));
  report(how.warnings);
  if (plan.changes.length === 0) {
    if (json) io.out(redactSecrets(renderApplyJson(plan, { applied: [], failed: null, pending: [], warnings: [...how.warnings] }), secrets));
    return EXIT.ok;
  }

  const blocking = unallowedHazards(plan.hazards, allowedFlags(opts));
  if (blocking.length > 0) {
    const flags = [...new Set(blocking.map((h) => [h.allowed_by, ...(h.also_allowed_by ?? [])].join(' or ')))];
    io.err(
      `apply refused: the plan has ${blocking.length} hazard${blocking.length === 1 ? '' : 's'}:\n` +
        blocking.map((h) => `  ${h.code}: ${h.message}\n`).join('') +
        `Nothing was changed. Re-run with ${flags.join(' ')} to allow ${flags.length === 1 ? 'it' : 'them'}, or change the spec.\n`,
    );
    return EXIT.error;
  }

  if (how.confirm) {
    if (!io.stdinIsTTY) {
      io.err('apply needs confirmation: no terminal to ask on. Re-run with --auto-approve to apply this plan without asking, or apply a saved plan (warren plan -o plan.json; warren apply plan.json).\n');
      return EXIT.error;
    }
    const answer = await io.ask('Apply these changes? Only "yes" is accepted: ');
    if (answer.trim() !== 'yes') {
      io.err('apply cancelled; nothing was changed.\n');
      return EXIT.error;
    }
  }

  const reporter = json ? undefined : progressReporter(io, plan.changes.length, secrets, style);
  let result;
  try {
    result = await applyPlan(plan, endpoints, {
      // `{ env: NAME }` secrets of a saved plan are read when it is applied.
      env: io.env,
      allowDataLoss: opts.allowDataLoss === true,
    allowDestructive: opts.allowDestructive === true,
      migrate: opts.migrate === true,
      blockedTimeoutMs: alarmTimeoutMs(opts),
      concurrency: concurrencyOption(opts),
      ...(reporter ? { onEvent: reporter.onEvent } : {}),
    });
  } finally {
    reporter?.finish();
  }
  const all = { ...result, warnings: [...how.warnings, ...(result.warnings ?? [])] };
  io.out(redactSecrets(json ? renderApplyJson(plan, all) : renderApplyText(plan, all, style), secrets));
  // Nodes of an endpoint list that did not answer (ENDPOINT_UNREACHABLE).
  report(result.warnings ?? []);
  if (result.failed || result.pending.length > 0) return EXIT.error;

  // Prove the broker took every change.
  const left = await how.verify();
  if (left.length > 0) {
    io.err(
      `verification failed: after apply the broker still differs from the plan in ${left.length} place(s):\n` +
        left.map((c) => `  ${describeChange(c)}\n`).join(''),
    );
    return EXIT.error;
  }
  if (!json) io.out(style.green('Verified: the broker now matches the plan.\n'));
  return EXIT.ok;
}

/** A plan file written by `warren plan -o`, or null when the file is a spec. */
async function readSavedPlan(file: string, cwd: string): Promise<PlanDocument | null> {
  if (!file.toLowerCase().endsWith('.json')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(resolve(cwd, file), 'utf8'));
  } catch {
    return null; // not readable as JSON: the spec loader reports it properly
  }
  if (typeof doc !== 'object' || doc === null || !('changes' in doc) || !('format_version' in doc)) return null;
  const plan = doc as PlanDocument & { targets?: unknown };
  if (plan.format_version !== PLAN_FORMAT_VERSION) {
    throw new WarrenError(diagnostic('PLAN_FORMAT_UNSUPPORTED', `${file} is a plan of format ${String(plan.format_version)}; this Warren applies format ${PLAN_FORMAT_VERSION}. Make the plan again with this version`));
  }
  if (!plan.fingerprint) {
    throw new WarrenError(diagnostic('PLAN_WITHOUT_FINGERPRINT', `${file} has no fingerprint of the broker state it was made from; make it again with warren plan -o`));
  }
  return plan;
}

/** The allow flags given on the command line, by the name hazards use. */
function allowedFlags(opts: ApplyOptions): Set<string> {
  return new Set<string>([
    ...(opts.allowDataLoss ? [ALLOW_DATA_LOSS] : []),
    ...(opts.migrate ? [ALLOW_MIGRATE] : []),
    ...(opts.allowBroadenedPermissions ? [ALLOW_BROADENED_PERMISSIONS] : []),
    ...(opts.allowDestructive ? [ALLOW_DESTRUCTIVE] : []),
  ]);
}

/**
 * Progress on stderr (a live line on a terminal, a line every few seconds
 * otherwise; see cli/progress), failures and notes on stdout as they happen.
 */
function progressReporter(io: Io, total: number, secrets: string[], style: ReturnType<typeof styleOf>): { onEvent: (e: ApplyEvent) => void; finish: () => void } {
  const bar = createProgress({
    total,
    write: io.err,
    tty: io.stderrIsTTY === true && io.env['TERM'] !== 'dumb',
    ...(io.stderrColumns ? { columns: io.stderrColumns } : {}),
  });
  return {
    onEvent: (e) => {
      if (e.type === 'done' || e.type === 'failed') bar.step();
      if (e.type === 'failed' || e.type === 'note') bar.print(() => progress(io, e, secrets, style));
    },
    finish: () => bar.finish(),
  };
}


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

/** `--alarm-timeout` in ms. */
function alarmTimeoutMs(opts: ApplyOptions): number {
  return opts.alarmTimeout === undefined ? BLOCKED_TIMEOUT_MS : secondsOption('--alarm-timeout', opts.alarmTimeout) * 1000;
}

/** A flag's number of seconds (≥ 0), or a clear error. */
function secondsOption(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new WarrenError(diagnostic('INVALID_OPTION', `${flag} takes a number of seconds, e.g. ${flag} 60 (got ${JSON.stringify(value)})`));
  }
  return n;
}

/** `--concurrency`: a whole number of channels, 1 or more, or a clear error. */
function concurrencyOption(opts: ApplyOptions): number {
  const value = opts.concurrency ?? String(DEFAULT_CONCURRENCY);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || value.trim() === '') {
    throw new WarrenError(diagnostic('INVALID_OPTION', `--concurrency takes a whole number of AMQP channels per vhost, 1 or more, e.g. --concurrency ${DEFAULT_CONCURRENCY} (got ${JSON.stringify(value)})`));
  }
  return n;
}
