// Tables and targets of the benchmark report (text and JSON).

const TARGETS = [
  { id: 'apply_vs_c', label: 'apply from empty ≤ 1.2 × (c) amqplib 32 channels', num: 'warren_apply', den: 'c_amqp_32_channels', max: 1.2 },
  { id: 'apply_vs_a', label: 'apply from empty ≤ 0.5 × (a) POST definitions', num: 'warren_apply', den: 'a_definitions_post', max: 0.5 },
  { id: 'plan_vs_read', label: 'no-change plan ≤ 1.5 × one bulk GET definitions', num: 'warren_plan', den: 'read_definitions', max: 1.5 },
  { id: 'change_vs_plan', label: '1% change, plan + apply ≤ 2 × no-change plan', num: 'warren_change', den: 'warren_plan', max: 2 },
];

const PURE_MS = 300;
const PURE_MB = 512;

/** The targets of one workload that both figures exist for: `{ id, label, ratio, max, met }`. */
export function targets(w) {
  const out = [];
  for (const t of TARGETS) {
    const num = w.figures[t.num];
    const den = w.figures[t.den];
    if (!num || !den || num.error || den.error) continue;
    const ratio = num.ms / den.ms;
    out.push({ id: t.id, label: t.label, ratio, max: t.max, met: ratio <= t.max });
  }
  return out;
}

export function pureTargets(p) {
  const scenarios = ['from_empty', 'in_sync', 'one_percent'].filter((s) => p[s]);
  const worstMs = Math.max(...scenarios.map((s) => p[s].ms));
  const worstMb = Math.max(...scenarios.map((s) => p[s].max_rss_mb));
  return [
    { id: 'pure_time', label: `pure diff + plan of ${p.resources} resources < ${PURE_MS} ms (worst scenario, median)`, value: worstMs, max: PURE_MS, met: worstMs < PURE_MS },
    { id: 'pure_memory', label: `pure diff + plan of ${p.resources} resources < ${PURE_MB} MB resident (peak, inputs included)`, value: worstMb, max: PURE_MB, met: worstMb < PURE_MB },
  ];
}

export function renderJson(report) {
  return JSON.stringify(
    {
      ...report,
      workloads: report.workloads.map((w) => ({ ...w, ratios: ratios(w), targets: targets(w) })),
      pure: report.pure ? { ...report.pure, targets: pureTargets(report.pure) } : null,
    },
    null,
    2,
  );
}

/** Warren's time divided by each baseline's (< 1: Warren is faster). */
function ratios(w) {
  const f = w.figures;
  const r = {};
  const apply = f.warren_apply?.ms;
  for (const k of ['a_definitions_post', 'b_amqp_sequential', 'c_amqp_32_channels', 'd_http_per_resource']) {
    if (apply && f[k]?.ms) r[`warren_apply/${k}`] = apply / f[k].ms;
  }
  const plan = f.warren_plan?.ms;
  for (const k of ['read_definitions', 'read_per_queue']) if (plan && f[k]?.ms) r[`warren_plan/${k}`] = plan / f[k].ms;
  if (f.warren_change?.ms && plan) r['warren_change/warren_plan'] = f.warren_change.ms / plan;
  return r;
}

const n = (x) => x.toLocaleString('en-US');
const s = (ms) => (ms >= 100_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
const ratio = (x) => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(2));

