/**
 * Zero-loss queue replacement (`warren apply --migrate`).
 *
 * A queue's type and arguments are immutable, so a changed one means delete
 * and re-declare. This module does it without losing or duplicating a
 * message, while publishers keep publishing.
 *
 * THE SWITCH. Handing traffic from one queue to another by adding one binding
 * and removing another is never exact (verified on 3.10.8 under load): bind
 * first and messages routed in between land in both queues; unbind (or freeze
 * the old queue with a `max-length: 0, overflow: reject-publish` policy)
 * first and they are rejected or unroutable. One binding change, however, is
 * atomic for routing. So the queue's traffic is routed through a fanout
 * exchange E of Warren's, whose alternate exchange leads to a holding queue:
 *
 *   X ──(q's bindings, copied)──▶ E ──(one binding, the switch)──▶ q / q'
 *                                 └─ no binding: alternate exchange ─▶ E2 ──▶ IN
 *
 * While E has a binding to the queue, every message E receives goes there;
 * remove that ONE binding and every following message goes to IN instead;
 * add a binding to the new queue and every following message goes there.
 * Moving a binding from q to E (and back to q') is exact too: a message that
 * reaches the same queue over two paths is enqueued once (verified).
 *
 * THE SEQUENCE (every step checks the broker's state first, so a re-run after
 * an interruption resumes where it stopped):
 *   1. prepare          declare E2, IN (bound to E2), BK (backlog) and E
 *                       (alternate-exchange E2); a top-priority policy on IN
 *                       and BK so that no user policy (ttl, expires,
 *                       max-length…) applies to them.
 *   2. routeThroughE    bind E → q; copy each of q's bindings as X → E; delete
 *                       X → q (by properties_key). q still gets every message
 *                       exactly once.
 *   3. switchToHolding  unbind E → q: new messages now go to IN.
 *   4. drainOld         move q's backlog to BK; delete q (if-empty, so a
 *                       message that still arrives, e.g. published straight
 *                       to the queue, is moved first).
 *   5. declareNew       declare q' with the new properties.
 *   6. restore          move BK → q' (old messages first), then IN → q'.
 *   7. switchToNew      bind E → q': new messages now go to q'; move the rest
 *                       of IN → q'.
 *   8. restoreBindings  copy each X → E binding as X → q'; delete X → E.
 *   9. cleanup          delete E, E2, IN, BK (if-empty) and the policy.
 *
 * Each move consumes with manual acks and publishes to the destination on a
 * confirm channel (mandatory, so a missing destination is an error, not a
 * silent drop); a source message is acked only after the broker confirmed its
 * copy. Properties and headers are kept.
 */
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { diagnostic, WarrenError } from '../model/diagnostics.js';
import { argsEqual, namedKey } from '../model/keys.js';
import type { Desired, QueueResource } from '../model/types.js';
import { HttpError, ManagementClient, seg } from '../live/http.js';
import { normalizeArgs } from '../live/normalize.js';
import { encodeArgs } from './amqp-args.js';
import { amqpConnect, amqpTarget, type AmqpTarget } from './amqp-connection.js';
import type { TlsOptions } from '../live/tls.js';
import { parseAmqpError } from './errors.js';

/** Suffix of every temporary resource of a migration. */
export const MIGRATE_SUFFIX = '.warren-migrate';
/** Policy priority that outranks any user policy on the temporary queues. */
export const MIGRATE_POLICY_PRIORITY = 999_999_999;
/** Unacknowledged messages per move: bounds memory and what an interruption may duplicate. */
const PREFETCH = 500;
/** How long messages are moved from the holding queue while publishers still fill it, before the switch. */
const LIVE_MOVE_MS = 10_000;

export interface MigrateContext {
  readonly http: ManagementClient;
  /** The AMQP endpoint, already pointed at the queue's vhost */
  readonly target: AmqpTarget;
  /** Delete the old queue even with consumers (they are cancelled) */
  readonly allowDataLoss: boolean;
  /**
   * How long to wait while the broker blocks the migration's publishes (a
   * memory or disk alarm) before stopping it, every message kept. Default
   * BLOCKED_TIMEOUT_MS.
   */
  readonly blockedTimeoutMs?: number;
  note(message: string): void;
}

