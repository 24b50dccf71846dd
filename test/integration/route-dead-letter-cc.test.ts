/**
 * Dead-lettering of a message with CC and BCC keys, on the real broker
 * against `route --dead-letter`: without a dead-letter routing key every
 * original key is reused, BCC included (though `x-death` lists only the
 * routing key and CC); with one, only that key. (The probe of `warren test
 * --live` dead-letters nothing, so this is proved here.)
 */
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { amqpUrlFor, freshVhosts } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const vhost = freshVhosts();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface RouteJson {
  queues: string[];
  deadLetter?: { queue: string; routingKey: string; cc?: string[]; bcc?: string[]; result: { queues: string[] } }[];
}

describe('dead-lettering with CC and BCC', () => {
  it('reuses every key without a dead-letter routing key, BCC included; only that key with one', async () => {
    const v = await vhost('dl-cc');
    const spec = specFile({
      version: 1,
      vhosts: {
        [v]: {
          exchanges: { src: { type: 'direct' }, dlx: { type: 'direct' } },
          queues: {
            dl: { arguments: { 'x-dead-letter-exchange': 'dlx' }, bind: [{ exchange: 'src', routing_key: 'k' }] },
            'dl-keyed': { arguments: { 'x-dead-letter-exchange': 'dlx', 'x-dead-letter-routing-key': 'fixed' }, bind: [{ exchange: 'src', routing_key: 'k' }] },
            'via-k': { bind: [{ exchange: 'dlx', routing_key: 'k' }] },
            'via-c': { bind: [{ exchange: 'dlx', routing_key: 'c' }] },
            'via-b': { bind: [{ exchange: 'dlx', routing_key: 'b' }] },
            'via-fixed': { bind: [{ exchange: 'dlx', routing_key: 'fixed' }] },
          },
        },
      },
    });
    const applied = await warren('apply', spec, '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);

    const routed = await warren('route', spec, '--exchange', 'src', '--routing-key', 'k', '--headers', '{"CC":["c"],"BCC":["b"]}', '--dead-letter', '--format', 'json');
    expect(routed.code, routed.stderr).toBe(0);
    const sim = JSON.parse(routed.stdout) as RouteJson;
    const simulated = Object.fromEntries((sim.deadLetter ?? []).map((d) => [d.queue, d.result.queues]));
    expect(simulated).toEqual({ dl: ['via-b', 'via-c', 'via-k'], 'dl-keyed': ['via-fixed'] });

    const conn = await connect(amqpUrlFor(v));
    try {
      const ch = await conn.createConfirmChannel();
      await new Promise<void>((resolve, reject) => ch.publish('src', 'k', Buffer.from('m'), { headers: { CC: ['c'], BCC: ['b'] } }, (err: unknown) => (err ? reject(new Error(String(err))) : resolve())));
      for (const q of ['dl', 'dl-keyed']) {
        const m = await ch.get(q);
        expect(m, q).not.toBe(false);
        if (m) ch.nack(m, false, false);
      }
      const live: Record<string, string[]> = { dl: [], 'dl-keyed': [] };
      // Dead-lettering is asynchronous: wait until the four copies have arrived.
      const counts = new Map<string, number>();
      for (let i = 0; i < 50 && [...counts.values()].reduce((a, b) => a + b, 0) < 4; i++) {
        for (const q of ['via-k', 'via-c', 'via-b', 'via-fixed']) {
          for (let m = await ch.get(q, { noAck: true }); m; m = await ch.get(q, { noAck: true })) {
            const from = String((m.properties.headers as Record<string, unknown> | undefined)?.['x-first-death-queue']);
            live[from]?.push(q);
            counts.set(q, (counts.get(q) ?? 0) + 1);
          }
        }
        await sleep(50);
      }
      expect(Object.fromEntries(Object.entries(live).map(([q, list]) => [q, list.sort()]))).toEqual(simulated);
      await ch.close();
    } finally {
      await conn.close();
    }
  });
});
