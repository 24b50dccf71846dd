/**
 * Property-based convergence against the real broker (fast-check):
 * - random valid specs (exchanges of every type, classic/quorum/stream queues
 *   with type-specific arguments, bindings with arguments, exchange-to-exchange
 *   bindings, policies, a vhost limit, permissions and topic permissions of a
 *   test user; names with spaces, slashes, `#`, `%` and non-ASCII) applied to a
 *   fresh vhost: the re-plan is empty;
 * - random mutations of the live broker behind Warren's back (delete, add,
 *   change): drift reports each of them, and apply converges.
 * 25 + 15 runs in CI; 200 + 50 with WARREN_DEEP=1 (`npm run test:deep`).
 * A failure prints the seed; replay with WARREN_PROP_SEED=<seed>.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteVhost, freshVhost, mgmt } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const DEEP = process.env.WARREN_DEEP === '1';
const SEED = process.env.WARREN_PROP_SEED === undefined ? undefined : Number(process.env.WARREN_PROP_SEED);
const enc = encodeURIComponent;
const USER = `warren-prop-${process.pid}`;

let exchangeTypes: string[] = ['direct', 'fanout', 'topic', 'headers'];
beforeAll(async () => {
  const r = await mgmt('PUT', `/api/users/${enc(USER)}`, { password: 'prop-secret', tags: '' });
  expect(r.ok).toBe(true);
  const overview = await mgmt<{ exchange_types?: Array<{ name: string }> }>('GET', '/api/overview');
  const live = (overview.body.exchange_types ?? []).map((t) => t.name);
  if (live.includes('x-consistent-hash')) exchangeTypes = [...exchangeTypes, 'x-consistent-hash'];
});
afterAll(async () => {
  await mgmt('DELETE', `/api/users/${enc(USER)}`);
});

// --- generators ---------------------------------------------------------------

const QUEUE_NAMES = ['q0', 'q.1', 'q 2', 'q/3', 'qü4', 'q#5', 'q%6', 'q7'];
const EXCHANGE_NAMES = ['e0', 'e.1', 'e 2', 'e/3', 'eß4'];
const KEYS = ['', 'a', 'a.b', 'a.*', '#', 'k.#.z', 'ü'];
const PATTERNS = ['.*', '', '^q', '^e.*', '^(q0|q7)$'];

interface Spec {
  exchanges: Record<string, { type: string; durable?: boolean; internal?: boolean; arguments?: Record<string, unknown> }>;
  queues: Record<string, { type: string; durable?: boolean; arguments?: Record<string, unknown> }>;
  bindings: Array<{ source: string; destination: string; destination_type: 'queue' | 'exchange'; routing_key: string; arguments?: Record<string, unknown> }>;
  policies: Record<string, { pattern: string; 'apply-to': string; priority: number; definition: Record<string, unknown> }>;
  limits: Record<string, number>;
  permissions: Record<string, { configure: string; write: string; read: string }>;
  topic_permissions: Record<string, Record<string, { write: string; read: string }>>;
}

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function queueArb(exchanges: string[]): fc.Arbitrary<{ type: string; durable?: boolean; arguments?: Record<string, unknown> }> {
  const dlx = exchanges.length > 0 ? maybe(fc.constantFrom(...exchanges)) : fc.constant(undefined);
  const classic = fc
    .record({ durable: fc.boolean(), len: maybe(fc.integer({ min: 1, max: 100_000 })), ttl: maybe(fc.integer({ min: 1, max: 86_400_000 })), prio: maybe(fc.integer({ min: 1, max: 10 })), overflow: maybe(fc.constantFrom('drop-head', 'reject-publish')), mode: maybe(fc.constantFrom('lazy', 'default')), dlx })
    .map(({ durable, len, ttl, prio, overflow, mode, dlx: d }) => ({
      type: 'classic',
      durable,
      arguments: defined({ 'x-max-length': len, 'x-message-ttl': ttl, 'x-max-priority': prio, 'x-overflow': overflow, 'x-queue-mode': mode, 'x-dead-letter-exchange': d }),
    }));
  const quorum = fc
    .record({ limit: maybe(fc.integer({ min: 1, max: 50 })), len: maybe(fc.integer({ min: 1, max: 100_000 })), overflow: maybe(fc.constantFrom('drop-head', 'reject-publish')), size: maybe(fc.constant(1)), dlx })
    .map(({ limit, len, overflow, size, dlx: d }) => ({
      type: 'quorum',
      arguments: defined({ 'x-delivery-limit': limit, 'x-max-length': len, 'x-overflow': overflow, 'x-quorum-initial-group-size': size, 'x-dead-letter-exchange': d }),
    }));
  const stream = fc
    .record({ bytes: maybe(fc.integer({ min: 1_000_000, max: 1_000_000_000 })), age: maybe(fc.constantFrom('1D', '7D', '12h', '30m')), segment: maybe(fc.integer({ min: 1_000_000, max: 50_000_000 })) })
    .map(({ bytes, age, segment }) => ({ type: 'stream', arguments: defined({ 'x-max-length-bytes': bytes, 'x-max-age': age, 'x-stream-max-segment-size-bytes': segment }) }));
  return fc.oneof(classic, quorum, stream);
}

const specArb: fc.Arbitrary<Spec> = fc
  .record({
    exNames: fc.uniqueArray(fc.constantFrom(...EXCHANGE_NAMES), { maxLength: 5 }),
    qNames: fc.uniqueArray(fc.constantFrom(...QUEUE_NAMES), { maxLength: 7 }),
  })
  .chain(({ exNames, qNames }) => {
    const exchange = fc.record({ type: fc.constantFrom(...exchangeTypes), durable: fc.boolean(), internal: fc.boolean(), ae: maybe(exNames.length > 0 ? fc.constantFrom(...exNames) : fc.constant(undefined)) });
    const exchangesArb = fc.tuple(...exNames.map(() => exchange)).map((list) =>
      Object.fromEntries(list.map((e, i) => [exNames[i] as string, { type: e.type, durable: e.durable, internal: e.internal, ...(e.ae === undefined ? {} : { arguments: { 'alternate-exchange': e.ae } }) }])),
    );
    const queuesArb = fc.tuple(...qNames.map(() => queueArb(exNames))).map((list) => Object.fromEntries(list.map((q, i) => [qNames[i] as string, q])));
    const binding =
      exNames.length === 0
        ? fc.constant(undefined)
        : fc
            .record({
              source: fc.constantFrom(...exNames),
              toQueue: qNames.length > 0 ? fc.boolean() : fc.constant(false),
              q: qNames.length > 0 ? fc.constantFrom(...qNames) : fc.constant(''),
              e: fc.constantFrom(...exNames),
              key: fc.constantFrom(...KEYS),
              args: fc.oneof(fc.constant(undefined), fc.record({ 'x-match': fc.constantFrom('all', 'any'), h: fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -5, max: 5 })) }), fc.record({ n: fc.integer({ min: 0, max: 9 }) })),
            })
            .map(({ source, toQueue, q, e, key, args }) => {
              const destination = toQueue ? q : e;
              if (!toQueue && destination === source) return undefined;
              return { source, destination, destination_type: toQueue ? ('queue' as const) : ('exchange' as const), routing_key: key, ...(args === undefined ? {} : { arguments: args }) };
            });
    const policy = fc.record({
      pattern: fc.constantFrom('^q', '^e', '^q[0-3]', '.*'),
      'apply-to': fc.constantFrom('queues', 'exchanges', 'all'),
      priority: fc.integer({ min: 0, max: 5 }),
      definition: fc.oneof(fc.record({ 'max-length': fc.integer({ min: 1, max: 1000 }) }), fc.record({ 'message-ttl': fc.integer({ min: 1000, max: 60_000 }) }), fc.record({ 'max-length-bytes': fc.integer({ min: 1000, max: 1_000_000 }) })),
    });
    const topicExchanges = ['amq.topic', ...exNames.filter(() => true)];
    return fc.record({
      exchanges: exchangesArb,
      queues: queuesArb,
      bindings: fc.array(binding, { maxLength: 8 }).map((bs) => dedupeBindings(bs.filter((b): b is NonNullable<typeof b> => b !== undefined))),
      policies: fc.dictionary(fc.constantFrom('p0', 'p1', 'p 2'), policy, { maxKeys: 2 }),
      limits: fc.oneof(fc.constant({}), fc.record({ 'max-queues': fc.integer({ min: 50, max: 1000 }) }), fc.record({ 'max-connections': fc.integer({ min: 50, max: 1000 }) })),
      permissions: fc.oneof(fc.constant({}), fc.record({ configure: fc.constantFrom(...PATTERNS), write: fc.constantFrom(...PATTERNS), read: fc.constantFrom(...PATTERNS) }).map((p) => ({ [USER]: p }))),
      topic_permissions: fc.oneof(
        fc.constant({}),
        fc.record({ exchange: fc.constantFrom(...topicExchanges), write: fc.constantFrom(...PATTERNS), read: fc.constantFrom(...PATTERNS) }).map((t) => ({ [USER]: { [t.exchange]: { write: t.write, read: t.read } } })),
      ),
    });
  })
  .map(weighBindings);

/** A binding from a consistent-hash exchange takes a weight ("1", "2", ...) as routing key. */
function weighBindings(s: Spec): Spec {
  const bindings = s.bindings.map((b) =>
    s.exchanges[b.source]?.type === 'x-consistent-hash' ? { ...b, routing_key: String(KEYS.indexOf(b.routing_key) + 1) } : b,
  );
  return { ...s, bindings: dedupeBindings(bindings) };
}