/** Default of `MigrateContext.blockedTimeoutMs`. */
export const BLOCKED_TIMEOUT_MS = 120_000;

export interface MigrationNames {
  /** Fanout exchange the queue's bindings are routed through (the switch) */
  readonly exchange: string;
  /** E's alternate exchange, bound to the incoming queue */
  readonly incomingExchange: string;
  /** Holds what publishers send while no queue is bound to the switch */
  readonly incoming: string;
  /** Holds the old queue's backlog while it is re-created */
  readonly backlog: string;
  readonly policy: string;
}

export function migrationNames(queue: string): MigrationNames {
  return {
    exchange: `${queue}${MIGRATE_SUFFIX}`,
    incomingExchange: `${queue}${MIGRATE_SUFFIX}.incoming`,
    incoming: `${queue}${MIGRATE_SUFFIX}.incoming`,
    backlog: `${queue}${MIGRATE_SUFFIX}.backlog`,
    policy: `${queue}${MIGRATE_SUFFIX}`,
  };
}

/** The queue a temporary resource of a migration belongs to, or null. */
export function migratedQueueOf(name: string): string | null {
  for (const suffix of [`${MIGRATE_SUFFIX}.incoming`, `${MIGRATE_SUFFIX}.backlog`, MIGRATE_SUFFIX]) {
    if (name.endsWith(suffix) && name.length > suffix.length) return name.slice(0, -suffix.length);
  }
  return null;
}

/** What a migration did, for the report. */
export interface MigrationReport {
  /** Messages of the old queue's backlog moved into the new queue */
  backlog: number;
  /** Messages published during the migration and moved from the holding queue */
  incoming: number;
  /** Messages whose user-id Warren could not set (moved without it) */
  userIdDropped: number;
  /** Whether this run resumed an interrupted migration */
  resumed: boolean;
}

type LiveState = 'old' | 'new' | 'missing';

interface BindingRow {
  readonly source: string;
  readonly routing_key: string;
  readonly arguments: Record<string, unknown>;
  readonly properties_key: string;
}

/**
 * One queue's migration. `run()` does everything; the step methods are public
 * so that tests can stop half-way (an interrupted migration) and re-run.
 */
export class Migration {
  readonly names: MigrationNames;
  readonly report: MigrationReport = { backlog: 0, incoming: 0, userIdDropped: 0, resumed: false };
  private model: ChannelModel | undefined;
  /** The connection moves publish on (see publisher()) */
  private publishing: ChannelModel | undefined;
  private control: Channel | undefined;
  /** Set when the broker blocked publishing for too long: the reason run() fails with. */
  private stopped: WarrenError | undefined;
  /** Moved copies published and not yet confirmed */
  private inFlight = 0;
  private readonly vpath: string;

  constructor(
    readonly vhost: string,
    /** The queue as it must be afterwards */
    readonly after: QueueResource,
    private readonly ctx: MigrateContext,
  ) {
    this.names = migrationNames(after.name);
    this.vpath = seg(vhost);
    if (Buffer.byteLength(this.names.backlog) > 255) {
      throw failure(after.name, `the temporary queue names would exceed RabbitMQ's 255-byte limit; replace it without --migrate (drain it first)`);
    }
  }

  get queue(): string {
    return this.after.name;
  }

  async open(): Promise<void> {
    this.model ??= await this.connect('');
  }

  private async connect(role: string): Promise<ChannelModel> {
    let model: ChannelModel;
    try {
      model = await amqpConnect(this.ctx.target, {
        timeout: 10_000,
        clientProperties: { connection_name: `warren migrate${role} (${this.vhost}/${this.queue})` },
      });
    } catch (err) {
      throw failure(this.queue, `cannot open an AMQP connection for the migration: ${parseAmqpError(err).text}`);
    }
    model.on('error', () => undefined);
    return model;
  }

