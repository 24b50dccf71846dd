/**
 * Executes a plan on the broker.
 *
 * Phases run strictly in order (PHASES in model/plan). The changes of one
 * phase are independent, so they run concurrently: per vhost, up to
 * `concurrency` workers, each with its own AMQP channel on the vhost's one
 * connection (amqplib runs one RPC per channel at a time, so channels are the
 * unit of parallelism). On the first failure nothing new is started; steps in
 * flight finish and are recorded; the rest is pending. When the broker closes
 * a whole connection, the failure is pinned on the step that caused it
 * (apply/attribution; when the broker's reason names none, by sending each
 * declaration that was in flight again alone) and the others that died with
 * it, unconfirmed, are pending. Channels, connections and the HTTP pool are closed in every case.
 * Nothing is written to stdout.
 */
import type { Channel } from 'amqplib';
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { PHASES, type PlanDocument, type PlannedChange } from '../model/plan.js';
import { ManagementClient } from '../live/http.js';
import { phaseOf } from '../plan/order.js';
import { splitUrls, unreachableWarnings } from '../live/endpoints.js';
import { redactSecrets, urlPassword } from '../util/redact.js';
import type { TlsOptions } from '../live/tls.js';
import { amqpTarget, VhostConnection } from './amqp-connection.js';
import { attributeLosses, type ConnectionLoss } from './attribution.js';
import { amqpStepDiagnostic, stepDiagnostic } from './errors.js';
import { needsChannel, runStep, type StepContext } from './steps.js';

export interface ApplyEndpoints {
  /** Management API URL with credentials, e.g. `http://user:pass@localhost:15672` */
  readonly management: string;
  /** AMQP URL with credentials; its vhost path is replaced per vhost */
  readonly amqp: string;
  /** CA and client certificate for https:// and amqps:// URLs */
  readonly tls?: TlsOptions | undefined;
}

/**
 * Channels per vhost by default. The broker, not Warren, is the bottleneck of
 * an apply: declares on one channel are serial, and on a 2-CPU broker a large
 * apply measured 8.7 s with 8 channels, 6.5 s with 16 and 5.4 s with 32
 * (W2k, `npm run bench`); 32 is also the pool of the benchmark's baseline (c).
 */
export const DEFAULT_CONCURRENCY = 32;

export interface ApplyOptions {
  /** Delete queues even when they hold messages or have consumers (deletes and replaces). */
  readonly allowDataLoss: boolean;
  /** Delete exchanges even while bindings the plan does not remove still hang off them. */
  readonly allowDestructive?: boolean;
  /** Environment variables for `{ env: NAME }` passwords and URIs. Default: none (such steps fail). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** AMQP channels per vhost, and concurrent HTTP steps. Default DEFAULT_CONCURRENCY. */
  readonly concurrency?: number;
  readonly onEvent?: (event: ApplyEvent) => void;
  /** Management API request timeout and AMQP connect timeout, ms. Default 60 000 / 10 000. */
  readonly timeoutMs?: number;
  /** Replace queues by moving their messages (apply/migrate) instead of dropping them. Default false. */
  readonly migrate?: boolean;
  /** How long a migration waits while the broker blocks its publishes (an alarm). Default BLOCKED_TIMEOUT_MS. */
  readonly blockedTimeoutMs?: number;
}

export type ApplyEvent =
  | { readonly type: 'start'; readonly change: PlannedChange }
  | { readonly type: 'done'; readonly change: PlannedChange }
  | { readonly type: 'failed'; readonly change: PlannedChange; readonly error: Diagnostic }
  /** Something Warren did beside the plan, e.g. granting permissions on a vhost it created. */
  | { readonly type: 'note'; readonly message: string; readonly change?: PlannedChange };

export interface StepFailure {
  readonly change: PlannedChange;
  readonly error: Diagnostic;
}

