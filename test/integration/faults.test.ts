/**
 * Fault injection: `warren apply` runs through a TCP proxy (test/helpers/tcp-proxy)
 * that cuts the AMQP or the management HTTP connection after a random number
 * of bytes. Whatever the cut point:
 * - the apply exits 0 (the cut came after the last step, or a retry absorbed
 *   it) or 1 with a report: applied / failed / pending steps, or an error
 *   that says nothing was changed (cut while planning or taking the lock);
 * - a second apply, straight to the broker, converges: the re-plan is empty;
 * - queues that held messages hold exactly as many afterwards.
 *
 * The topology flips between two mid-size specs (30 queues, ~45 bindings,
 * 5-6 exchanges of four types, classic and quorum queues) with --prune, so
 * every run creates, binds, unbinds and deletes. Lanes (own vhost, own
 * proxies) run in parallel. Cut points: 50 in CI, 200 with WARREN_DEEP=1
 * (WARREN_FAULT_CUTS overrides).
 */
import { connect, type ChannelModel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { amqpUrlFor, freshVhosts, prng, testUrls } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';
import { startProxy, viaPort } from '../helpers/tcp-proxy.js';

const DEEP = process.env.WARREN_DEEP === '1';
const CUTS = Number(process.env.WARREN_FAULT_CUTS ?? (DEEP ? 200 : 50));
const LANES = Number(process.env.WARREN_FAULT_LANES ?? 3);
const KEEP = 10;
const debug = (msg: string): void => {
  if (process.env.WARREN_FAULT_DEBUG === '1') console.log(`[faults ${new Date().toISOString().slice(11, 23)}] ${msg}`);
};

const vhost = freshVhosts();

/** Spec `side` (a or b) of the flip; `keep*` queues are in both and hold messages. */
function topology(v: string, side: 'a' | 'b'): string {
  const queues: Record<string, unknown> = {};
  for (let i = 0; i < KEEP; i++) {
    queues[`keep${i}`] = {
      ...(i % 3 === 0 ? { type: 'quorum' } : {}),
      bind: [{ exchange: 'ex', routing_key: `keep.${i}.${side}` }],
    };
  }
  for (let i = 0; i < 20; i++) {
    queues[`${side}${i}`] = {
      ...(i % 5 === 0 ? { type: 'quorum' } : i % 7 === 0 ? { arguments: { 'x-max-length': 100 + i } } : {}),
      bind: [
        { exchange: 'ex', routing_key: `${side}.${i}.#` },
        ...(i % 2 === 0 ? [{ exchange: 'hdr', arguments: { 'x-match': 'all', side, n: i } }] : []),
        ...(i % 4 === 0 ? [{ exchange: `only-${side}` }] : []),
      ],
    };
  }
  return specFile({
    version: 1,
    vhosts: {
      [v]: {
        exchanges: {
          ex: { type: 'topic' },
          hdr: { type: 'headers' },
          fan: { type: 'fanout' },
          [`only-${side}`]: { type: side === 'a' ? 'fanout' : 'direct' },
          ...(side === 'a' ? { 'a-extra': { type: 'direct', arguments: { 'alternate-exchange': 'fan' } } } : {}),
        },
        queues,
        bindings: [{ source: 'ex', destination: 'fan', destination_type: 'exchange', routing_key: `${side}.#` }],
      },
    },
  });
}

/** Exact message counts of the keep queues (passive declare over AMQP: no stats lag). */
async function keepCounts(conn: ChannelModel): Promise<number[]> {
  const ch = await conn.createChannel();
  try {
    const out: number[] = [];
    for (let i = 0; i < KEEP; i++) out.push((await ch.checkQueue(`keep${i}`)).messageCount);
    return out;
  } finally {
    await ch.close();
  }
}

type Outcome = 'complete' | 'report' | 'before-apply' | 'verify';

interface CutResult {
  readonly outcome: Outcome;
  readonly protocol: 'amqp' | 'http';
  readonly at: number;
}

/** One lane: its own vhost, flipping between the two specs under cuts. */
async function lane(id: number, cuts: number, rnd: () => number, log: CutResult[]): Promise<void> {
  const v = await vhost(`faults-${id}`);
  const specs = { a: topology(v, 'a'), b: topology(v, 'b') };
  const { management, amqp } = testUrls();
  const m = new URL(management);
  const q = new URL(amqp);
  const conn = await connect(amqpUrlFor(v));
  try {
    const first = await warren('apply', specs.a, '--auto-approve', '--prune');
    expect(first.code, first.stderr).toBe(0);
    // messages in the keep queues: 1..KEEP, persistent
    const ch = await conn.createConfirmChannel();
    for (let i = 0; i < KEEP; i++) for (let k = 0; k <= i; k++) ch.sendToQueue(`keep${i}`, Buffer.from(`m${k}`), { persistent: true });
    await ch.waitForConfirms();
    await ch.close();
    const expected = Array.from({ length: KEEP }, (_, i) => i + 1);
    expect(await keepCounts(conn)).toEqual(expected);

    // Bytes of one full flip through the proxies, to place the cuts inside it.
    const calib = { http: await startProxy({ host: m.hostname, port: Number(m.port) }), amqp: await startProxy({ host: q.hostname, port: Number(q.port) }) };
    const c = await warren('apply', specs.b, '--auto-approve', '--prune', '--management-url', viaPort(management, calib.http.port), '--amqp-url', viaPort(amqp, calib.amqp.port));
    expect(c.code, c.stderr).toBe(0);
    const total = { http: calib.http.bytes(), amqp: calib.amqp.bytes() };
    await Promise.all([calib.http.close(), calib.amqp.close()]);
    debug(`lane ${id}: calibrated ${JSON.stringify(total)}`);

    let side: 'a' | 'b' = 'a';
    for (let n = 0; n < cuts; n++) {
      const protocol = rnd() < 0.5 ? 'amqp' : 'http';
      // a little past the end too: the cut may come after the last step
      const at = Math.floor(rnd() * total[protocol] * 1.05);
      const afterCut = (['refuse', 'reset', 'pass'] as const)[Math.floor(rnd() * 3)] ?? 'refuse';
      const http = await startProxy({ host: m.hostname, port: Number(m.port), ...(protocol === 'http' ? { cutAfterBytes: at, afterCut } : {}) });
      const amq = await startProxy({ host: q.hostname, port: Number(q.port), ...(protocol === 'amqp' ? { cutAfterBytes: at, afterCut } : {}) });
      const where = `lane ${id} cut ${n}: ${protocol} after ${at} of ${total[protocol]} bytes, then ${afterCut}`;
      let r;
      debug(`${where}: start`);
      try {
        r = await warren('apply', specs[side], '--auto-approve', '--prune', '--management-url', viaPort(management, http.port), '--amqp-url', viaPort(amqp, amq.port));
      } finally {
        await Promise.all([http.close(), amq.close()]);
      }
      expect([0, 1], `${where}\n${r.stderr}`).toContain(r.code);
      let outcome: Outcome = 'complete';
      if (r.code === 1) {
        const report = /Apply failed: (\d+) applied, (\d+) failed, (\d+) pending\./.exec(r.stdout);
        if (report) outcome = 'report';
        else if (r.stdout.includes('Apply complete')) outcome = 'verify';
        else outcome = 'before-apply';
        // every failure is a diagnostic with a code, never a stack trace
        expect(r.stdout + r.stderr, where).toMatch(/error [A-Z_]+:|Apply failed/);
        expect(r.stderr, where).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
        expect(r.stderr + r.stdout, where).not.toContain('INTERNAL_ERROR');
      }
      log.push({ outcome, protocol, at });
      debug(`${where}: ${outcome} (exit ${r.code})`);
      const again = await warren('apply', specs[side], '--auto-approve', '--prune');
      expect(again.code, `${where}\nfirst: ${r.stdout}${r.stderr}\nagain: ${again.stdout}${again.stderr}`).toBe(0);
      const replan = await warren('plan', specs[side], '--prune', '--detailed-exitcode');
      expect(replan.code, `${where}\n${replan.stdout}`).toBe(0);
      expect(await keepCounts(conn), where).toEqual(expected);
      debug(`${where}: converged`);
      side = side === 'a' ? 'b' : 'a';
    }
  } finally {
    await conn.close();
  }
}

describe('apply under connection cuts', () => {
  it(`reports, converges and keeps every message over ${CUTS} random cut points`, { timeout: 60_000 + CUTS * 12_000 }, async () => {
    const seed = Number(process.env.WARREN_FAULT_SEED ?? Date.now() % 1_000_000);
    const log: CutResult[] = [];
    const per = Math.ceil(CUTS / LANES);
    const t0 = Date.now();
    try {
      await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, Math.min(per, CUTS - i * per), prng(seed + i), log)));
    } catch (err) {
      throw new Error(`seed ${seed} (replay with WARREN_FAULT_SEED=${seed}): ${String(err)}`, { cause: err });
    }
    const by = (o: Outcome): number => log.filter((l) => l.outcome === o).length;
    console.log(
      `[faults] ${log.length} cuts in ${((Date.now() - t0) / 1000).toFixed(1)}s (seed ${seed}): ` +
        `${by('report')} step reports, ${by('before-apply')} before any step, ${by('verify')} in verification, ${by('complete')} completed`,
    );
    expect(log.length).toBeGreaterThanOrEqual(CUTS);
    // the cuts must actually have hit applies half-way, not only before or after
    expect(by('report')).toBeGreaterThan(0);
  });
});