  /**
   * The connection moves publish on. A memory or disk alarm makes the broker
   * stop reading from connections that publish (connection.blocked), so it
   * is not the one that consumes and acks: acks must still reach the broker,
   * or every confirmed copy's original would be redelivered (a duplicate).
   */
  private async publisher(): Promise<ChannelModel> {
    if (!this.publishing) {
      this.publishing = await this.connect(', publishing');
      this.watchAlarms(this.publishing);
    }
    return this.publishing;
  }

  /**
   * While the broker blocks publishing, wait for the alarm to clear, saying
   * so; past blockedTimeoutMs, drop the publishing connection: unconfirmed
   * messages stay unacked in their source queue, nothing is lost, and a
   * re-run resumes the migration.
   */
  private watchAlarms(model: ChannelModel): void {
    const limit = this.ctx.blockedTimeoutMs ?? BLOCKED_TIMEOUT_MS;
    let since = 0;
    let timer: NodeJS.Timeout | undefined;
    model.on('blocked', (reason: string) => {
      since = Date.now();
      clearTimeout(timer);
      timer = setTimeout(() => {
        // Copies the broker read before it blocked are enqueued once the alarm
        // clears, even after the connection is gone: their originals stay in
        // the source too (never acked), so they may end up twice.
        const n = this.inFlight;
        const twice = n === 0 ? '' : `; ${n} message${n === 1 ? ' was' : 's were'} in flight: ${n === 1 ? 'its copy' : 'their copies'} may still arrive when the alarm clears, leaving ${n === 1 ? 'it' : 'them'} twice`;
        this.stopped = failure(
          this.queue,
          `the broker has blocked publishing for ${Math.round(limit / 1000)} s (${reason}: a resource alarm); the migration stopped with every message kept in '${this.queue}' or its '${this.names.backlog}' / '${this.names.incoming}' queues${twice}; free memory or disk space on the broker, then run apply again: the migration resumes`,
        );
        void model.close().catch(() => undefined); // immediate on a blocked connection (amqplib)
      }, limit);
      timer.unref();
    });
    model.on('unblocked', () => {
      clearTimeout(timer);
      const waited = ((Date.now() - since) / 1000).toFixed(1);
      this.ctx.note(`queue '${this.queue}' in vhost '${this.vhost}': the broker blocked the migration's publishes for ${waited} s (a resource alarm); it waited and went on`);
    });
    model.on('close', () => clearTimeout(timer));
  }

  async close(): Promise<void> {
    const [m, p] = [this.model, this.publishing];
    this.model = undefined;
    this.publishing = undefined;
    if (p) await p.close().catch(() => undefined);
    this.control = undefined;
    if (m) await m.close().catch(() => undefined);
  }

  /** Runs (or resumes) the whole migration. */
  async run(): Promise<MigrationReport> {
    await this.open();
    try {
      this.report.resumed = await this.inProgress();
      let state = await this.liveState();
      if (state === 'old') {
        await this.precheck();
        await this.prepare();
        await this.routeThroughExchange();
        await this.switchToHolding();
        await this.drainOld();
        state = 'missing';
      } else if (this.report.resumed) {
        await this.prepare(); // re-asserts what an interrupted run may not have finished declaring
      }
      if (state === 'missing') await this.declareNew();
      if (await this.inProgress()) {
        await this.restore();
        await this.switchToNew();
        await this.restoreBindings();
        await this.cleanup();
      }
      return this.report;
    } catch (err) {
      throw this.stopped ?? err;
    } finally {
      await this.close();
    }
  }

  /** True when temporary resources of this queue's migration exist. */
  async inProgress(): Promise<boolean> {
    const n = this.names;
    const found = await Promise.all([
      this.exists(`/api/exchanges/${this.vpath}/${seg(n.exchange)}`),
      this.exists(`/api/queues/${this.vpath}/${seg(n.incoming)}`),
      this.exists(`/api/queues/${this.vpath}/${seg(n.backlog)}`),
    ]);
    return found.some(Boolean);
  }