export interface ApplyResult {
  /** Changes that completed, in completion order */
  readonly applied: PlannedChange[];
  /** The first failure, or null when every change was applied */
  readonly failed: StepFailure | null;
  /**
   * Changes not applied and not failed, in plan order: never started, or in
   * flight on a connection the broker closed because of another step (not
   * confirmed; a re-run applies them).
   */
  readonly pending: PlannedChange[];
  /**
   * Other steps that were already in flight when the first one failed and
   * failed too, each for its own reason. They are neither applied nor
   * pending. Always set by `applyPlan`.
   */
  readonly alsoFailed?: StepFailure[];
  /** Endpoints of a URL list that did not answer (ENDPOINT_UNREACHABLE warnings). Always set by `applyPlan`. */
  readonly warnings?: Diagnostic[];
}

/**
 * Runs `plan.changes` in phase order. Never throws for broker failures (they
 * are in the result); throws a WarrenError only for unusable endpoint URLs.
 */
export async function applyPlan(plan: PlanDocument, endpoints: ApplyEndpoints, options: ApplyOptions): Promise<ApplyResult> {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const emit = (e: ApplyEvent): void => {
    try {
      options.onEvent?.(e);
    } catch {
      // a listener's bug must not break the apply half-way
    }
  };
  const secrets = [...splitUrls(endpoints.management), ...splitUrls(endpoints.amqp)].map(urlPassword).filter((s): s is string => s !== undefined);
  // Invalid endpoint URLs throw here, before anything is opened.
  const amqpUser = amqpTarget(endpoints.amqp, '/', endpoints.tls).user;
  const connectTimeoutMs = Math.min(options.timeoutMs ?? 10_000, 10_000);
  const http = new ManagementClient(endpoints.management, {
    connections: concurrency,
    tls: endpoints.tls,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const connections = new Map<string, VhostConnection>();
  // Every AMQP connection of the apply is opened here, so that each gets the endpoints' TLS material.
  const openConnection = (vhost: string): VhostConnection => new VhostConnection(vhost, amqpTarget(endpoints.amqp, vhost, endpoints.tls), connectTimeoutMs);
  const connectionFor = (vhost: string): VhostConnection => {
    let c = connections.get(vhost);
    if (!c) {
      c = openConnection(vhost);
      connections.set(vhost, c);
    }
    return c;
  };

  const applied: PlannedChange[] = [];
  /** Steps that failed on their own, and steps that died with their connection (judged when the apply stops) */
  const failures: Array<StepFailure & { readonly seq: number }> = [];
  const losses: Array<ConnectionLoss<VhostConnection> & { readonly seq: number }> = [];
  let seq = 0;
  const stopped = (): boolean => failures.length > 0 || losses.length > 0;
  /** Steps in flight when their connection was lost, never confirmed: pending */
  const notConfirmed = new Set<number>();
  const started = new Set<number>();

  const fail = (index: number, change: PlannedChange, err: unknown, conn: VhostConnection | undefined): void => {
    // Without a reply code of its own, a step whose connection is closed died with it.
    if (conn?.closed && !hasReplyCode(err)) {
      losses.push({ index, change, connection: conn, closedBy: conn.closedBy, seq: seq++ });
      return;
    }
    const error = stepDiagnostic(change, err, secrets);
    failures.push({ change, error, seq: seq++ });
    emit({ type: 'failed', change, error });
  };

  const contextFor = (vhost: string, conn: () => VhostConnection): StepContext => {
    let channel: Channel | null = null;
    let channelDead = false;
    return {
      http,
      env: options.env ?? {},
      allowDataLoss: options.allowDataLoss,
      allowDestructive: options.allowDestructive === true,
      amqpUser,
      ...(options.migrate === true && vhost !== '' ? { migrate: amqpTarget(endpoints.amqp, vhost, endpoints.tls) } : {}),
      ...(options.blockedTimeoutMs !== undefined ? { blockedTimeoutMs: options.blockedTimeoutMs } : {}),
      channel: async () => {
        if (!channel || channelDead) {
          channelDead = false;
          const ch = await conn().channel();
          ch.on('close', () => {
            channelDead = true;
          });
          channel = ch;
        }
        return channel;
      },
      note: (message, change) => emit({ type: 'note', message, change }),
    };
  };

  const worker = async (queue: Array<[number, PlannedChange]>, vhost: string): Promise<void> => {
    const conn = (): VhostConnection => connectionFor(vhost);
    let ctx = contextFor(vhost, conn);
    while (!stopped()) {
      const next = queue.shift();
      if (!next) return;
      const [index, change] = next;
      started.add(index);
      emit({ type: 'start', change });
      try {
        await runStep(change, ctx);
        applied.push(change);
        emit({ type: 'done', change });
      } catch (err) {
        fail(index, change, err, needsChannel(change) ? conn() : undefined);
        // The broker closed this channel; the next step gets a fresh one.
        ctx = contextFor(vhost, conn);
      }
    }
  };

  /**
   * When the broker closed a connection with several declarations in flight
   * and its reason names none of them (attribution), each is replayed alone,
   * in plan order, on a connection of its own: declares are idempotent. The
   * first that loses its connection again caused it; those before it are
   * applied; the rest stay unconfirmed. Only on such a failure, and never for
   * deletes, replaces or migrations.
   */
  const replayUnexplained = async (): Promise<void> => {
    // Only closes the broker explained with a reply code: a reset or a cut network is no declaration's doing.
    const unexplained = attributeLosses(losses).blamed.filter((b) => !b.certain && b.loss.closedBy?.code !== undefined);
    for (const { loss } of unexplained) {
      const group = losses.filter((l) => l.connection === loss.connection).sort((a, b) => a.index - b.index);
      let found = false;
      for (const l of group) {
        if (found) {
          // not replayed: unconfirmed, blamed on nobody
          losses.splice(losses.indexOf(l), 1);
          notConfirmed.add(l.index);
          continue;
        }
        if (!replayable(l.change, options.migrate === true)) break;
        const own = openConnection(l.change.vhost);
        connections.set(`\u0000replay ${l.index}`, own);
        losses.splice(losses.indexOf(l), 1);
        try {
          await runStep(l.change, contextFor(l.change.vhost, () => own));
          applied.push(l.change);
          emit({ type: 'done', change: l.change });
        } catch (err) {
          // alone on its connection: a failure now is its own
          fail(l.index, l.change, err, own);
          found = true;
        }
      }
      const first = group[0];
      if (!found && first && !losses.some((l) => l.connection === loss.connection)) {
        // every step in flight went through alone: the close was not about them
        const why = first.closedBy ? `${first.closedBy.text}${first.closedBy.code === undefined ? '' : ` (AMQP ${first.closedBy.code})`}` : 'the connection was closed';
        const error = diagnostic(
          'APPLY_STEP_FAILED',
          `the broker closed the AMQP connection to vhost '${first.change.vhost}' (${redactSecrets(why, secrets)}); the ${group.length} steps in flight on it were applied when sent again one by one, so none of them caused it; the apply stopped there: run it again`,
        );
        failures.push({ change: first.change, error, seq: first.seq });
        emit({ type: 'failed', change: first.change, error });
      }
    }
  };

  try {
    const indexed = plan.changes.map((c, i) => [i, c] as [number, PlannedChange]);
    for (const phase of PHASES) {
      if (stopped()) break;
      // By kind and action, not the plan's `phase`: a plan saved by an older Warren may order a
      // topic permission before its exchange, which 4.3 refuses.
      const inPhase = indexed.filter(([, c]) => phaseOf(c) === phase);
      if (inPhase.length === 0) continue;
      const byVhost = new Map<string, Array<[number, PlannedChange]>>();
      for (const item of inPhase) {
        // HTTP-only steps share one queue and `concurrency` workers; AMQP ones get a connection per vhost.
        const lane = needsChannel(item[1]) ? item[1].vhost : '';
        const list = byVhost.get(lane) ?? [];
        list.push(item);
        byVhost.set(lane, list);
      }
      const workers: Promise<void>[] = [];
      for (const [vhost, list] of byVhost) {
        const queue = spreadBySource(list);
        const n = Math.min(concurrency, queue.length);
        for (let i = 0; i < n; i++) workers.push(worker(queue, vhost));
      }
      await Promise.all(workers);
    }
    await replayUnexplained();
    const { blamed, unconfirmed } = attributeLosses(losses);
    for (const { loss, certain, bystanders } of blamed) {
      const error = lossDiagnostic(loss, certain, bystanders, secrets);
      failures.push({ change: loss.change, error, seq: loss.seq });
      emit({ type: 'failed', change: loss.change, error });
    }
    for (const l of unconfirmed) notConfirmed.add(l.index);
    const pending = indexed.filter(([i]) => !started.has(i) || notConfirmed.has(i)).map(([, c]) => c);
    const [first, ...others] = failures.sort((a, b) => a.seq - b.seq).map(({ change, error }): StepFailure => ({ change, error }));
    return {
      applied,
      failed: first ?? null,
      pending,
      alsoFailed: others,
      warnings: [...http.warnings(), ...unreachableWarnings([...connections.values()].flatMap((c) => c.unreachable))],
    };
  } finally {
    await Promise.all([...connections.values()].map((c) => c.close()));
    await http.close().catch(() => undefined);
  }
}

/**
 * The order in which a lane runs a phase's steps (they are independent):
 * bindings round-robin over their source exchanges. In plan order, the
 * bindings of one exchange come together, and the broker serializes
 * concurrent binds on one exchange: the bind phase of a 2,000-binding apply
 * over 32 channels took 20-25% longer than the same binds in queue order.
 */
export function spreadBySource<T extends readonly [number, PlannedChange]>(items: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const r = item[1].after ?? item[1].before;
    const source = r?.kind === 'binding' ? r.source : '';
    const g = groups.get(source);
    if (g) g.push(item);
    else groups.set(source, [item]);
  }
  if (groups.size <= 1) return [...items];
  const out: T[] = [];
  // Exhausted groups drop out, so one large group among many small ones stays linear.
  let active = [...groups.values()];
  for (let i = 0; active.length > 0; i++) {
    const next: T[][] = [];
    for (const g of active) {
      out.push(g[i] as T);
      if (g.length > i + 1) next.push(g);
    }
    active = next;
  }
  return out;
}

/**
 * The failure of the step a lost connection is pinned on. `certain`: the
 * broker's reason names it, or it was the only step in flight; otherwise it
 * is only the first in plan order, and the message says so.
 */
function lossDiagnostic(loss: ConnectionLoss<VhostConnection>, certain: boolean, bystanders: number, secrets: readonly string[]): Diagnostic {
  const { change, closedBy } = loss;
  const others = bystanders === 0 ? '' : `; ${bystanders} other step(s) in flight on it were not confirmed and are pending`;
  const which = certain ? '' : ` (it does not say which of the ${bystanders + 1} steps in flight on it caused it; this is the first in plan order)`;
  if (!closedBy) {
    const diag = stepDiagnostic(change, loss.connection.closedError(), secrets);
    return { ...diag, message: diag.message + others };
  }
  const diag = amqpStepDiagnostic(change, {
    code: closedBy.code,
    text: `the broker closed the AMQP connection to vhost '${change.vhost}'${which}: ${redactSecrets(closedBy.text, secrets)}`,
  });
  return { ...diag, message: diag.message + others };
}

/** A change that declares and nothing else: safe to send again. */
function replayable(change: PlannedChange, migrate: boolean): boolean {
  if (change.action !== 'create' && change.action !== 'update') return false;
  return change.kind === 'exchange' || change.kind === 'binding' || (change.kind === 'queue' && !migrate);
}

function hasReplyCode(err: unknown): boolean {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}
