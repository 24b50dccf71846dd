/**
 * Prove the routing simulator on a real broker: apply a topology to a
 * temporary vhost, publish messages with the mandatory flag and publisher
 * confirms, read back which queues got each one, delete the vhost.
 *
 * This is an I/O edge like live/ and apply/: it reaches the broker through
 * the library's own reader and executor (for the topology) and one amqplib
 * confirm channel per vhost (for the messages).
 */
import { randomBytes } from 'node:crypto';
import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { encodeArgs } from '../apply/amqp-args.js';
import { amqpConnect, amqpTarget } from '../apply/amqp-connection.js';
import { parseAmqpError } from '../apply/errors.js';
import { applyPlan, type ApplyEndpoints } from '../apply/execute.js';
import { diff } from '../diff/diff.js';
import { ManagementClient, seg } from '../live/http.js';
import { readLive } from '../live/read.js';
import { describeChange } from '../model/change.js';
import { diagnostic, WarrenError } from '../model/diagnostics.js';
import { resourceKey } from '../model/keys.js';
import type { ArgValue, Desired, PolicyResource, Resource } from '../model/types.js';
import { buildPlan } from '../plan/plan.js';
import { redactSecrets, urlPassword } from '../util/redact.js';
import { VERSION } from '../version.js';
import type { LiveOutcome } from './types.js';

/** A message to publish, in a vhost of the topology (not the temporary one). */
export interface ProbeMessage {
  readonly vhost: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly headers?: Readonly<Record<string, ArgValue>>;
}

export interface ProbeResult {
  readonly brokerVersion: string;
  /** One per message, in order. */
  readonly outcomes: readonly LiveOutcome[];
  /** Milliseconds each message took (publish, confirm, read back). */
  readonly durationsMs: readonly number[];
  /** The temporary vhost used for each vhost of the topology (already deleted). */
  readonly vhosts: ReadonlyMap<string, string>;
}

export interface ProbeOptions {
  /** Prefix of the temporary vhost names. Default `warren-probe`. */
  readonly vhostPrefix?: string;
}

/**
 * Apply the vhosts of `desired` that `messages` use to fresh temporary vhosts
 * (unique names), publish each message and report where it went. The
 * temporary vhosts are deleted in every case, also on failure.
 *
 * Queues are declared as plain classic queues without arguments: routing
 * depends only on exchanges and bindings, and arguments such as a TTL, a
 * maximum length or a dead-letter exchange (or a stream, which has no
 * basic.get) would move or hide a message before it is read back. The
 * vhost's user policies are copied with their routing keys only (see
 * `probePolicy`), so an alternate exchange set by a policy is proved too.
 */
export async function proveOnBroker(desired: Desired, messages: readonly ProbeMessage[], endpoints: ApplyEndpoints, options: ProbeOptions = {}): Promise<ProbeResult> {
  const secrets = [urlPassword(endpoints.management), urlPassword(endpoints.amqp)].filter((s): s is string => s !== undefined);
  const prefix = options.vhostPrefix ?? 'warren-probe';
  const temp = new Map<string, string>();
  for (const m of messages) if (!temp.has(m.vhost)) temp.set(m.vhost, `${prefix}-${randomBytes(5).toString('hex')}-${temp.size}`);
  const probeDesired = remap(desired, temp);
  const http = new ManagementClient(endpoints.management, { tls: endpoints.tls });
  const connections: ChannelModel[] = [];
  try {
    const observed = await readLive(http, probeDesired.vhosts);
    const plan = buildPlan(diff(probeDesired, observed, { prune: false }), {
      warrenVersion: VERSION,
      brokerVersion: observed.broker.version,
      vhosts: probeDesired.vhosts,
      prune: false,
    });
    const applied = await applyPlan(plan, endpoints, { allowDataLoss: false });
    if (applied.failed) {
      const { change, error } = applied.failed;
      throw new WarrenError(
        diagnostic('PROBE_APPLY_FAILED', `cannot set the topology up on the temporary vhost: ${describeChange(change)}: ${redactSecrets(error.message, secrets)}`),
      );
    }
    const queuesByVhost = new Map<string, string[]>();
    for (const r of probeDesired.resources.values()) {
      if (r.kind !== 'queue') continue;
      const list = queuesByVhost.get(r.vhost) ?? [];
      list.push(r.name);
      queuesByVhost.set(r.vhost, list);
    }
    const publishers = new Map<string, Publisher>();
    // A memory or disk alarm blocks every publisher until it clears: the probes would wait forever.
    let onBlocked: (reason: string) => void = () => undefined;
    const blocked = new Promise<never>((_, reject) => {
      onBlocked = (reason) =>
        reject(
          new WarrenError(
            diagnostic(
              'PROBE_BLOCKED',
              `warren test --live cannot publish: the broker is blocking publishers (${reason}: a memory or disk alarm); run the tests again once the alarm has cleared (rabbitmq-diagnostics alarms)`,
            ),
          ),
        );
    });
    blocked.catch(() => undefined);
    const outcomes: LiveOutcome[] = [];
    const durationsMs: number[] = [];
    for (const m of messages) {
      const vhost = temp.get(m.vhost) as string;
      let p = publishers.get(vhost);
      if (!p) {
        const target = amqpTarget(endpoints.amqp, vhost, endpoints.tls);
        const model = await amqpConnect(target, { clientProperties: { connection_name: `warren test --live (${vhost})` } });
        connections.push(model);
        model.on('error', () => undefined);
        model.on('blocked', (reason: string) => onBlocked(reason));
        p = new Publisher(model, queuesByVhost.get(vhost) ?? []);
        publishers.set(vhost, p);
      }
      const started = performance.now();
      outcomes.push(await Promise.race([p.probe(m), blocked]));
      durationsMs.push(performance.now() - started);
    }
    return { brokerVersion: observed.broker.version, outcomes, durationsMs, vhosts: temp };
  } finally {
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    await Promise.all([...temp.values()].map((v) => http.delete(`/api/vhosts/${seg(v)}`).catch(() => undefined)));
    await http.close();
  }
}

