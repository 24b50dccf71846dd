import type { Args } from '../model/types.js';
import type { RouteHop, RouteOneOf, RouteOutcome, RouteResult } from './types.js';

type Paint = (s: string) => string;

/** Colours for the text renderer; each defaults to no colour. The CLI passes picocolors functions when stdout is a TTY. */
export interface RouteTextStyle {
  readonly queue: Paint;
  readonly exchange: Paint;
  readonly dim: Paint;
  readonly error: Paint;
  readonly warning: Paint;
}

export interface RenderRouteTextOptions {
  readonly style?: Partial<RouteTextStyle>;
}

const plain: Paint = (s) => s;

/**
 * Human output: one line per path, the queue first and then the hops back to
 * the exchange the message was published to, e.g.
 * `piap  ← tasks_fanout (fanout) [suo_piao]`; or `unroutable: <reasons>`.
 * No trailing newline.
 */
export function renderRouteText(result: RouteResult, options: RenderRouteTextOptions = {}): string {
  const st: RouteTextStyle = {
    queue: options.style?.queue ?? plain,
    exchange: options.style?.exchange ?? plain,
    dim: options.style?.dim ?? plain,
    error: options.style?.error ?? plain,
    warning: options.style?.warning ?? plain,
  };
  const lines = outcomeLines(result, st, '');
  for (const d of result.deadLetter ?? []) {
    const keys = [...new Set([d.routingKey, ...(d.cc ?? []), ...(d.bcc ?? [])])].map((k) => `\`${k}\``).join(', ');
    lines.push('');
    const by = d.policy === undefined ? '' : ` ${st.dim(`(policy ${d.policy})`)}`;
    lines.push(`dead-lettered from ${st.queue(d.queue)} → ${d.exchange === '' ? '(default exchange)' : st.exchange(d.exchange)}${by} with key ${keys}:`);
    lines.push(...outcomeLines(d.result, st, '  '));
    if (d.cycle) {
      lines.push(
        st.dim(`  cycle: this reaches ${d.queue} again; the broker delivers it there only if the message was rejected, and drops it for ${d.queue} after expiry or max-length`),
      );
    }
  }
  return lines.join('\n');
}

function outcomeLines(r: RouteOutcome, st: RouteTextStyle, indent: string): string[] {
  const lines: string[] = [];
  if (r.unroutable) {
    const paint = r.errors && r.errors.length > 0 ? st.error : plain;
    if (r.reasons.length <= 1) lines.push(`${indent}${paint(`unroutable: ${r.reasons[0] ?? 'no queue is reached'}`)}`);
    else lines.push(`${indent}${paint('unroutable:')}`, ...r.reasons.map((why) => `${indent}  - ${why}`));
  }
  const width = Math.max(0, ...r.paths.map((p) => p.queue.length));
  let previous: string | undefined;
  for (const p of r.paths) {
    const name = p.queue === previous ? ' '.repeat(p.queue.length) : st.queue(p.queue);
    previous = p.queue;
    lines.push(`${indent}${name}${' '.repeat(width - p.queue.length)}  ${hopsText(p.hops, st)}`);
  }
  for (const o of r.oneOf ?? []) lines.push(`${indent}${oneOfText(o, st)}`);
  for (const w of r.warnings ?? []) lines.push(`${indent}${st.warning(`warning: ${w.message}`)}`);
  return lines;
}

function oneOfText(o: RouteOneOf, st: RouteTextStyle): string {
  const names = [...o.candidates.map((q) => st.queue(weighted(q, o))), ...(o.candidateExchanges ?? []).map((x) => `exchange ${st.exchange(weighted(x, o))}`)];
  const via = [`← ${st.exchange(o.exchange)} (${o.type})`, ...(o.hops.length > 0 ? [hopsText(o.hops, st)] : [])].join(' ');
  return `one of: ${names.join(', ')}  ${via}`;
}

function weighted(name: string, o: RouteOneOf): string {
  const w = o.weights?.[name];
  return w === undefined ? name : `${name} (weight ${w})`;
}

/** The hops from the queue back to the published-to exchange. */
function hopsText(hops: readonly RouteHop[], st: RouteTextStyle): string {
  return [...hops]
    .reverse()
    .map((h) => {
      switch (h.via) {
        case 'default-exchange':
          return `← ${st.dim('(default exchange)')} [${h.binding?.routingKey ?? h.to.name}]`;
        case 'alternate-exchange':
          return `← ${st.exchange(h.exchange)} (${h.type}) ${st.dim(h.policy === undefined ? '[alternate exchange]' : `[alternate exchange, policy ${h.policy}]`)}`;
        case 'binding':
          return `← ${st.exchange(h.exchange)} (${h.type}) [${h.binding?.routingKey ?? ''}]${argsText(h.binding?.arguments)}`;
      }
    })
    .join(' ');
}

function argsText(args: Args | undefined): string {
  if (!args || Object.keys(args).length === 0) return '';
  const sorted = Object.fromEntries(Object.keys(args).sort().map((k) => [k, args[k]]));
  return ` ${JSON.stringify(sorted)}`;
}

/**
 * JSON output: `{ "queues": [...], "paths": [...], "unroutable": bool, "reasons": [...] }`
 * plus `oneOf`, `deadLetter`, `errors` and `warnings` when present. Queues are
 * sorted. No trailing newline.
 */
export function renderRouteJson(result: RouteResult): string {
  const { queues, paths, unroutable, reasons, ...rest } = result;
  return JSON.stringify({ queues, paths, unroutable, reasons, ...rest }, null, 2);
}
