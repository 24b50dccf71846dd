// Benchmark workloads: one vhost, N topic exchanges, M classic durable queues,
// each queue bound once to one exchange. Deterministic names, so every
// baseline and Warren declare exactly the same objects.

/** @typedef {{ name: string, exchanges: number, queues: number }} WorkloadSize */

/** @type {Record<string, WorkloadSize>} */
export const WORKLOADS = {
  W2k: { name: 'W2k', exchanges: 50, queues: 2_000 },
  W10k: { name: 'W10k', exchanges: 100, queues: 10_000 },
  W50k: { name: 'W50k', exchanges: 500, queues: 50_000 },
};

const pad = (i, n) => String(i).padStart(String(n - 1).length, '0');

/**
 * The objects of a workload. `changed` marks the queues whose binding the 1%
 * change re-routes (their routing key gets a `.v2` suffix).
 */
export function makeWorkload(size) {
  const exchanges = [];
  for (let i = 0; i < size.exchanges; i++) exchanges.push(`bench.x${pad(i, size.exchanges)}`);
  const queues = [];
  for (let i = 0; i < size.queues; i++) {
    const name = `bench.q${pad(i, size.queues)}`;
    queues.push({ name, exchange: exchanges[i % exchanges.length], routingKey: `orders.${i % 997}.${name}.#` });
  }
  return { ...size, exchangeNames: exchanges, queueList: queues, objects: exchanges.length + 2 * queues.length };
}

/** The 1% change: every hundredth queue's binding gets another routing key. */
export function changedWorkload(w) {
  const queueList = w.queueList.map((q, i) => (i % 100 === 0 ? { ...q, routingKey: `${q.routingKey}.v2` } : q));
  return { ...w, queueList, changedBindings: queueList.filter((_, i) => i % 100 === 0).length };
}

/** Warren's native spec, as JSON (the spec loader's fast path; YAML parses at ~1 MB/s). */
export function warrenSpec(w, vhost) {
  const exchanges = {};
  for (const x of w.exchangeNames) exchanges[x] = { type: 'topic' };
  const queues = {};
  for (const q of w.queueList) queues[q.name] = { bind: [{ exchange: q.exchange, routing_key: q.routingKey }] };
  return { version: 1, vhosts: { [vhost]: { exchanges, queues } } };
}

/** The same topology as a vhost definitions document for POST /api/definitions/{vhost}. */
export function definitions(w) {
  return {
    exchanges: w.exchangeNames.map((name) => ({ name, type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} })),
    queues: w.queueList.map((q) => ({ name: q.name, durable: true, auto_delete: false, arguments: {} })),
    bindings: w.queueList.map((q) => ({ source: q.exchange, destination: q.name, destination_type: 'queue', routing_key: q.routingKey, arguments: {} })),
  };
}

/**
 * The declare operations in dependency order, as three phases. Each op is
 * `{ kind, ... }`; the baselines turn them into AMQP methods or HTTP calls.
 */
export function phases(w) {
  return [
    w.exchangeNames.map((name) => ({ kind: 'exchange', name })),
    w.queueList.map((q) => ({ kind: 'queue', name: q.name })),
    w.queueList.map((q) => ({ kind: 'binding', source: q.exchange, destination: q.name, routingKey: q.routingKey })),
  ];
}