  /** 'old' (still the properties to replace), 'new' (already re-created) or 'missing'. */
  async liveState(): Promise<LiveState> {
    let row: unknown;
    try {
      row = await this.ctx.http.get(`/api/queues/${this.vpath}/${seg(this.queue)}?disable_stats=true`);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return 'missing';
      throw err;
    }
    const r = (row ?? {}) as Record<string, unknown>;
    const { 'x-queue-type': argType, ...args } = normalizeArgs(r['arguments'], `GET queue '${this.queue}'`);
    const type = r['type'] ?? argType ?? 'classic';
    const same =
      type === this.after.type &&
      r['durable'] === this.after.durable &&
      r['auto_delete'] === this.after.auto_delete &&
      argsEqual(args, this.after.arguments);
    return same ? 'new' : 'old';
  }

  /** Refuses what cannot be migrated, before anything is changed. */
  async precheck(): Promise<void> {
    const row = (await this.ctx.http.get(`/api/queues/${this.vpath}/${seg(this.queue)}`)) as Record<string, unknown>;
    if (row['type'] === 'stream') {
      throw failure(this.queue, 'it is a stream; messages cannot be moved out of a stream (consuming does not remove them)');
    }
    if (row['exclusive'] === true || row['auto_delete'] === true) {
      throw failure(this.queue, 'it is exclusive or auto-delete, so it belongs to a connection; it cannot be migrated');
    }
    const ch = await this.channel();
    const { messageCount, consumerCount } = await ch.checkQueue(this.queue);
    if (consumerCount > 0 && !this.ctx.allowDataLoss) {
      throw failure(this.queue, `it has ${consumerCount} consumer(s); stop them first (deleting the old queue would cancel them and lose the messages they have not acknowledged), or re-run with --allow-data-loss`);
    }
    const maxLength = this.after.arguments['x-max-length'];
    if (typeof maxLength === 'number' && messageCount > maxLength) {
      throw failure(this.queue, `it holds ${messageCount} messages but the new queue keeps at most ${maxLength} (x-max-length); moving them would drop or reject the excess`);
    }
  }

  /** Step 1: the switch exchange, the holding queues and their protecting policy. */
  async prepare(): Promise<void> {
    const n = this.names;
    const ch = await this.channel();
    await ch.assertExchange(n.incomingExchange, 'fanout', { durable: true, autoDelete: false, internal: true });
    await ch.assertQueue(n.incoming, { durable: true, autoDelete: false, exclusive: false, arguments: { 'x-queue-type': 'classic' } });
    await ch.assertQueue(n.backlog, { durable: true, autoDelete: false, exclusive: false, arguments: { 'x-queue-type': 'classic' } });
    // Only one policy applies to a queue: this one, so that no user policy can expire, limit or dead-letter the held messages.
    await this.ctx.http.put(`/api/policies/${this.vpath}/${seg(n.policy)}`, {
      pattern: `^${escapeRegex(this.queue)}${escapeRegex(MIGRATE_SUFFIX)}\\.(incoming|backlog)$`,
      'apply-to': 'queues',
      priority: MIGRATE_POLICY_PRIORITY,
      definition: { overflow: 'reject-publish' },
    });
    await ch.bindQueue(n.incoming, n.incomingExchange, '');
    await ch.assertExchange(n.exchange, 'fanout', {
      durable: true,
      autoDelete: false,
      internal: true,
      arguments: { 'alternate-exchange': n.incomingExchange },
    });
  }

  /** Step 2: the queue's bindings now lead through the switch exchange (still to the queue). */
  async routeThroughExchange(): Promise<void> {
    const direct = (await this.bindingsOf(`/api/queues/${this.vpath}/${seg(this.queue)}/bindings`)).filter(
      (b) => b.source !== '' && b.source !== this.names.exchange,
    );
    if (direct.length === 0) return;
    // E → q first: a message must never reach E before E leads to q (it would go to IN as well as to q).
    await this.postBinding(this.names.exchange, 'q', this.queue, '', {});
    for (const b of direct) await this.postBinding(b.source, 'e', this.names.exchange, b.routing_key, b.arguments);
    for (const b of direct) await this.deleteBinding(b.source, 'q', this.queue, b.properties_key);
  }

