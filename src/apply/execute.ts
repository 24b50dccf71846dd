/**
 * Executes a plan on the broker.
 *
 * Phases run strictly in order (PHASES in model/plan). The changes of one
 * phase are independent, so they run concurrently: per vhost, up to
 * `concurrency` workers, each with its own AMQP channel on the vhost's one
 * connection (amqplib runs one RPC per channel at a time, so channels are the
 * unit of parallelism). On the first failure nothing new is started; steps in
 * flight finish and are recorded; the rest is pending. Channels, connections
 * and the HTTP pool are closed in every case. Nothing is written to stdout.
 */
import type { Channel } from 'amqplib';
import type { Diagnostic } from '../model/diagnostics.js';
import { PHASES, type PlanDocument, type PlannedChange } from '../model/plan.js';
import { ManagementClient } from '../live/http.js';
import { splitUrls, unreachableWarnings } from '../live/endpoints.js';
import { redactSecrets, urlPassword } from '../util/redact.js';
import type { TlsOptions } from '../live/tls.js';
import { amqpTarget, VhostConnection } from './amqp-connection.js';
import { amqpStepDiagnostic, stepDiagnostic, type AmqpFailure } from './errors.js';
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
  /** Changes never started, in plan order */
  readonly pending: PlannedChange[];
  /**
   * Other steps that were already in flight when the first one failed and
   * failed too (e.g. when the broker closed the connection under all of them).
   * They are neither applied nor pending. Always set by `applyPlan`.
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
  const connectionFor = (vhost: string): VhostConnection => {
    let c = connections.get(vhost);
    if (!c) {
      c = new VhostConnection(vhost, amqpTarget(endpoints.amqp, vhost, endpoints.tls), connectTimeoutMs);
      connections.set(vhost, c);
    }
    return c;
  };

  const applied: PlannedChange[] = [];
  const failures: Array<StepFailure & { readonly causal: boolean }> = [];
  const started = new Set<number>();

  const fail = (change: PlannedChange, err: unknown, conn: VhostConnection | undefined): void => {
    // A step that died with its connection reports why the broker closed it.
    const closedBy = conn?.closed && !hasReplyCode(err) ? conn.closedBy : undefined;
    const error = closedBy
      ? amqpStepDiagnostic(change, {
          code: closedBy.code,
          text: `the broker closed the AMQP connection to vhost '${change.vhost}': ${redactSecrets(closedBy.text, secrets)}`,
        })
      : stepDiagnostic(change, err, secrets);
    const causal = closedBy === undefined || causedClose(change, closedBy);
    failures.push({ change, error, causal });
    emit({ type: 'failed', change, error });
  };

  const worker = async (queue: Array<[number, PlannedChange]>, vhost: string): Promise<void> => {
    let channel: Channel | null = null;
    let channelDead = false;
    const conn = (): VhostConnection => connectionFor(vhost);
    const ctx: StepContext = {
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
    while (failures.length === 0) {
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
        fail(change, err, needsChannel(change) ? conn() : undefined);
        // The broker closed this channel; the next step gets a fresh one.
        channel = null;
      }
    }
  };

  try {
    const indexed = plan.changes.map((c, i) => [i, c] as [number, PlannedChange]);
    for (const phase of PHASES) {
      if (failures.length > 0) break;
      const inPhase = indexed.filter(([, c]) => c.phase === phase);
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
    // Changes of a phase not in PHASES would never run; they stay pending.
    const pending = indexed.filter(([i]) => !started.has(i)).map(([, c]) => c);
    // The step that caused the stop is reported as `failed`, not a bystander
    // that died with the same connection.
    const first = failures.find((f) => f.causal) ?? failures[0];
    const strip = ({ change, error }: StepFailure): StepFailure => ({ change, error });
    return {
      applied,
      failed: first ? strip(first) : null,
      pending,
      alsoFailed: failures.filter((f) => f !== first).map(strip),
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

/** True when the connection-close reason names this change (an unknown exchange type it declares). */
function causedClose(change: PlannedChange, closedBy: AmqpFailure): boolean {
  const m = /unknown exchange type '([^']*)'/.exec(closedBy.text);
  return m !== null && change.after?.kind === 'exchange' && change.after.type === m[1];
}

function hasReplyCode(err: unknown): boolean {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}
