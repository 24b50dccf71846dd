// `npm run bench` (after `npm run build`, with the test broker running:
// `bash scripts/broker.sh start`): issue 7's scale benchmark.
//
// For each workload (W2k, W10k; W50k with --w50k) it measures, in the same
// run, against the same broker: the baselines (a) one POST of the vhost's
// definitions, (b) amqplib on one channel, sequential, (c) amqplib over 32
// channels, (d) one HTTP call per resource, the reads (one bulk GET of the
// vhost's definitions, one GET per queue), and Warren: apply from empty, a
// plan with no changes, plan + apply of a 1% change. Then the pure diff +
// plan of 100,000 resources in memory. Prints a table per workload, or one
// JSON document with --json. Every vhost it creates is deleted afterwards.
//
//   node scripts/bench.mjs [--workloads W2k,W10k] [--w50k] [--json]
//        [--skip a,b,c,d,reads,warren,pure] [--concurrency N] [--full]
//        [--management-url URL] [--amqp-url URL]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  baselineAmqpPipelined,
  baselineAmqpSequential,
  baselineDefinitions,
  baselineHttpPerResource,
  readDefinitions,
  readPerQueue,
} from './bench/baselines.mjs';
import { createVhost, deleteVhost, Mgmt } from './bench/broker.mjs';
import { renderJson, renderPure, renderWorkload } from './bench/report.mjs';
import { changedWorkload, makeWorkload, warrenSpec, WORKLOADS } from './bench/workload.mjs';

const { values: opts } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'W2k,W10k' },
    w50k: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
    concurrency: { type: 'string' },
    full: { type: 'boolean', default: false },
    'pure-size': { type: 'string', default: '100000' },
    'management-url': { type: 'string', default: process.env.WARREN_BENCH_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15680' },
    'amqp-url': { type: 'string', default: process.env.WARREN_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:56720' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  process.stdout.write(`${readHeader()}\n`);
  process.exit(0);
}

const endpoints = { management: opts['management-url'], amqp: opts['amqp-url'] };
const skip = new Set(opts.skip.split(',').filter(Boolean));
const names = [...new Set([...opts.workloads.split(',').filter(Boolean), ...(opts.w50k ? ['W50k'] : [])])];
for (const n of names) if (!WORKLOADS[n]) fail(`unknown workload ${n}; choose from ${Object.keys(WORKLOADS).join(', ')}`);
// Sequential baselines past this many objects run on a prefix and are extrapolated.
const SAMPLE_OBJECTS = opts.full ? Infinity : 4_100;
const SAMPLE_QUEUE_READS = opts.full ? Infinity : 1_000;
const CHANNELS_C = 32;

const log = (line) => process.stderr.write(`${line}\n`);
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

let warrenLib;
async function loadWarren() {
  try {
    warrenLib ??= await import('./bench/warren.mjs');
  } catch (err) {
    fail(`cannot load Warren from dist/ (${err.message}); run \`npm run build\` first`);
  }
  return warrenLib;
}

const mgmt = new Mgmt(endpoints.management);
const tmp = mkdtempSync(join(tmpdir(), 'warren-bench-'));
const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version },
  broker: null,
  warren: { concurrency: opts.concurrency ?? 'default', startup_ms: null },
  workloads: [],
  pure: null,
};

try {
  const overview = await mgmt.get('/api/overview').catch((err) => fail(`no broker at ${endpoints.management} (${err.message}); start it with \`bash scripts/broker.sh start\``));
  report.broker = { version: overview.body.rabbitmq_version, erlang: overview.body.erlang_version };
  if (!skip.has('warren')) report.warren.startup_ms = (await loadWarren()).startupMs();
  for (const name of names) report.workloads.push(await runWorkload(WORKLOADS[name]));
  if (!skip.has('pure')) report.pure = runPure(Number(opts['pure-size']));
} finally {
  await mgmt.close();
  rmSync(tmp, { recursive: true, force: true });
}

if (opts.json) process.stdout.write(`${renderJson(report)}\n`);
else {
  process.stdout.write(`\nwarren bench, ${report.date.slice(0, 10)}: RabbitMQ ${report.broker.version}, ${report.machine.cpus} CPUs, Node ${report.machine.node}\n`);
  for (const w of report.workloads) process.stdout.write(`\n${renderWorkload(w, report)}`);
  if (report.pure) process.stdout.write(`\n${renderPure(report.pure)}`);
}

