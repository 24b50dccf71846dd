import { describe, expect, it } from 'vitest';
import { mgmt } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

async function probeVhosts(): Promise<string[]> {
  const res = await mgmt<{ name: string }[]>('GET', '/api/vhosts?columns=name');
  return res.body.map((v) => v.name).filter((n) => n.startsWith('warren-probe'));
}

const SPEC = `
version: 1
vhosts:
  shop:
    exchanges:
      orders: { type: topic, arguments: { alternate-exchange: unrouted } }
      unrouted: { type: fanout, internal: true }
      audit: { type: fanout, internal: true }
      docs: { type: headers }
      loop-a: { type: fanout }
      loop-b: { type: fanout }
    queues:
      created: { bind: [{ exchange: orders, routing_key: "order.created" }] }
      any-paid: { bind: [{ exchange: orders, routing_key: "order.*.paid" }] }
      empty-words: { bind: [{ exchange: orders, routing_key: "a..b" }] }
      lost: { bind: [{ exchange: unrouted }] }
      audit.log: { bind: [{ exchange: audit }] }
      pdf5: { bind: [{ exchange: docs, arguments: { x-match: all, format: pdf, size: 5 } }] }
      looped: { bind: [{ exchange: loop-b }] }
    bindings:
      - { source: orders, destination: audit, destination_type: exchange, routing_key: "audit.#" }
      - { source: loop-a, destination: loop-b, destination_type: exchange }
      - { source: loop-b, destination: loop-a, destination_type: exchange }
tests:
  - { name: topic one word, exchange: orders, routing_key: order.eu.paid, expect: [any-paid] }
  - { name: "* is exactly one word", exchange: orders, routing_key: order.paid, expect: [lost] }
  - { name: empty words are words, exchange: orders, routing_key: a..b, expect: [empty-words] }
  - { name: e2e into an internal exchange, exchange: orders, routing_key: audit.x.y, expect: [audit.log] }
  - { name: alternate exchange takes what nothing matched, exchange: orders, routing_key: nope, expect: [lost] }
  - { name: typed headers match, exchange: docs, headers: { format: pdf, size: 5 }, expect: [pdf5] }
  - { name: "the string \\"5\\" is not the number 5", exchange: docs, headers: { format: pdf, size: "5" }, expect_unroutable: true }
  - { name: a cycle delivers once, exchange: loop-a, expect: [looped] }
  - { name: default exchange, exchange: "", routing_key: created, expect: [created] }
`;