  /** Step 3: the one binding E → q goes; every following message goes to the holding queue. */
  async switchToHolding(): Promise<void> {
    const rows = await this.bindingsBetween(this.names.exchange, 'q', this.queue);
    for (const b of rows) await this.deleteBinding(this.names.exchange, 'q', this.queue, b.properties_key);
  }

  /** Step 4: the old queue's backlog goes to BK, then the old queue is deleted (only when empty). */
  async drainOld(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.move(this.queue, this.names.backlog);
      if (await this.deleteIfEmpty()) return;
      if (attempt >= 20) {
        throw failure(this.queue, 'messages keep arriving in the old queue (published straight to it through the default exchange?); stop those publishers and re-run');
      }
    }
  }

  /** Step 5: the queue with its new properties. */
  async declareNew(): Promise<void> {
    const q = this.after;
    const ch = await this.channel();
    await ch.assertQueue(q.name, {
      durable: q.durable,
      autoDelete: q.auto_delete,
      exclusive: false,
      arguments: { ...encodeArgs(q.arguments), 'x-queue-type': q.type },
    });
  }

  /** Step 6: the backlog back first, then what arrived meanwhile (while it still arrives). */
  async restore(): Promise<void> {
    if (await this.queueExists(this.names.backlog)) this.report.backlog += await this.move(this.names.backlog, this.queue);
    if (await this.queueExists(this.names.incoming)) this.report.incoming += await this.move(this.names.incoming, this.queue, PREFETCH, LIVE_MOVE_MS);
  }

  /** Step 7: the one binding E → q' ; then the rest of the holding queue. */
  async switchToNew(): Promise<void> {
    if (await this.exists(`/api/exchanges/${this.vpath}/${seg(this.names.exchange)}`)) {
      await this.postBinding(this.names.exchange, 'q', this.queue, '', {});
    }
    if (await this.queueExists(this.names.incoming)) this.report.incoming += await this.move(this.names.incoming, this.queue);
  }

  /** Step 8: the queue's bindings straight to it again; E is left without sources. */
  async restoreBindings(): Promise<void> {
    if (!(await this.exists(`/api/exchanges/${this.vpath}/${seg(this.names.exchange)}`))) return;
    const via = await this.bindingsOf(`/api/exchanges/${this.vpath}/${seg(this.names.exchange)}/bindings/destination`);
    for (const b of via) await this.postBinding(b.source, 'q', this.queue, b.routing_key, b.arguments);
    for (const b of via) await this.deleteBinding(b.source, 'e', this.names.exchange, b.properties_key);
  }

  /** Step 9: the temporary resources go (the queues only when empty). */
  async cleanup(): Promise<void> {
    const n = this.names;
    await this.ctx.http.delete(`/api/exchanges/${this.vpath}/${seg(n.exchange)}`);
    await this.ctx.http.delete(`/api/exchanges/${this.vpath}/${seg(n.incomingExchange)}`);
    for (const q of [n.incoming, n.backlog]) {
      // A message that got in after all: move it, then delete (if-empty keeps the broker the judge).
      for (let attempt = 1; ; attempt++) {
        if (!(await this.queueExists(q))) break;
        const moved = await this.move(q, this.queue);
        if (q === n.incoming) this.report.incoming += moved;
        else this.report.backlog += moved;
        const res = await this.ctx.http.delete(`/api/queues/${this.vpath}/${seg(q)}`, { 'if-empty': true }).catch((err: unknown) => err);
        if (!(res instanceof Error)) break;
        if (attempt >= 5) throw res;
      }
    }
    await this.ctx.http.delete(`/api/policies/${this.vpath}/${seg(n.policy)}`);
  }

  /**
   * Moves every message of `src` to `dst` until `src` holds at most
   * `leave` ready messages and none is in flight (or, with `maxMs`, until
   * that much time has passed: a source that publishers keep filling).
   * At-least-once: a source message is acked only after the broker confirmed
   * its copy.
   */
  async move(src: string, dst: string, leave = 0, maxMs = Number.POSITIVE_INFINITY): Promise<number> {
    const deadline = Date.now() + maxMs;
    const cons = await (await this.connection()).createChannel();
    const pub: ConfirmChannel = await (await this.publisher()).createConfirmChannel();
    let problem: Error | undefined;
    const fail = (e: Error): void => {
      problem ??= e;
    };
    cons.on('error', (e: Error) => fail(e));
    pub.on('error', (e: Error) => fail(e));
    // Closed under us (the alarm timeout drops the publishing connection): stop waiting for confirms.
    pub.on('close', () => fail(this.stopped ?? failure(this.queue, `the channel publishing into '${dst}' closed`)));
    pub.on('return', () => fail(failure(this.queue, `a moved message was returned: queue '${dst}' does not exist`)));
    let moved = 0;
    const user = this.ctx.target.user;
    try {
      await pub.checkQueue(dst);
      await cons.prefetch(PREFETCH);
      for (;;) {
        const { consumerTag } = await cons.consume(
          src,
          (msg) => {
            if (!msg) {
              fail(failure(this.queue, `the broker cancelled the consumer of '${src}' (was it deleted?)`));
              return;
            }
            this.inFlight++;
            const props = publishOptions(msg, user);
            if (props.userIdDropped) this.report.userIdDropped++;
            pub.publish('', dst, msg.content, props.options, (err) => {
              this.inFlight--;
              if (err || problem) {
                if (err) fail(failure(this.queue, `the broker refused a moved message into '${dst}' (nack): is it full?`));
                return; // left unacked: requeued in src when the channel closes
              }
              cons.ack(msg);
              moved++;
            });
          },
          { noAck: false },
        );
        // Idle: nothing ready (beyond `leave`) and nothing in flight, twice in a row.
        let quiet = 0;
        while (!problem && quiet < 2 && Date.now() < deadline) {
          await sleep(25);
          const { messageCount } = await cons.checkQueue(src);
          quiet = messageCount <= leave && this.inFlight === 0 ? quiet + 1 : 0;
        }
        await cons.cancel(consumerTag);
        await pub.waitForConfirms().catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
        while (this.inFlight > 0 && !problem) await sleep(5);
        if (problem) throw problem;
        // Deliveries that raced the cancel were handled above; anything newer is still ready.
        const { messageCount } = await cons.checkQueue(src);
        if (messageCount <= leave || Date.now() >= deadline) break;
      }
      return moved;
    } finally {
      await cons.close().catch(() => undefined);
      await pub.close().catch(() => undefined);
    }
  }

  /** Deletes the old queue when it is empty; false when messages arrived meanwhile. */
  private async deleteIfEmpty(): Promise<boolean> {
    const ch = await this.channel();
    let check: { messageCount: number; consumerCount: number };
    try {
      check = await ch.checkQueue(this.queue);
    } catch (err) {
      this.control = undefined;
      if (parseAmqpError(err).code === 404) return true;
      throw err;
    }
    if (check.messageCount > 0) return false;
    if (check.consumerCount > 0 && !this.ctx.allowDataLoss) {
      throw failure(this.queue, `it has ${check.consumerCount} consumer(s) now; stop them and re-run (the migration resumes)`);
    }
    const row = (await this.ctx.http.get(`/api/queues/${this.vpath}/${seg(this.queue)}?disable_stats=true`)) as Record<string, unknown>;
    if (row['type'] !== 'classic' && row['type'] !== undefined) {
      // 3.10 answers if-empty on quorum queues with 540 NOT_IMPLEMENTED (closing the connection): checked above instead.
      await ch.deleteQueue(this.queue);
      return true;
    }
    try {
      await ch.deleteQueue(this.queue, { ifEmpty: true, ifUnused: !this.ctx.allowDataLoss });
      return true;
    } catch (err) {
      this.control = undefined; // the broker closed the channel
      if (/not empty/.test(parseAmqpError(err).text)) return false;
      throw err;
    }
  }

  private async connection(): Promise<ChannelModel> {
    if (!this.model) await this.open();
    return this.model as ChannelModel;
  }

  /** A channel for declarations; re-opened after the broker closed it. */
  private async channel(): Promise<Channel> {
    if (!this.control) {
      const ch = await (await this.connection()).createChannel();
      ch.on('error', () => undefined);
      ch.on('close', () => {
        if (this.control === ch) this.control = undefined;
      });
      this.control = ch;
    }
    return this.control;
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await this.ctx.http.get(`${path}${path.includes('?') ? '&' : '?'}disable_stats=true`);
      return true;
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return false;
      throw err;
    }
  }

  private queueExists(name: string): Promise<boolean> {
    return this.exists(`/api/queues/${this.vpath}/${seg(name)}`);
  }

  private async bindingsOf(path: string): Promise<BindingRow[]> {
    let rows: unknown;
    try {
      rows = await this.ctx.http.get(path);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return [];
      throw err;
    }
    if (!Array.isArray(rows)) return [];
    return rows
      .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
      .map((r) => ({
        source: String(r['source'] ?? ''),
        routing_key: String(r['routing_key'] ?? ''),
        arguments: (typeof r['arguments'] === 'object' && r['arguments'] !== null ? r['arguments'] : {}) as Record<string, unknown>,
        properties_key: String(r['properties_key'] ?? ''),
      }));
  }

  private bindingsBetween(source: string, destType: 'q' | 'e', destination: string): Promise<BindingRow[]> {
    return this.bindingsOf(`/api/bindings/${this.vpath}/e/${seg(source)}/${destType}/${seg(destination)}`);
  }

  /** Creates a binding with the arguments exactly as the management API listed them (idempotent). */
  private async postBinding(source: string, destType: 'q' | 'e', destination: string, routingKey: string, args: Record<string, unknown>): Promise<void> {
    await this.ctx.http.post(`/api/bindings/${this.vpath}/e/${seg(source)}/${destType}/${seg(destination)}`, { routing_key: routingKey, arguments: args });
  }

  /** Deletes one binding by its properties_key (a 404 means already gone). */
  private async deleteBinding(source: string, destType: 'q' | 'e', destination: string, propertiesKey: string): Promise<void> {
    await this.ctx.http.delete(`/api/bindings/${this.vpath}/e/${seg(source)}/${destType}/${seg(destination)}/${encodeURIComponent(propertiesKey)}`);
  }
}

