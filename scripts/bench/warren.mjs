// Warren's figures: the CLI's own code path (`run` from dist/cli/main.js),
// in this process, as a non-interactive user runs it. Node's start-up and
// module loading are measured separately (startupMs), once.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// WARREN_BENCH_DIST: another build of Warren to measure (a directory like dist/).
const dist = process.env.WARREN_BENCH_DIST ? pathToFileURL(`${process.env.WARREN_BENCH_DIST}/`).href : new URL('../../dist/', import.meta.url).href;
const { run } = await import(`${dist}cli/main.js`);
const lib = await import(`${dist}index.js`);

/**
 * Runs `warren <args>`; resolves with the total time, the time at which the
 * apply result was printed (apply prints it before its verifying re-plan),
 * the output size and the stderr text (progress lines, warnings).
 */
export async function warren(args, endpoints, { forward } = {}) {
  const writes = [];
  let stderr = '';
  const t0 = performance.now();
  const code = await run(args, {
    out: (text) => writes.push({ at: performance.now() - t0, text }),
    err: (text) => {
      stderr += text;
      if (forward) forward(text);
    },
    env: { ...process.env, WARREN_MANAGEMENT_URL: endpoints.management, WARREN_AMQP_URL: endpoints.amqp, NO_COLOR: '1' },
    stdinIsTTY: false,
    stdoutIsTTY: false,
    cwd: repoRoot,
    ask: () => Promise.reject(new Error('no terminal in the benchmark')),
  });
  const ms = performance.now() - t0;
  if (code !== 0) {
    const out = writes.map((w) => w.text).join('');
    throw new Error(`warren ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}${out.slice(-2000)}`);
  }
  const result = writes.findLast((w) => /^Apply (complete|failed)/m.test(w.text));
  // apply prints the plan just before it starts the steps: load, lock, read, diff, plan and render are done
  const planned = writes.find((w) => /^Plan for /m.test(w.text));
  return { ms, applied_ms: result?.at, planned_ms: planned?.at, out_bytes: writes.reduce((n, w) => n + w.text.length, 0), stderr };
}

/** `node bin/warren --version`: Node start-up plus loading Warren's modules, median of 3. */
export function startupMs() {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [`${repoRoot}bin/warren`, '--version'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bin/warren --version failed: ${r.stderr}`);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1];
}

/**
 * Where the time of a no-change plan goes, with the library functions the CLI
 * calls: load the spec, read the broker (each GET timed), diff + plan, render.
 */
export async function planBreakdown(spec, endpoints) {
  const t0 = performance.now();
  const { desired } = await lib.loadSpec([spec]);
  const t1 = performance.now();
  const client = new lib.ManagementClient(endpoints.management);
  const gets = [];
  const timed = {
    get: async (path) => {
      const t = performance.now();
      const r = await client.get(path);
      gets.push({ path: path.replace(/\?.*/, ''), ms: performance.now() - t });
      return r;
    },
  };
  let observed;
  try {
    observed = await lib.readLive(timed, desired.vhosts);
  } finally {
    await client.close();
  }
  const t2 = performance.now();
  const plan = lib.buildPlan(lib.diff(desired, observed, { prune: true }), {
    warrenVersion: lib.VERSION,
    brokerVersion: observed.broker.version,
    vhosts: desired.vhosts,
    prune: true,
    live: observed.resources,
  });
  const t3 = performance.now();
  lib.renderPlanText(plan);
  const t4 = performance.now();
  gets.sort((a, b) => b.ms - a.ms);
  return { load_spec_ms: t1 - t0, read_ms: t2 - t1, diff_plan_ms: t3 - t2, render_ms: t4 - t3, slowest_gets: gets.slice(0, 3) };
}
