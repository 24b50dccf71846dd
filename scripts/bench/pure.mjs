// The pure diff + plan of N resources in memory, no broker. Each scenario
// runs in its own process (`node scripts/bench/pure.mjs 100000 in_sync`), so
// that its peak resident memory is its own; it prints one JSON object.
//
// N resources = 1 vhost + N/200 exchanges + the rest split between queues and
// one binding per queue. Scenarios: from_empty (N creates), in_sync (no
// changes) and one_percent (a binding of every hundredth queue re-routed,
// with --prune). Time: the median of `runs` after one cold run, which is
// reported too. Peak RSS includes the inputs (both resource maps).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

// WARREN_BENCH_DIST: another build of Warren to measure (a directory like dist/).
const dist = process.env.WARREN_BENCH_DIST ? pathToFileURL(`${process.env.WARREN_BENCH_DIST}/index.js`).href : '../../dist/index.js';
const { bindingName, buildPlan, diff, renderPlanText, resourceKey } = await import(dist);

const n = Number(process.argv[2] ?? 100_000);
const scenario = process.argv[3] ?? 'in_sync';
const runs = Number(process.argv[4] ?? 5);

const V = 'bench';
const vhost = { kind: 'vhost', vhost: V, name: V, description: '', tags: [], default_queue_type: 'classic' };
const queues = Math.floor((n - 1 - Math.max(1, Math.round(n / 200))) / 2);
const exchanges = n - 1 - 2 * queues;

function resources(changed) {
  const out = [vhost];
  for (let i = 0; i < exchanges; i++) {
    out.push({ kind: 'exchange', vhost: V, name: `x${i}`, type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
  }
  for (let i = 0; i < queues; i++) {
    const name = `q${i}`;
    out.push({ kind: 'queue', vhost: V, name, type: 'classic', durable: true, auto_delete: false, arguments: i % 10 === 0 ? { 'x-max-length': 1000 } : {} });
    const id = { vhost: V, source: `x${i % exchanges}`, destination: name, destination_type: 'queue', routing_key: `k.${i}${changed && i % 100 === 0 ? '.v2' : ''}`, arguments: {} };
    out.push({ kind: 'binding', ...id, name: bindingName(id) });
  }
  return new Map(out.map((r) => [resourceKey(r), r]));
}

const broker = { version: '3.10.8', exchangeTypes: ['direct', 'fanout', 'topic', 'headers'] };
// Live resources are distinct objects (as read from the broker), not the desired ones.
const liveOf = () => ({ broker, vhosts: [V], resources: new Map([...resources(false)].map(([k, r]) => [k, r.kind === 'queue' ? { ...r, messages: 0 } : r])) });
const inputs = {
  from_empty: () => [{ vhosts: [V], resources: resources(false) }, { broker, vhosts: [V], resources: new Map() }, false],
  in_sync: () => [{ vhosts: [V], resources: resources(false) }, liveOf(), true],
  one_percent: () => [{ vhosts: [V], resources: resources(true) }, liveOf(), true],
};
if (!inputs[scenario]) throw new Error(`unknown scenario ${scenario}`);
const [desired, observed, prune] = inputs[scenario]();

const ctx = { warrenVersion: 'bench', brokerVersion: broker.version, vhosts: [V], prune };
const cold0 = performance.now();
const plan = buildPlan(diff(desired, observed, { prune }), ctx);
const cold = performance.now() - cold0;
const times = [];
const cpu = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const c = process.cpuUsage();
  buildPlan(diff(desired, observed, { prune }), ctx);
  times.push(performance.now() - t);
  const used = process.cpuUsage(c);
  cpu.push((used.user + used.system) / 1000);
}
times.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
// Peak resident set of this process (inputs included), before rendering.
const maxRss = process.resourceUsage().maxRSS / 1024;
const r0 = performance.now();
const text = renderPlanText(plan);
const render = performance.now() - r0;
const result = {
  resources: desired.resources.size,
  scenario,
  runs,
  ms: times[Math.floor(times.length / 2)],
  min_ms: times[0],
  // CPU time of the process (GC threads included): less sensitive to a busy machine than wall time.
  cpu_ms: cpu[Math.floor(cpu.length / 2)],
  cold_ms: cold,
  changes: plan.changes.length,
  max_rss_mb: maxRss,
  render_text_ms: render,
  text_bytes: text.length,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