/** Migrates one queue (or finishes its interrupted migration); see the module comment. */
export async function migrateQueue(vhost: string, after: QueueResource, ctx: MigrateContext): Promise<MigrationReport> {
  const m = new Migration(vhost, after, ctx);
  const report = await m.run();
  const parts = [`moved ${report.backlog} message${report.backlog === 1 ? '' : 's'} of its backlog`, `${report.incoming} published during the migration`];
  ctx.note(
    `queue '${after.name}' in vhost '${vhost}' ${report.resumed ? 'finished an interrupted migration' : 'migrated'}: ${parts.join(' and ')}` +
      (report.userIdDropped > 0 ? `; ${report.userIdDropped} message(s) lost their user-id property (the AMQP user is not an impersonator)` : ''),
  );
  return report;
}

/** Queues of `vhost` with an interrupted migration (their temporary resources exist). */
export async function interruptedMigrations(http: ManagementClient, vhost: string): Promise<string[]> {
  const found = new Set<string>();
  for (const kind of ['exchanges', 'queues'] as const) {
    const rows = await http.get(`/api/${kind}/${seg(vhost)}?disable_stats=true&columns=name`);
    if (!Array.isArray(rows)) continue;
    for (const r of rows) {
      const name = typeof r === 'object' && r !== null ? (r as { name?: unknown }).name : undefined;
      const q = typeof name === 'string' ? migratedQueueOf(name) : null;
      if (q !== null) found.add(q);
    }
  }
  return [...found].sort();
}

