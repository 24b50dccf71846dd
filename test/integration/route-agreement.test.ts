/**
 * The routing simulator against the real broker: random topologies (direct,
 * fanout, topic and headers exchanges, exchange-to-exchange bindings with
 * cycles, alternate exchanges, internal exchanges, predeclared amq.*
 * exchanges, tricky topic keys) and random messages (some with CC and BCC
 * keys), plus fixed CC/BCC cases, each topology applied to
 * a fresh vhost by `proveOnBroker`, and every message must go exactly where
 * `routeMessage` says: same queues, same mandatory return, same refusals.
 *
 * Seeded: WARREN_AGREEMENT_SEED=<n> replays a run. Size: 15 topologies × 30
 * messages by default, WARREN_DEEP=1 for 120 × 60, or WARREN_AGREEMENT_TOPOLOGIES /
 * WARREN_AGREEMENT_MESSAGES.
 */
import { describe, expect, it } from 'vitest';
import { bindingName, resourceKey } from '../../src/model/keys.js';
import type { ArgValue, Args, BindingResource, Desired, ExchangeResource, QueueResource, Resource } from '../../src/model/types.js';
import { routeMessage, topologyFrom } from '../../src/route/index.js';
import { agreementFailures, proveOnBroker, simulatedOutcome, type ProbeMessage } from '../../src/testing/index.js';
import { brokerAtLeast, prng, testUrls } from '../helpers/broker.js';

const DEEP = process.env['WARREN_DEEP'] === '1';
const TOPOLOGIES = Number(process.env['WARREN_AGREEMENT_TOPOLOGIES'] ?? (DEEP ? 120 : 15));
const MESSAGES = Number(process.env['WARREN_AGREEMENT_MESSAGES'] ?? (DEEP ? 60 : 30));
const SEED = Number(process.env['WARREN_AGREEMENT_SEED'] ?? Date.now() % 1_000_000);
const PARALLEL = 5;
const VHOST = 'gen';

