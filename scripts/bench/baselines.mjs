// The baselines of issue 7, each writing the whole workload into its own
// fresh vhost (created before and deleted after the timed part):
//   (a) one POST /api/definitions/{vhost}   (the broker's bulk import)
//   (b) amqplib, one channel, sequential    (what rascal and hand-written code do)
//   (c) amqplib, 32 channels, pipelined     (the practical limit of the broker here)
//   (d) one HTTP call per resource          (what per-resource tools do)
// and the reads: one bulk GET /api/definitions/{vhost} vs one GET per queue.
//
// (b), (d) and the per-queue GET are linear in the object count at a fixed
// cost per round trip; past `sampleLimit` objects they run on a prefix of the
// workload (every exchange, then the first queues and their bindings) and the
// time is extrapolated by object count. Results say so (`sampled`).
import { performance } from 'node:perf_hooks';
import { amqpConnect, enc } from './broker.mjs';
import { definitions, phases } from './workload.mjs';

/** A timed figure: `{ ms, sampled?: { done, total } }` */
function figure(ms, done, total) {
  return done < total ? { ms: (ms * total) / done, measured_ms: ms, sampled: { done, total } } : { ms };
}

/** Every exchange, then the first queues and their bindings, up to `limit` objects in all. */
function samplePhases(w, limit) {
  const [xs, qs, bs] = phases(w);
  const perQueue = Math.max(1, Math.floor((limit - xs.length) / 2));
  if (xs.length + qs.length + bs.length <= limit) return { ops: [xs, qs, bs], done: xs.length + qs.length + bs.length };
  const q = qs.slice(0, perQueue);
  const b = bs.slice(0, perQueue);
  return { ops: [xs, q, b], done: xs.length + q.length + b.length };
}

/**
 * The management listener closes a connection that received nothing for 60 s
 * (cowboy's idle timeout), and a large import on a busy broker takes longer.
 * The import goes on regardless; then its end is found by polling the
 * vhost's binding count (bindings are imported last), and the figure says so.
 */
export async function baselineDefinitions(mgmt, w, vhost) {
  const body = definitions(w);
  const t = performance.now();
  try {
    await mgmt.req('POST', `/api/definitions/${enc(vhost)}`, body);
    return figure(performance.now() - t, w.objects, w.objects);
  } catch (err) {
    if (err?.code !== 'UND_ERR_SOCKET') throw err;
    const closedAfter = performance.now() - t;
    const expected = 2 * w.queueList.length; // each queue's default binding and its own
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const page = await mgmt.get(`/api/bindings/${enc(vhost)}?page=1&page_size=1`);
      if ((page.body?.total_count ?? 0) >= expected) break;
    }
    return { ms: performance.now() - t, note: `the broker closed the request after ${(closedAfter / 1000).toFixed(0)} s (its HTTP idle timeout); the end of the import was found by polling (±1 s)` };
  }
}

async function amqpOp(ch, op) {
  switch (op.kind) {
    case 'exchange':
      return ch.assertExchange(op.name, 'topic', { durable: true, autoDelete: false, internal: false });
    case 'queue':
      return ch.assertQueue(op.name, { durable: true, autoDelete: false, exclusive: false });
    case 'binding':
      return ch.bindQueue(op.destination, op.source, op.routingKey, {});
    default:
      throw new Error(`unknown op ${op.kind}`);
  }
}

export async function baselineAmqpSequential(amqpUrl, w, vhost, sampleLimit) {
  const { ops, done } = samplePhases(w, sampleLimit);
  const conn = await amqpConnect(amqpUrl, vhost);
  try {
    const ch = await conn.createChannel();
    const t = performance.now();
    for (const phase of ops) for (const op of phase) await amqpOp(ch, op);
    const ms = performance.now() - t;
    return figure(ms, done, w.objects);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** `channels` workers on one connection, each with one RPC in flight (amqplib allows no more per channel). */
export async function baselineAmqpPipelined(amqpUrl, w, vhost, channels) {
  const conn = await amqpConnect(amqpUrl, vhost);
  try {
    const chans = await Promise.all(Array.from({ length: channels }, () => conn.createChannel()));
    const t = performance.now();
    for (const phase of phases(w)) {
      let next = 0;
      await Promise.all(
        chans.map(async (ch) => {
          while (next < phase.length) await amqpOp(ch, phase[next++]);
        }),
      );
    }
    return figure(performance.now() - t, w.objects, w.objects);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** One request per resource on one keep-alive connection: PUT exchange, PUT queue, POST binding. */
export async function baselineHttpPerResource(mgmt, w, vhost, sampleLimit) {
  const { ops, done } = samplePhases(w, sampleLimit);
  const v = enc(vhost);
  const t = performance.now();
  for (const phase of ops) {
    for (const op of phase) {
      if (op.kind === 'exchange') {
        await mgmt.req('PUT', `/api/exchanges/${v}/${enc(op.name)}`, { type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
      } else if (op.kind === 'queue') {
        await mgmt.req('PUT', `/api/queues/${v}/${enc(op.name)}`, { durable: true, auto_delete: false, arguments: {} });
      } else {
        await mgmt.req('POST', `/api/bindings/${v}/e/${enc(op.source)}/q/${enc(op.destination)}`, { routing_key: op.routingKey, arguments: {} });
      }
    }
  }
  return figure(performance.now() - t, done, w.objects);
}

/** Median of `reps` bulk reads of the vhost's definitions. */
export async function readDefinitions(mgmt, vhost, reps) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const r = await mgmt.get(`/api/definitions/${enc(vhost)}`);
    times.push(performance.now() - t);
    bytes = r.bytes;
  }
  return { ms: median(times), runs_ms: times, bytes };
}

/** One GET per queue, sequential on one keep-alive connection (a per-resource reader). */
export async function readPerQueue(mgmt, w, vhost, sampleLimit) {
  const names = w.queueList.slice(0, sampleLimit).map((q) => q.name);
  const t = performance.now();
  for (const name of names) await mgmt.get(`/api/queues/${enc(vhost)}/${enc(name)}`);
  return figure(performance.now() - t, names.length, w.queueList.length);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