/** amqplib publish options that reproduce a consumed message's properties. */
export function publishOptions(msg: ConsumeMessage, user: string): { options: Options.Publish; userIdDropped: boolean } {
  const p = msg.properties;
  const options: Options.Publish = { mandatory: true };
  const set = <K extends keyof Options.Publish>(k: K, v: unknown): void => {
    if (v !== undefined && v !== null) (options as Record<string, unknown>)[k] = v;
  };
  set('contentType', p.contentType);
  set('contentEncoding', p.contentEncoding);
  set('headers', p.headers);
  set('deliveryMode', p.deliveryMode);
  set('priority', p.priority);
  set('correlationId', p.correlationId);
  set('replyTo', p.replyTo);
  set('expiration', p.expiration);
  set('messageId', p.messageId);
  set('timestamp', p.timestamp);
  set('type', p.type);
  set('appId', p.appId);
  // The broker refuses a user-id other than the connection's user (unless it is an impersonator).
  const userId = p.userId as unknown;
  const userIdDropped = typeof userId === 'string' && userId !== user;
  if (typeof userId === 'string' && !userIdDropped) options.userId = userId;
  const clusterId = (p as { clusterId?: unknown }).clusterId;
  if (typeof clusterId === 'string') (options as Record<string, unknown>)['clusterId'] = clusterId;
  return { options, userIdDropped };
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}-]/g, '\\$&');
}