class Gen {
  readonly random: () => number;
  constructor(seed: number) {
    this.random = prng(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  /** A topic-ish key: words from a small pool (so that keys collide), empty words, wildcards. */
  key(wildcards: boolean): string {
    if (this.chance(0.08)) return this.pick(['', '.', '..', 'a.', '.a', 'a..b']);
    const pool = wildcards ? ['a', 'b', 'c', '', '*', '#', '#', '*', 'a*', '#b'] : ['a', 'b', 'c', '', 'a*', '#'];
    const n = this.int(wildcards ? 1 : 0, 4);
    // RabbitMQ 4.3.6 refuses a topic binding key with more than 2 `#` words (406, measured): keep the rest `*`.
    let hashes = 0;
    return Array.from({ length: n }, () => this.pick(pool))
      .map((w) => (w === '#' && ++hashes > 2 ? '*' : w))
      .join('.');
  }
  /** A routing key that a binding key probably matches: wildcards replaced by words. */
  keyLike(bindingKey: string): string {
    return bindingKey
      .split('.')
      .flatMap((w) => (w === '#' ? Array.from({ length: this.int(0, 2) }, () => this.pick(['a', 'b', ''])) : w === '*' ? [this.pick(['a', 'c', ''])] : [w]))
      .join('.');
  }
  headerValue(): ArgValue {
    return this.pick<ArgValue>([1, 2, 'v', 'w', '1', true, false, 1.5]);
  }
}

const X_MATCH = ['all', 'any', 'all-with-x', 'any-with-x'] as const;
const HEADER_NAMES = ['h1', 'h2', 'h3', 'x-k'];

interface Generated {
  readonly desired: Desired;
  readonly messages: ProbeMessage[];
}

/**
 * RabbitMQ 4.3 refuses a topic binding key with more than two `#` words (406); older
 * versions take any number. There, the third and later `#` become `*` (the same random
 * draws, so a seed replays the same topology on every version apart from these words).
 */
function topicBindingKey(key: string): string {
  if (!brokerAtLeast(4, 3)) return key;
  let hashes = 0;
  return key
    .split('.')
    .map((w) => (w === '#' && ++hashes > 2 ? '*' : w))
    .join('.');
}

function generate(seed: number): Generated {
  const g = new Gen(seed);
  const resources = new Map<string, Resource>();
  const add = (r: Resource): void => void resources.set(resourceKey(r), r);
  add({ kind: 'vhost', vhost: VHOST, name: VHOST, description: '', tags: [], default_queue_type: 'classic' });

  const exchanges: ExchangeResource[] = [];
  const nx = g.int(3, 7);
  for (let i = 0; i < nx; i++) {
    const type = g.pick(['direct', 'fanout', 'topic', 'headers', 'topic']);
    exchanges.push({ kind: 'exchange', vhost: VHOST, name: `x${i}.${type}`, type, durable: true, auto_delete: false, internal: g.chance(0.15), arguments: {} });
  }
  // Alternate exchanges, chains and cycles included, sometimes one that does not exist.
  const withAe = exchanges.map((x): ExchangeResource => {
    if (!g.chance(0.35)) return x;
    const ae = g.chance(0.1) ? 'ghost' : g.pick(exchanges).name;
    return { ...x, arguments: { 'alternate-exchange': ae } };
  });
  for (const x of withAe) add(x);

  const queues: QueueResource[] = [];
  const nq = g.int(3, 8);
  for (let i = 0; i < nq; i++) queues.push({ kind: 'queue', vhost: VHOST, name: `q${i}`, type: 'classic', durable: true, auto_delete: false, arguments: {} });
  for (const q of queues) add(q);

  const sources = [...withAe.map((x) => ({ name: x.name, type: x.type })), { name: 'amq.topic', type: 'topic' }, { name: 'amq.direct', type: 'direct' }, { name: 'amq.headers', type: 'headers' }];
  const nb = g.int(nx + 2, nx * 4);
  for (let i = 0; i < nb; i++) {
    const src = g.chance(0.1) ? g.pick(sources.slice(-3)) : g.pick(sources.slice(0, nx));
    const toExchange = g.chance(0.3);
    const destination = toExchange ? g.pick(withAe).name : g.pick(queues).name;
    let routing_key = '';
    let args: Args = {};
    if (src.type === 'topic') routing_key = topicBindingKey(g.key(true));
    else if (src.type === 'direct') routing_key = g.key(false);
    else if (src.type === 'fanout') routing_key = g.chance(0.5) ? g.key(false) : '';
    else {
      const a: Record<string, ArgValue> = {};
      if (!g.chance(0.2)) a['x-match'] = g.pick(X_MATCH);
      for (let k = g.int(0, 3); k > 0; k--) a[g.pick(HEADER_NAMES)] = g.chance(0.1) ? null : g.headerValue();
      args = a;
    }
    const id = { source: src.name, destination, destination_type: toExchange ? ('exchange' as const) : ('queue' as const), routing_key, arguments: args };
    const b: BindingResource = { kind: 'binding', vhost: VHOST, name: bindingName(id), ...id };
    add(b);
  }

  const publishable = [...withAe.map((x) => x.name), 'amq.topic', 'amq.direct', 'amq.headers'];
  const messages: ProbeMessage[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const r = g.random();
    const exchange = r < 0.08 ? '' : r < 0.1 ? 'ghost' : g.pick(publishable);
    const bindingKeys = [...resources.values()].flatMap((res) => (res.kind === 'binding' && res.source === exchange ? [res.routing_key] : []));
    const routingKey =
      exchange === '' && g.chance(0.7) ? g.pick(queues).name : bindingKeys.length > 0 && g.chance(0.6) ? g.keyLike(g.pick(bindingKeys)) : g.key(false);
    const headers: Record<string, ArgValue> = {};
    for (let k = g.int(0, 3); k > 0; k--) headers[g.pick(HEADER_NAMES)] = g.headerValue();
    // Sender-selected distribution: CC and BCC keys route like the routing key, at every hop.
    const extraKeys = (): string[] => Array.from({ length: g.int(1, 2) }, () => (bindingKeys.length > 0 && g.chance(0.6) ? g.keyLike(g.pick(bindingKeys)) : g.key(false)));
    if (g.chance(0.2)) headers['CC'] = extraKeys();
    if (g.chance(0.1)) headers['BCC'] = extraKeys();
    messages.push({ vhost: VHOST, exchange, routingKey, ...(Object.keys(headers).length > 0 ? { headers } : {}) });
  }
  return { desired: { vhosts: [VHOST], resources }, messages };
}

interface Tally {
  messages: number;
  agreed: number;
  routed: number;
  unroutable: number;
  refused: number;
  viaAlternate: number;
  viaExchangeBinding: number;
  headers: number;
  senderSelected: number;
  failures: string[];
}

async function check(seed: number, tally: Tally): Promise<void> {
  const { desired, messages } = generate(seed);
  const probed = await proveOnBroker(desired, messages, testUrls(), { vhostPrefix: 'warren-test-agreement' });
  const topology = topologyFrom(desired.resources);
  messages.forEach((m, i) => {
    const result = routeMessage(topology, m, { brokerVersion: probed.brokerVersion });
    const sim = simulatedOutcome(result);
    const hops = result.paths.flatMap((p) => p.hops);
    if (hops.some((h) => h.via === 'alternate-exchange')) tally.viaAlternate++;
    if (hops.some((h) => h.via === 'binding' && h.to.kind === 'exchange')) tally.viaExchangeBinding++;
    if (hops.some((h) => h.type === 'headers')) tally.headers++;
    if (m.headers && ('CC' in m.headers || 'BCC' in m.headers)) tally.senderSelected++;
    const live = probed.outcomes[i];
    if (!live) throw new Error(`no live outcome for message ${i}`);
    const failures = agreementFailures(sim, live);
    tally.messages++;
    if (failures.length === 0) tally.agreed++;
    else tally.failures.push(`seed ${seed}, message ${i} ${JSON.stringify(m)}: ${failures.join('; ')}\n  topology: ${summarize(desired)}`);
    if (sim.error !== undefined) tally.refused++;
    else if (sim.unroutable) tally.unroutable++;
    else tally.routed++;
  });
}

function summarize(desired: Desired): string {
  return [...desired.resources.values()]
    .map((r) => {
      if (r.kind === 'exchange') return `${r.name}${r.internal ? ' internal' : ''}${r.arguments['alternate-exchange'] ? ` ae=${String(r.arguments['alternate-exchange'])}` : ''}`;
      if (r.kind === 'binding') return `${r.source}->${r.destination_type === 'exchange' ? 'x:' : ''}${r.destination}[${r.routing_key}]${Object.keys(r.arguments).length > 0 ? JSON.stringify(r.arguments) : ''}`;
      return '';
    })
    .filter((s) => s !== '')
    .join(' | ');
}

/** Fixed CC/BCC cases (sender-selected distribution): the simulator must say what the broker does, and both what was measured. */
function ccTopology(): Desired {
  const resources = new Map<string, Resource>();
  const add = (r: Resource): void => void resources.set(resourceKey(r), r);
  const x = (name: string, type: string, args: Args = {}): void => add({ kind: 'exchange', vhost: VHOST, name, type, durable: true, auto_delete: false, internal: false, arguments: args });
  const bind = (source: string, destination: string, routing_key: string, destination_type: 'queue' | 'exchange' = 'queue'): void => {
    const id = { source, destination, destination_type, routing_key, arguments: {} };
    add({ kind: 'binding', vhost: VHOST, name: bindingName(id), ...id });
  };
  add({ kind: 'vhost', vhost: VHOST, name: VHOST, description: '', tags: [], default_queue_type: 'classic' });
  for (const q of ['q1', 'q2', 'q3', 'q4', 'q5', 'qa', 'qb', 'qc']) add({ kind: 'queue', vhost: VHOST, name: q, type: 'classic', durable: true, auto_delete: false, arguments: {} });
  x('d', 'direct');
  bind('d', 'q1', 'k1');
  bind('d', 'q2', 'k2');
  bind('d', 'q3', 'k3');
  x('t', 'topic');
  bind('t', 'q4', 'a.*');
  x('e1', 'direct');
  x('e2', 'direct');
  bind('e1', 'e2', 'k5', 'exchange');
  bind('e2', 'q5', 'k6');
  x('aef', 'fanout');
  bind('aef', 'qa', '');
  x('ad', 'direct', { 'alternate-exchange': 'aef' });
  bind('ad', 'qb', 'kb');
  x('aed', 'direct');
  bind('aed', 'qc', 'cck');
  x('ad2', 'direct', { 'alternate-exchange': 'aed' });
  return { vhosts: [VHOST], resources };
}

const CC_CASES: readonly { name: string; message: ProbeMessage; queues: string[] | 'refused' }[] = [
  { name: 'direct + CC + BCC', message: { vhost: VHOST, exchange: 'd', routingKey: 'k1', headers: { CC: ['k2'], BCC: ['k3'] } }, queues: ['q1', 'q2', 'q3'] },
  { name: 'direct, CC only matches', message: { vhost: VHOST, exchange: 'd', routingKey: 'zz', headers: { CC: ['k2'] } }, queues: ['q2'] },
  { name: 'BCC only matches', message: { vhost: VHOST, exchange: 'd', routingKey: 'zz', headers: { BCC: ['k3'] } }, queues: ['q3'] },
  { name: 'topic + CC wildcard match', message: { vhost: VHOST, exchange: 't', routingKey: 'zz', headers: { CC: ['a.b'] } }, queues: ['q4'] },
  { name: 'CC duplicates the routing key: one copy', message: { vhost: VHOST, exchange: 'd', routingKey: 'k1', headers: { CC: ['k1', 'k1'], BCC: ['k1'] } }, queues: ['q1'] },
  { name: 'CC key used at the next hop of an e2e binding', message: { vhost: VHOST, exchange: 'e1', routingKey: 'k5', headers: { CC: ['k6'] } }, queues: ['q5'] },
  { name: 'CC keys at both hops', message: { vhost: VHOST, exchange: 'e1', routingKey: 'zz', headers: { CC: ['k5', 'k6'] } }, queues: ['q5'] },
  { name: 'CC matched: alternate exchange not used', message: { vhost: VHOST, exchange: 'ad', routingKey: 'zz', headers: { CC: ['kb'] } }, queues: ['qb'] },
  { name: 'nothing matched: alternate exchange', message: { vhost: VHOST, exchange: 'ad', routingKey: 'zz', headers: { CC: ['yy'] } }, queues: ['qa'] },
  { name: 'alternate exchange routes by the CC key', message: { vhost: VHOST, exchange: 'ad2', routingKey: 'zz', headers: { CC: ['cck'] } }, queues: ['qc'] },
  { name: 'default exchange: CC and BCC name queues', message: { vhost: VHOST, exchange: '', routingKey: 'q1', headers: { CC: ['q2'], BCC: ['q3', 'nosuch'] } }, queues: ['q1', 'q2', 'q3'] },
  { name: 'lower-case cc is an ordinary header', message: { vhost: VHOST, exchange: 'd', routingKey: 'zz', headers: { cc: ['k1'] } }, queues: [] },
  { name: 'non-string CC items are ignored', message: { vhost: VHOST, exchange: 'd', routingKey: 'zz', headers: { CC: [5, 'k1'] } }, queues: ['q1'] },
  { name: 'CC that is a string is refused', message: { vhost: VHOST, exchange: 'd', routingKey: 'k1', headers: { CC: 'k2' } }, queues: 'refused' },
  { name: 'BCC that is a number is refused', message: { vhost: VHOST, exchange: 'd', routingKey: 'k1', headers: { BCC: 5 } }, queues: 'refused' },
  { name: 'after a refusal the next message routes', message: { vhost: VHOST, exchange: 'd', routingKey: 'k1', headers: { CC: ['k2'] } }, queues: ['q1', 'q2'] },
];

describe('CC and BCC: the simulator agrees with RabbitMQ', () => {
  it('on fixed cases: direct, topic, duplicates, exchange-to-exchange, alternate and default exchanges, refusals', async () => {
    const desired = ccTopology();
    const messages = CC_CASES.map((c) => c.message);
    const probed = await proveOnBroker(desired, messages, testUrls(), { vhostPrefix: 'warren-test-agreement-cc' });
    const topology = topologyFrom(desired.resources);
    const rows = CC_CASES.map((c, i) => {
      const sim = simulatedOutcome(routeMessage(topology, c.message, { brokerVersion: probed.brokerVersion }));
      const live = probed.outcomes[i];
      if (!live) throw new Error(`no live outcome for ${c.name}`);
      return {
        name: c.name,
        simulated: sim.error !== undefined ? 'refused' : sim.queues,
        live: live.error !== undefined ? 'refused' : live.queues,
        failures: agreementFailures(sim, live),
        refusal: live.error ?? '',
      };
    });
    expect(rows.map((r) => ({ name: r.name, simulated: r.simulated, live: r.live, failures: r.failures }))).toEqual(
      CC_CASES.map((c) => ({ name: c.name, simulated: c.queues, live: c.queues, failures: [] })),
    );
    // 3.10.8 and 4.3.6 answer alike (measured)
    expect(rows.find((r) => r.name === 'CC that is a string is refused')?.refusal).toContain('unacceptable_type_in_header,"CC",longstr');
  });
});

describe('routing simulator agrees with RabbitMQ', () => {
  it(
    `on ${TOPOLOGIES} random topologies × ${MESSAGES} messages (seed ${SEED})`,
    async () => {
      const tally: Tally = { messages: 0, agreed: 0, routed: 0, unroutable: 0, refused: 0, viaAlternate: 0, viaExchangeBinding: 0, headers: 0, senderSelected: 0, failures: [] };
      const seeds = Array.from({ length: TOPOLOGIES }, (_, i) => SEED * 1000 + i);
      for (let i = 0; i < seeds.length; i += PARALLEL) {
        await Promise.all(seeds.slice(i, i + PARALLEL).map((s) => check(s, tally)));
      }
      console.log(
        `route agreement (seed ${SEED}): ${tally.agreed}/${tally.messages} messages agreed over ${TOPOLOGIES} topologies ` +
          `(${tally.routed} routed, ${tally.unroutable} unroutable, ${tally.refused} refused; ` +
          `delivered via an alternate exchange ${tally.viaAlternate}, via exchange-to-exchange bindings ${tally.viaExchangeBinding}, via headers exchanges ${tally.headers}; ${tally.senderSelected} with CC or BCC keys)`,
      );
      expect(tally.failures.slice(0, 10)).toEqual([]);
      expect(tally.agreed).toBe(TOPOLOGIES * MESSAGES);
      // The generator must exercise every outcome, or the agreement proves little.
      expect(tally.routed).toBeGreaterThan(0);
      expect(tally.unroutable).toBeGreaterThan(0);
      expect(tally.senderSelected).toBeGreaterThan(0);
    },
    DEEP ? 900_000 : 120_000,
  );
});