describe('warren test', () => {
  it('runs the seed examples offline', async () => {
    const fanout = await warren('test', 'examples/seed-fanout.yaml');
    expect(fanout.stdout).toContain('✓ a fanout ignores the routing key');
    expect(fanout.code).toBe(0);
    const direct = await warren('test', 'examples/seed-direct.yaml');
    expect(direct.stdout).toMatch(/6 tests: 6 passed \(offline/);
    expect(direct.code).toBe(0);
  });

  it('--live: alternate exchanges, exchange-to-exchange bindings, cycles, headers and empty words agree with the broker', async () => {
    const r = await warren('test', specFile(SPEC), '--live');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/9 tests: 9 passed \(simulated and published on a temporary vhost of RabbitMQ \d/);
    expect(r.stdout).toContain('✓ alternate exchange takes what nothing matched  (orders [nope] → lost; broker: lost)');
    expect(r.stdout).toContain('(docs [] {"format":"pdf","size":"5"} → unroutable; broker: returned)');
    expect(r.code).toBe(0);
    expect(await probeVhosts()).toEqual([]);
  });

  it('--live: a wrong expectation fails, names the case, and the vhost is deleted; JUnit output', async () => {
    const spec = specFile(`${SPEC}  - { name: wrong on purpose, exchange: orders, routing_key: order.created, expect: [any-paid] }\n`);
    const r = await warren('test', spec, '--live', '--format', 'junit');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('<testsuites name="warren test" tests="10" failures="1"');
    expect(r.stdout).toContain('<testcase name="wrong on purpose" classname="warren.live.');
    expect(r.stdout).toContain('expected [any-paid], the simulator routes to [created]: missing any-paid; unexpected created');
    expect(await probeVhosts()).toEqual([]);
  });

  it('--live: publishing to an internal exchange is refused by both', async () => {
    const spec = specFile('version: 1\nvhosts:\n  /:\n    exchanges: { hidden: { type: fanout, internal: true } }\n    queues: { q: { bind: [{ exchange: hidden }] } }\ntests:\n  - { name: internal, exchange: hidden, expect: [q] }\n');
    const r = await warren('test', spec, '--live', '--format', 'json');
    const report = JSON.parse(r.stdout) as { cases: { failures: string[]; live: { error?: string } }[] };
    expect(report.cases[0]?.failures).toEqual([expect.stringMatching(/^the publish fails: exchange `hidden` is internal/)]);
    expect(report.cases[0]?.live.error).toMatch(/403 ACCESS_REFUSED/);
    expect(r.code).toBe(1);
  });
});

const POLICY_SPEC = `
version: 1
vhosts:
  shop:
    exchanges:
      ex: { type: direct }
      ae: { type: fanout }
      hidden: { type: direct }
      dlx: { type: direct }
    queues:
      caught: { bind: [{ exchange: ae }] }
      hit: { bind: [{ exchange: ex, routing_key: "yes" }] }
      jobs: { bind: [{ exchange: ex, routing_key: job }] }
      dead: { bind: [{ exchange: dlx, routing_key: dead }] }
    policies:
      ae: { pattern: "^ex$", apply-to: exchanges, definition: { alternate-exchange: ae } }
      hides: { pattern: "^hidden$", apply-to: all, priority: 2, definition: { expires: 600000 } }
      low-ae: { pattern: "^hid", apply-to: exchanges, priority: 1, definition: { alternate-exchange: ae } }
      dl: { pattern: "^jobs$", apply-to: queues, definition: { dead-letter-exchange: dlx, dead-letter-routing-key: dead } }
      expire-at-once: { pattern: "^(caught|hit)$", apply-to: queues, priority: 5, definition: { message-ttl: 0 } }
    operator_policies:
      nothing-kept: { pattern: ".*", apply-to: queues, definition: { max-length: 0 } }
tests:
  - { name: policy alternate exchange, exchange: ex, routing_key: nope, expect: [caught] }
  - { name: a binding beats the alternate exchange, exchange: ex, routing_key: "yes", expect: [hit] }
  - { name: a higher priority policy without one hides it, exchange: hidden, routing_key: nope, expect_unroutable: true }
  - { name: policy dead-letter exchange does not change routing, exchange: ex, routing_key: job, expect: [jobs] }
`;

describe('alternate and dead-letter exchanges set by policies', () => {
  it('route follows the policy alternate exchange and dead-letter exchange', async () => {
    const spec = specFile(POLICY_SPEC);
    const ae = await warren('route', spec, '--exchange', 'ex', '--routing-key', 'nope');
    expect(ae.stdout).toBe('caught  ← ae (fanout) [] ← ex (direct) [alternate exchange, policy ae]\n');
    const dl = await warren('route', spec, '--exchange', 'ex', '--routing-key', 'job', '--dead-letter', '--format', 'json');
    expect(JSON.parse(dl.stdout)).toMatchObject({ queues: ['jobs'], deadLetter: [{ queue: 'jobs', exchange: 'dlx', routingKey: 'dead', policy: 'dl', result: { queues: ['dead'] } }] });
  });

  it('route --live with the spec applied: the broker agrees, and the spec file picks the vhost', async () => {
    const v = `warren-route-live-${process.pid}`;
    const spec = specFile(POLICY_SPEC.replace(/^ {2}\S+:$/m, `  ${v}:`));
    try {
      const applied = await warren('apply', spec, '--auto-approve');
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      const r = await warren('route', spec, '--live', '--exchange', 'ex', '--routing-key', 'nope');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('caught  ← ae (fanout) [] ← ex (direct) [alternate exchange, policy ae]\n');
    } finally {
      await mgmt('DELETE', `/api/vhosts/${encodeURIComponent(v)}`);
    }
  });

  it('--live: the temporary vhost gets the policies (routing keys only, so TTLs and limits hide no probe message)', async () => {
    const r = await warren('test', specFile(POLICY_SPEC), '--live');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/4 tests: 4 passed \(simulated and published on a temporary vhost of RabbitMQ \d/);
    expect(r.stdout).toContain('✓ policy alternate exchange  (ex [nope] → caught; broker: caught)');
    expect(r.code).toBe(0);
    expect(await probeVhosts()).toEqual([]);
  });
});

describe('README commands of "Routing" and "Lint"', () => {
  it('route the seed examples as the README shows', async () => {
    const fanout = await warren('route', 'examples/seed-fanout.yaml', '--vhost', '/', '--exchange', 'tasks_fanout', '--routing-key', 'suo_piao');
    expect(fanout.stdout).toBe('piap  ← tasks_fanout (fanout) [suo_piao]\n');
    for (const key of ['hipri', 'midpri', 'lopri']) {
      const r = await warren('route', 'examples/seed-direct.yaml', '--vhost', '/', '--exchange', 'tasks', '--routing-key', key);
      expect(r.stdout).toBe(`${key}  ← tasks (direct) [${key}]\n`);
    }
    const other = await warren('route', 'examples/seed-direct.yaml', '--vhost', '/', '--exchange', 'tasks', '--routing-key', 'urgent', '--format', 'json');
    expect(JSON.parse(other.stdout)).toMatchObject({ queues: [], unroutable: true });
  });

  it('lint the demo: one error, exit 1; SARIF on request', async () => {
    const r = await warren('lint', 'examples/lint-demo.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('examples/lint-demo.yaml:8:7: error UNDECLARED_ALTERNATE_EXCHANGE');
    expect(r.stdout).toContain('3 findings: 1 error, 2 warnings, 0 notes');
    const sarif = await warren('lint', 'examples/lint-demo.yaml', '--format', 'sarif');
    const doc = JSON.parse(sarif.stdout) as { version: string; runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(doc.version).toBe('2.1.0');
    expect(doc.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('examples/lint-demo.yaml');
    const clean = await warren('lint', 'examples/seed-direct.yaml');
    expect(clean.code).toBe(0);
  });
});

const CC_SPEC = `
version: 1
vhosts:
  shop:
    exchanges:
      orders: { type: topic }
      direct: { type: direct }
    queues:
      created: { bind: [{ exchange: orders, routing_key: "order.created" }] }
      audit: { bind: [{ exchange: orders, routing_key: "audit.*" }] }
      billing: { bind: [{ exchange: direct, routing_key: billing }] }
tests:
  - { name: CC keys route like the routing key, exchange: orders, routing_key: order.created, headers: { CC: [audit.x] }, expect: [created, audit] }
  - { name: BCC keys too, exchange: direct, routing_key: none, headers: { BCC: [billing] }, expect: [billing] }
  - { name: on the default exchange they name queues, exchange: "", routing_key: created, headers: { CC: [billing], BCC: [audit] }, expect: [created, billing, audit] }
`;

describe('CC and BCC headers', () => {
  it('route reads them from --headers, --cc and --bcc, and refuses a CC that is not an array, as the broker does', async () => {
    const spec = specFile(CC_SPEC);
    const json = await warren('route', spec, '--exchange', 'orders', '--routing-key', 'order.created', '--headers', '{"CC":["audit.x"],"BCC":["order.created"]}', '--format', 'json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ queues: ['audit', 'created'], unroutable: false });
    const flags = await warren('route', spec, '--exchange', 'direct', '--routing-key', 'none', '--cc', 'nope', '--bcc', 'billing');
    expect(flags.stdout).toBe('billing  ← direct (direct) [billing]\n');
    const bad = await warren('route', spec, '--exchange', 'direct', '--routing-key', 'billing', '--header', 'CC=billing');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('unroutable: header `CC` is the string "billing", but RabbitMQ takes CC only as an array of routing keys');
    const badJson = await warren('route', spec, '--exchange', 'direct', '--routing-key', 'billing', '--headers', '{"CC":"billing"}', '--format', 'json');
    expect(badJson.code).toBe(1);
    expect(JSON.parse(badJson.stdout)).toMatchObject({ queues: [], errors: [{ code: 'ROUTE_CC_NOT_ARRAY' }] });
    expect(badJson.stderr).toContain('ROUTE_CC_NOT_ARRAY');
  });

  it('warren test --live and route --live agree with the broker', async () => {
    const r = await warren('test', specFile(CC_SPEC), '--live');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/3 tests: 3 passed \(simulated and published on a temporary vhost of RabbitMQ \d/);
    expect(r.code).toBe(0);
    expect(await probeVhosts()).toEqual([]);

    const v = `warren-route-live-cc-${process.pid}`;
    const spec = specFile(CC_SPEC.replace(/^ {2}shop:$/m, `  ${v}:`));
    try {
      const applied = await warren('apply', spec, '--auto-approve');
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      const live = await warren('route', spec, '--live', '--exchange', 'orders', '--routing-key', 'order.created', '--cc', 'audit.x', '--format', 'json');
      expect(live.code, live.stderr).toBe(0);
      expect(JSON.parse(live.stdout)).toMatchObject({ queues: ['audit', 'created'] });
    } finally {
      await mgmt('DELETE', `/api/vhosts/${encodeURIComponent(v)}`);
    }
  });
});