async function runWorkload(size) {
  const w = makeWorkload(size);
  const tag = size.name.toLowerCase();
  const vh = (suffix) => `warren-bench-${tag}-${suffix}`;
  const out = { name: w.name, exchanges: w.exchanges, queues: w.queues, bindings: w.queues, objects: w.objects, figures: {} };
  const f = out.figures;
  log(`${w.name}: ${w.exchanges} exchanges, ${w.queues} queues, ${w.queues} bindings (${w.objects} objects)`);
  for (const s of ['a', 'b', 'c', 'd', 'w']) await deleteVhost(mgmt, vh(s)); // leftovers of an interrupted run

  const inVhost = async (suffix, fn) => {
    const v = vh(suffix);
    await createVhost(mgmt, v);
    try {
      return await fn(v);
    } finally {
      const t = performance.now();
      await deleteVhost(mgmt, v);
      log(`  (deleted vhost ${v} in ${secs(performance.now() - t)})`);
    }
  };
  // A figure that fails (e.g. the broker closes a connection under load) is reported as such; the run goes on.
  const step = async (key, label, fn) => {
    log(`  ${label} ...`);
    const t = performance.now();
    try {
      f[key] = await fn();
      log(`  ${label}: ${secs(f[key].ms)}${f[key].sampled ? ` (extrapolated from ${f[key].sampled.done} of ${f[key].sampled.total})` : ''}`);
    } catch (err) {
      f[key] = { error: String(err?.message ?? err).split('\n')[0], after_ms: performance.now() - t };
      log(`  ${label}: FAILED after ${secs(f[key].after_ms)}: ${f[key].error}`);
    }
  };

  // The slow sequential baselines first; then (a), and (c) right before Warren's apply, so
  // that the figures compared by the targets are measured close together on a busy machine.
  if (!skip.has('b')) await step('b_amqp_sequential', '(b) amqplib, 1 channel, sequential', () => inVhost('b', (v) => baselineAmqpSequential(endpoints.amqp, w, v, SAMPLE_OBJECTS)));
  if (!skip.has('d')) await step('d_http_per_resource', '(d) HTTP, one call per resource', () => inVhost('d', (v) => baselineHttpPerResource(mgmt, w, v, SAMPLE_OBJECTS)));
  if (!skip.has('a')) await step('a_definitions_post', '(a) POST /api/definitions', () => inVhost('a', (v) => baselineDefinitions(mgmt, w, v)));
  if (!skip.has('c')) await step('c_amqp_32_channels', `(c) amqplib, ${CHANNELS_C} channels`, () => inVhost('c', (v) => baselineAmqpPipelined(endpoints.amqp, w, v, CHANNELS_C)));

  // Warren's vhost: created by Warren's apply, then read by the read baselines at the same state as Warren's plan.
  const v = vh('w');
  try {
    if (!skip.has('warren')) {
      const { warren } = await loadWarren();
      const spec = join(tmp, `${tag}.json`);
      writeFileSync(spec, JSON.stringify(warrenSpec(w, v)));
      const changed = changedWorkload(w);
      const spec1 = join(tmp, `${tag}-1pct.json`);
      writeFileSync(spec1, JSON.stringify(warrenSpec(changed, v)));
      const conc = opts.concurrency ? ['--concurrency', opts.concurrency] : [];
      const forward = (text) => process.stderr.write(text.replace(/^(?=.)/gm, '    '));

      await step('warren_apply', 'warren apply, from empty', async () => {
        const r = await warren(['apply', spec, '--auto-approve', ...conc], endpoints, { forward });
        return { ms: r.applied_ms ?? r.ms, with_verify_ms: r.ms, until_plan_printed_ms: r.planned_ms, output_bytes: r.out_bytes };
      });
      // The no-change plan and the bulk read it is compared with, interleaved: right after a
      // large apply the broker is busy for a while, and whichever ran first would pay for it.
      const planRuns = [];
      const readRuns = [];
      let bytes = 0;
      for (let i = 0; i < 3; i++) {
        await step('warren_plan', `warren plan, no changes (run ${i + 1} of 3)`, async () => {
          planRuns.push((await warren(['plan', spec, '--prune'], endpoints)).ms);
          return { ms: median(planRuns), runs_ms: planRuns };
        });
        if (skip.has('reads')) continue;
        await step('read_definitions', `read: GET /api/definitions/{vhost} (run ${i + 1} of 3)`, async () => {
          const r = await readDefinitions(mgmt, v, 1);
          readRuns.push(r.ms);
          bytes = r.bytes;
          return { ms: median(readRuns), runs_ms: readRuns, bytes };
        });
      }
      if (!skip.has('reads')) await step('read_per_queue', 'read: one GET per queue', () => readPerQueue(mgmt, w, v, SAMPLE_QUEUE_READS));
      const { planBreakdown } = await loadWarren();
      out.plan_breakdown = await planBreakdown(spec, endpoints).catch((err) => ({ error: String(err?.message ?? err) }));
      log(`  plan breakdown: ${JSON.stringify(out.plan_breakdown, (k, x) => (typeof x === 'number' ? Math.round(x) : x))}`);
      await step('warren_change', `warren plan + apply, 1% change (${changed.changedBindings} bindings re-routed, --prune)`, async () => {
        const r = await warren(['apply', spec1, '--auto-approve', '--prune', ...conc], endpoints, { forward });
        return { ms: r.applied_ms ?? r.ms, with_verify_ms: r.ms, changes: 2 * changed.changedBindings };
      });
    } else if (!skip.has('reads')) {
      await createVhost(mgmt, v);
      await baselineDefinitions(mgmt, w, v);
      await step('read_definitions', 'read: GET /api/definitions/{vhost} (median of 3)', () => readDefinitions(mgmt, v, 3));
      await step('read_per_queue', 'read: one GET per queue', () => readPerQueue(mgmt, w, v, SAMPLE_QUEUE_READS));
    }
  } finally {
    const t = performance.now();
    await deleteVhost(mgmt, v);
    log(`  (deleted vhost ${v} in ${secs(performance.now() - t)})`);
  }
  return out;
}

function runPure(n) {
  log(`pure diff + plan of ${n} resources in memory ...`);
  const script = fileURLToPath(new URL('./bench/pure.mjs', import.meta.url));
  const out = { resources: n, runs: 0 };
  for (const scenario of ['from_empty', 'in_sync', 'one_percent']) {
    const r = JSON.parse(execFileSync(process.execPath, [script, String(n), scenario], { encoding: 'utf8' }));
    out[scenario] = r;
    out.runs = r.runs;
    out.resources = r.resources;
    log(`  ${scenario}: ${Math.round(r.ms)} ms, peak RSS ${Math.round(r.max_rss_mb)} MB`);
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function readHeader() {
  return 'usage: npm run bench -- [--workloads W2k,W10k] [--w50k] [--json] [--skip a,b,c,d,reads,warren,pure] [--concurrency N] [--full] [--pure-size N]\n' +
    'Needs `npm run build` and the test broker (`bash scripts/broker.sh start`).';
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}