/** The resources of the probed vhosts, moved to their temporary names; queues plain classic. */
function remap(desired: Desired, temp: ReadonlyMap<string, string>): Desired {
  const resources = new Map<string, Resource>();
  const add = (r: Resource): void => void resources.set(resourceKey(r), r);
  for (const [from, to] of temp) {
    add({ kind: 'vhost', vhost: to, name: to, description: `warren test --live of vhost ${from}; deleted when the test ends`, tags: [], default_queue_type: 'classic' });
  }
  for (const r of desired.resources.values()) {
    const to = temp.get(r.vhost);
    if (to === undefined) continue;
    switch (r.kind) {
      case 'vhost':
        break;
      case 'exchange':
        add({ ...r, vhost: to });
        break;
      case 'queue':
        add({ kind: 'queue', vhost: to, name: r.name, type: 'classic', durable: true, auto_delete: false, arguments: {} });
        break;
      case 'binding':
        add({ ...r, vhost: to });
        break;
      case 'policy':
        add(probePolicy(r, to));
        break;
    }
  }
  return { vhosts: [...temp.values()], resources };
}

/** The policy keys that change where a message is routed or dead-lettered. */
const ROUTING_POLICY_KEYS = ['alternate-exchange', 'dead-letter-exchange', 'dead-letter-routing-key'] as const;

/**
 * `policy` for the temporary vhost `vhost`, with only its routing keys.
 *
 * Every other key goes: a `message-ttl`, `max-length`, `expires`,
 * `overflow: reject-publish` or `delivery-limit` would apply to the plain
 * classic probe queues just as an argument would, and expire, drop, delete
 * or refuse a probe message before it is read back, which is what declaring
 * the queues without arguments avoids. Operator policies can set only such
 * keys, so they are not copied at all.
 *
 * The policy itself stays, with its pattern, apply-to and priority, even
 * when it has no routing key: at most one policy applies to a resource, so a
 * higher-priority policy without an alternate exchange hides a lower one with
 * it, and dropping it would make the broker use the lower one. The broker
 * refuses an empty definition, so such a policy keeps an inert
 * `dead-letter-routing-key`: without a dead-letter exchange (and the probe
 * queues have no argument one) it does nothing, and it means nothing to
 * exchanges. (The probe rejects and expires nothing, so nothing is
 * dead-lettered there: for queues, which policy applies does not change an
 * outcome; the dead-letter keys are kept so the temporary vhost says what
 * the spec says.)
 */
function probePolicy(policy: PolicyResource, vhost: string): PolicyResource {
  const definition: Record<string, ArgValue> = {};
  for (const k of ROUTING_POLICY_KEYS) {
    const v = policy.definition[k];
    if (v !== undefined) definition[k] = v;
  }
  if (Object.keys(definition).length === 0) definition['dead-letter-routing-key'] = 'warren-probe-inert';
  return { ...policy, vhost, definition };
}

/** One confirm channel in one vhost, reopened after the broker closes it (404, 403). */
class Publisher {
  private channel: ConfirmChannel | undefined;
  private returned = new Set<string>();
  private closedWith: string | undefined;
  private seq = 0;

  constructor(
    private readonly model: ChannelModel,
    private readonly queues: readonly string[],
  ) {}

  async probe(m: ProbeMessage): Promise<LiveOutcome> {
    const ch = await this.open();
    const id = `probe-${++this.seq}`;
    const confirmed = new Promise<void>((resolve, reject) => {
      ch.publish(
        m.exchange,
        m.routingKey,
        Buffer.from(id),
        { mandatory: true, messageId: id, ...(m.headers ? { headers: encodeArgs(m.headers) } : {}) },
        (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
      );
    });
    try {
      // basic.return precedes the basic.ack of the same message, so the return (if any) has been seen.
      await confirmed;
    } catch (err) {
      const why = this.closedWith ?? parseAmqpError(err).text;
      this.channel = undefined;
      return { queues: [], returned: false, error: why };
    }
    const returned = this.returned.delete(id);
    const queues: string[] = [];
    const duplicates: Record<string, number> = {};
    for (const q of this.queues) {
      let n = 0;
      while (await ch.get(q, { noAck: true })) n++;
      if (n > 0) queues.push(q);
      if (n > 1) duplicates[q] = n;
    }
    queues.sort();
    return { queues, returned, ...(Object.keys(duplicates).length > 0 ? { duplicates } : {}) };
  }

  private async open(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    const ch = await this.model.createConfirmChannel();
    this.closedWith = undefined;
    ch.on('return', (msg: Message) => {
      const id = msg.properties.messageId as unknown;
      if (typeof id === 'string') this.returned.add(id);
    });
    ch.on('error', (err: Error) => {
      const f = parseAmqpError(err);
      this.closedWith = `${f.code ?? ''} ${f.text}`.trim();
    });
    ch.on('close', () => {
      if (this.channel === ch) this.channel = undefined;
    });
    this.channel = ch;
    return ch;
  }
}

/** A probe that could not even start, as a diagnostic. */
export function probeError(err: unknown): WarrenError {
  if (err instanceof WarrenError) return err;
  return new WarrenError(diagnostic('PROBE_FAILED', `warren test --live failed: ${err instanceof Error ? err.message : String(err)}`));
}