function dedupeBindings(bs: Spec['bindings']): Spec['bindings'] {
  const seen = new Set<string>();
  return bs.filter((b) => {
    const k = JSON.stringify([b.source, b.destination, b.destination_type, b.routing_key, b.arguments ?? {}]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function specText(vhost: string, s: Spec): string {
  const body: Record<string, unknown> = { exchanges: s.exchanges, queues: s.queues, bindings: s.bindings };
  if (Object.keys(s.policies).length > 0) body['policies'] = s.policies;
  if (Object.keys(s.limits).length > 0) body['limits'] = s.limits;
  if (Object.keys(s.permissions).length > 0) body['permissions'] = s.permissions;
  if (Object.keys(s.topic_permissions).length > 0) body['topic_permissions'] = s.topic_permissions;
  return stringify({ version: 1, vhosts: { [vhost]: body } });
}

const params = (runs: number): fc.Parameters<unknown> => ({ numRuns: runs, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: !DEEP });

// --- properties -----------------------------------------------------------------

describe('apply then plan is empty, for random specs', () => {
  const runs = DEEP ? 200 : 25;
  it(`converges on ${runs} random specs`, { timeout: 30_000 + runs * 15_000 }, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(specArb, async (s) => {
        const v = await freshVhost(`prop-${n++}`);
        try {
          const text = specText(v, s);
          const file = specFile(text);
          const applied = await warren('apply', file, '--auto-approve');
          expect(applied.code, `apply of\n${text}\n${applied.stdout}${applied.stderr}`).toBe(0);
          const replan = await warren('plan', file, '--detailed-exitcode');
          expect(replan.code, `re-plan of\n${text}\n${replan.stdout}${replan.stderr}`).toBe(0);
        } finally {
          await deleteVhost(v);
        }
      }),
      params(runs),
    );
  });
});

type Mutation =
  | { readonly op: 'delete-queue'; readonly name: string }
  | { readonly op: 'delete-exchange'; readonly name: string }
  | { readonly op: 'add-queue'; readonly name: string }
  | { readonly op: 'add-exchange'; readonly name: string }
  | { readonly op: 'delete-binding'; readonly index: number }
  | { readonly op: 'change-policy'; readonly name: string }
  | { readonly op: 'change-permission' };

const mutationsArb = (s: Spec): fc.Arbitrary<Mutation[]> => {
  const options: Array<fc.Arbitrary<Mutation>> = [
    fc.constantFrom('extra q', 'extra/ü').map((name): Mutation => ({ op: 'add-queue', name })),
    fc.constant<Mutation>({ op: 'add-exchange', name: 'extra-x' }),
  ];
  const qs = Object.keys(s.queues);
  const xs = Object.keys(s.exchanges);
  const ps = Object.keys(s.policies);
  if (qs.length > 0) options.push(fc.constantFrom(...qs).map((name): Mutation => ({ op: 'delete-queue', name })));
  if (xs.length > 0) options.push(fc.constantFrom(...xs).map((name): Mutation => ({ op: 'delete-exchange', name })));
  if (s.bindings.length > 0) options.push(fc.nat(s.bindings.length - 1).map((index): Mutation => ({ op: 'delete-binding', index })));
  if (ps.length > 0) options.push(fc.constantFrom(...ps).map((name): Mutation => ({ op: 'change-policy', name })));
  if (Object.keys(s.permissions).length > 0) options.push(fc.constant<Mutation>({ op: 'change-permission' }));
  // one mutation per resource: two on the same one would hide each other
  return fc.uniqueArray(fc.oneof(...options), { minLength: 1, maxLength: 3, selector: (m) => JSON.stringify(m) }).map((ms) => {
    const deletedX = new Set(ms.filter((m) => m.op === 'delete-exchange').map((m) => (m as { name: string }).name));
    const deletedQ = new Set(ms.filter((m) => m.op === 'delete-queue').map((m) => (m as { name: string }).name));
    // a binding deleted with its exchange or queue is reported with them, not alone
    return ms.filter((m) => {
      if (m.op !== 'delete-binding') return true;
      const b = s.bindings[m.index];
      return b !== undefined && !deletedX.has(b.source) && !deletedX.has(b.destination) && !deletedQ.has(b.destination);
    });
  });
};

interface DriftDoc {
  in_sync: boolean;
  missing: Array<{ kind: string; name: string }>;
  changed: Array<{ kind: string; name: string }>;
  unmanaged: Array<{ kind: string; name: string }>;
}

async function mutate(v: string, s: Spec, m: Mutation): Promise<(d: DriftDoc) => boolean> {
  const vh = enc(v);
  const ok = (r: { ok: boolean; status: number; body: unknown }): void => {
    expect(r.ok || r.status === 404, `${JSON.stringify(m)}: ${r.status} ${JSON.stringify(r.body)}`).toBe(true);
  };
  switch (m.op) {
    case 'delete-queue':
      ok(await mgmt('DELETE', `/api/queues/${vh}/${enc(m.name)}`));
      return (d) => d.missing.some((e) => e.kind === 'queue' && e.name === m.name);
    case 'delete-exchange':
      ok(await mgmt('DELETE', `/api/exchanges/${vh}/${enc(m.name)}`));
      return (d) => d.missing.some((e) => e.kind === 'exchange' && e.name === m.name);
    case 'add-queue':
      ok(await mgmt('PUT', `/api/queues/${vh}/${enc(m.name)}`, { durable: true, auto_delete: false, arguments: {} }));
      return (d) => d.unmanaged.some((e) => e.kind === 'queue' && e.name === m.name);
    case 'add-exchange':
      ok(await mgmt('PUT', `/api/exchanges/${vh}/${enc(m.name)}`, { type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} }));
      return (d) => d.unmanaged.some((e) => e.kind === 'exchange' && e.name === m.name);
    case 'delete-binding': {
      const b = s.bindings[m.index];
      if (!b) throw new Error('no such binding');
      const t = b.destination_type === 'queue' ? 'q' : 'e';
      const list = await mgmt<Array<{ routing_key: string; arguments: Record<string, unknown>; properties_key: string }>>('GET', `/api/bindings/${vh}/e/${enc(b.source)}/${t}/${enc(b.destination)}`);
      const same = list.body.filter((x) => x.routing_key === b.routing_key && JSON.stringify(sortKeys(x.arguments)) === JSON.stringify(sortKeys(b.arguments ?? {})));
      expect(same.length, `binding ${JSON.stringify(b)} live: ${JSON.stringify(list.body)}`).toBeGreaterThan(0);
      for (const x of same) ok(await mgmt('DELETE', `/api/bindings/${vh}/e/${enc(b.source)}/${t}/${enc(b.destination)}/${enc(x.properties_key)}`));
      const dest = b.destination_type === 'exchange' ? `exchange:${b.destination}` : b.destination;
      return (d) => d.missing.some((e) => e.kind === 'binding' && e.name.startsWith(`${b.source} -> ${dest} [${b.routing_key}]`));
    }
    case 'change-policy': {
      const p = s.policies[m.name];
      if (!p) throw new Error('no such policy');
      ok(await mgmt('PUT', `/api/policies/${vh}/${enc(m.name)}`, { pattern: p.pattern, 'apply-to': p['apply-to'], priority: p.priority + 1, definition: p.definition }));
      return (d) => d.changed.some((e) => e.kind === 'policy' && e.name === m.name);
    }
    case 'change-permission': {
      ok(await mgmt('PUT', `/api/permissions/${vh}/${enc(USER)}`, { configure: '^changed$', write: '^changed$', read: '^changed$' }));
      return (d) => d.changed.some((e) => e.kind === 'permission' && e.name === USER);
    }
  }
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

describe('drift reports random mutations of the broker, and apply converges', () => {
  const runs = DEEP ? 50 : 15;
  it(`catches and repairs ${runs} random sets of mutations`, { timeout: 30_000 + runs * 20_000 }, async () => {
    let n = 0;
    const withMutations = specArb.chain((s) => mutationsArb(s).map((ms) => ({ s, ms })));
    await fc.assert(
      fc.asyncProperty(withMutations, async ({ s, ms }) => {
        const v = await freshVhost(`prop-drift-${n++}`);
        try {
          const text = specText(v, s);
          const file = specFile(text);
          expect((await warren('apply', file, '--auto-approve')).code).toBe(0);
          const checks: Array<[Mutation, (d: DriftDoc) => boolean]> = [];
          for (const m of ms) checks.push([m, await mutate(v, s, m)]);
          // --strict: an added queue or exchange is listed but, outside the prune scope, is drift only then.
          const drift = await warren('drift', file, '--format', 'json', '--strict');
          expect(drift.code, `${JSON.stringify(ms)}\n${drift.stderr}`).toBe(2);
          const doc = JSON.parse(drift.stdout) as DriftDoc;
          for (const [m, seen] of checks) expect(seen(doc), `${JSON.stringify(m)} not in drift of\n${text}\n${drift.stdout}`).toBe(true);
          const fixed = await warren('apply', file, '--auto-approve', '--prune', '--allow-broadened-permissions');
          expect(fixed.code, `${JSON.stringify(ms)}\n${fixed.stdout}${fixed.stderr}`).toBe(0);
          const replan = await warren('plan', file, '--prune', '--detailed-exitcode');
          expect(replan.code, replan.stdout).toBe(0);
          expect((await warren('drift', file)).code).toBe(0);
        } finally {
          await deleteVhost(v);
        }
      }),
      params(runs),
    );
  });
});