function failure(queue: string, why: string): WarrenError {
  return new WarrenError(diagnostic('APPLY_STEP_FAILED', `migrating queue '${queue}' failed: ${why}`));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The queue step of `apply --migrate`. A replace migrates (unless the old
 * queue is a stream: false, the caller replaces it the usual way); a create
 * finishes an interrupted migration when one is found (false otherwise).
 */
export async function migrateStep(action: 'create' | 'replace', before: QueueResource | undefined, after: QueueResource, ctx: MigrateContext): Promise<boolean> {
  if (action === 'replace' && before?.type === 'stream') return false;
  if (action === 'create' && !(await new Migration(after.vhost, after, ctx).inProgress())) return false;
  await migrateQueue(after.vhost, after, ctx);
  return true;
}

/**
 * Finishes every interrupted migration in `vhosts` towards the properties
 * `desired` declares for its queue, so that the plan is then computed on a
 * broker without temporary resources. (A queue the spec no longer declares is
 * left alone, with a note.) Returns the queues finished, as `vhost/queue`.
 */
export async function finishInterruptedMigrations(
  http: ManagementClient,
  vhosts: readonly string[],
  desired: (vhost: string, queue: string) => QueueResource | undefined,
  ctx: Omit<MigrateContext, 'http' | 'target'> & { readonly target: (vhost: string) => AmqpTarget },
): Promise<string[]> {
  const done: string[] = [];
  for (const vhost of vhosts) {
    let queues: string[];
    try {
      queues = await interruptedMigrations(http, vhost);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) continue; // the vhost does not exist yet
      throw err;
    }
    for (const name of queues) {
      const want = desired(vhost, name);
      if (!want) {
        ctx.note(`queue '${name}' in vhost '${vhost}' has an interrupted migration but the spec no longer declares it; its temporary '${name}${MIGRATE_SUFFIX}*' resources are left as they are`);
        continue;
      }
      await migrateQueue(vhost, want, { ...ctx, http, target: ctx.target(vhost) });
      done.push(`${vhost}/${name}`);
    }
  }
  return done;
}

/**
 * `apply --migrate` from a spec, before planning: finishes interrupted
 * migrations (see finishInterruptedMigrations). A saved plan has no spec: its
 * queue replace and create steps resume them instead (migrateStep).
 */
export async function finishMigrationsFor(
  desired: Desired,
  endpoints: { readonly management: string; readonly amqp: string; readonly tls?: TlsOptions | undefined },
  options: { readonly allowDataLoss: boolean; readonly blockedTimeoutMs?: number; note(message: string): void },
): Promise<string[]> {
  const http = new ManagementClient(endpoints.management, { tls: endpoints.tls });
  try {
    return await finishInterruptedMigrations(
      http,
      desired.vhosts,
      (vhost, name) => {
        const r = desired.resources.get(namedKey('queue', vhost, name));
        return r?.kind === 'queue' ? r : undefined;
      },
      { ...options, target: (vhost) => amqpTarget(endpoints.amqp, vhost, endpoints.tls) },
    );
  } finally {
    await http.close();
  }
}