export function renderWorkload(w, report) {
  const f = w.figures;
  const rows = [];
  const row = (label, fig, cmp) => {
    if (!fig) return;
    if (fig.error) {
      rows.push([label, 'failed', '', `  after ${s(fig.after_ms)}: ${fig.error}`]);
      return;
    }
    const time = `${fig.sampled ? '~' : ' '}${s(fig.ms)}`;
    const note = fig.sampled ? `  extrapolated from ${n(fig.sampled.done)} of ${n(fig.sampled.total)}` : fig.note ? `  ${fig.note}` : '';
    rows.push([label, time, cmp ?? '', note]);
  };
  const vs = (num, den) => (f[num] && !f[num].error && den && !den.error ? `${ratio(f[num].ms / den.ms)}×` : '');
  const head = (label) => rows.push([label, '', '', '']);
  const vs2 = (ms, den) => (den && !den.error ? `${ratio(ms / den.ms)}×` : '');

  head('Writes, from empty');
  row('  (a) one POST /api/definitions/{vhost}', f.a_definitions_post, vs('warren_apply', f.a_definitions_post));
  row('  (b) amqplib, 1 channel, sequential', f.b_amqp_sequential, vs('warren_apply', f.b_amqp_sequential));
  row('  (c) amqplib, 32 channels, pipelined', f.c_amqp_32_channels, vs('warren_apply', f.c_amqp_32_channels));
  row('  (d) HTTP, one call per resource', f.d_http_per_resource, vs('warren_apply', f.d_http_per_resource));
  row('  Warren apply (load, read, plan, apply)', f.warren_apply);
  if (f.warren_apply?.until_plan_printed_ms !== undefined) {
    rows.push(['    of which: until the plan is printed', ` ${s(f.warren_apply.until_plan_printed_ms)}`, '', '  (load spec, lock, read, diff, plan, render)']);
    rows.push(['    of which: the steps', ` ${s(f.warren_apply.ms - f.warren_apply.until_plan_printed_ms)}`, vs2(f.warren_apply.ms - f.warren_apply.until_plan_printed_ms, f.c_amqp_32_channels), '  (÷ (c))']);
  }
  if (f.warren_apply && !f.warren_apply.error) rows.push(['    + its verifying re-plan (CLI total)', ` ${s(f.warren_apply.with_verify_ms)}`, '', '']);
  head('Reads');
  row('  one GET /api/definitions/{vhost}', f.read_definitions, vs('warren_plan', f.read_definitions));
  row('  one GET per queue', f.read_per_queue, vs('warren_plan', f.read_per_queue));
  row('  Warren plan, no changes', f.warren_plan);
  if (f.warren_change && !f.warren_change.error) {
    head(`1% change (${n(f.warren_change.changes / 2)} bindings re-routed, --prune)`);
    row('  Warren plan + apply', f.warren_change, vs('warren_change', f.warren_plan) && `${vs('warren_change', f.warren_plan)} plan`);
    rows.push(['    + its verifying re-plan (CLI total)', ` ${s(f.warren_change.with_verify_ms)}`, '', '']);
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = [
    `${w.name}: ${n(w.exchanges)} topic exchanges, ${n(w.queues)} classic queues, ${n(w.bindings)} bindings (${n(w.objects)} objects), one vhost`,
    `${''.padEnd(widths[0])}  ${'time'.padStart(widths[1])}  Warren ÷`,
    ...rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padStart(Math.max(widths[2], 8))}${r[3]}`.trimEnd()),
  ];
  const b = w.plan_breakdown;
  if (b && !b.error) {
    const slow = b.slowest_gets.map((g) => `${g.path} ${s(g.ms)}`).join(', ');
    lines.push(`Warren plan, where the time goes: load spec ${s(b.load_spec_ms)}, read ${s(b.read_ms)} (slowest GETs, in parallel: ${slow}), diff + plan ${s(b.diff_plan_ms)}, render ${s(b.render_ms)}`);
  }
  const ts = targets(w);
  if (ts.length > 0) {
    lines.push('Targets (issue 7; stated for W10k):');
    for (const t of ts) lines.push(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.label}: ${ratio(t.ratio)}×`);
  }
  if (report.warren.startup_ms !== null && report.warren.startup_ms !== undefined) {
    lines.push(`Warren runs in-process through the CLI's own code path; add ${s(report.warren.startup_ms)} of Node start-up per command.`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderPure(p) {
  const lines = [`Pure diff + plan of ${n(p.resources)} resources in memory (median of ${p.runs} after a cold run; own process each):`];
  const label = { from_empty: 'from empty (all creates)', in_sync: 'in sync (no changes)', one_percent: '1% changed, --prune' };
  for (const k of ['from_empty', 'in_sync', 'one_percent']) {
    const r = p[k];
    if (!r) continue;
    lines.push(
      `  ${label[k].padEnd(26)} ${String(Math.round(r.ms)).padStart(5)} ms (cold ${Math.round(r.cold_ms)} ms), ${n(r.changes)} changes, peak RSS ${Math.round(r.max_rss_mb)} MB; text render ${Math.round(r.render_text_ms)} ms`,
    );
  }
  for (const t of pureTargets(p)) lines.push(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.label}: ${Math.round(t.value)}`);
  return `${lines.join('\n')}\n`;
}
