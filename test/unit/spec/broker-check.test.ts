import { describe, expect, it } from 'vitest';
import { NODES_PLUGINS_PATH, nodeApplications, readRunningApplications } from '../../../src/live/plugins.js';
import { checkAgainstBroker, neededPlugins, parseSpecText } from '../../../src/spec/index.js';
import { where, yaml } from './helpers.js';

describe('checkAgainstBroker', () => {
  const text = yaml(
    'version: 1',
    'vhosts:',
    '  /:',
    '    exchanges:',
    '      a: { type: direct }',
    '      b: { type: x-consistent-hash }',
    '      c: { type: x-delayed-message, arguments: { x-delayed-type: direct } }',
    '      d: { type: x-custom }',
  );
  const { desired } = parseSpecText(text, 't.yaml');

  it('reports exchange types the broker lacks, naming the plugin to enable', () => {
    if (!desired) throw new Error('spec should load');
    const diagnostics = checkAgainstBroker(desired, { version: '3.13.7', exchangeTypes: ['direct', 'fanout', 'topic', 'headers', 'x-delayed-message'] });
    expect(diagnostics.map(where)).toEqual([
      { code: 'EXCHANGE_TYPE_NOT_AVAILABLE', severity: 'error', file: 't.yaml', line: 6, column: 7, path: '/vhosts/~1/exchanges/b' },
      { code: 'EXCHANGE_TYPE_NOT_AVAILABLE', severity: 'error', file: 't.yaml', line: 8, column: 7, path: '/vhosts/~1/exchanges/d' },
    ]);
    expect(diagnostics[0]?.message).toBe(
      'exchange "b" in vhost "/" has type "x-consistent-hash", which this broker (RabbitMQ 3.13.7) does not offer; enable the rabbitmq_consistent_hash_exchange plugin (rabbitmq-plugins enable rabbitmq_consistent_hash_exchange)',
    );
    expect(diagnostics[1]?.message).toContain('enable the plugin that provides it');
  });

  it('is silent when every type is available', () => {
    if (!desired) throw new Error('spec should load');
    expect(checkAgainstBroker(desired, { version: '4.1.0', exchangeTypes: ['direct', 'x-consistent-hash', 'x-delayed-message', 'x-custom'] })).toEqual([]);
  });
});

describe('plugins the spec needs', () => {
  const text = yaml(
    'version: 1',
    'vhosts:',
    '  v:',
    '    queues: { a: {} }',
    '    shovels:',
    "      s: { src-uri: 'amqp://', src-queue: a, dest-uri: 'amqp://', dest-queue: b }",
    '    federation_upstreams:',
    "      up: { uri: 'amqp://remote' }",
    '    policies:',
    '      fed: { pattern: ^x, apply-to: exchanges, definition: { federation-upstream-set: all } }',
    '      ttl: { pattern: ^q, definition: { message-ttl: 1000 } }',
  );
  const { desired, diagnostics } = parseSpecText(text, 't.yaml');
  const broker = { version: '3.10.8', exchangeTypes: ['direct', 'fanout', 'topic', 'headers'] };

  it('lists them; a spec without shovels or federation needs none', () => {
    expect(diagnostics).toEqual([]);
    if (!desired) throw new Error('spec should load');
    expect([...neededPlugins(desired)].sort()).toEqual(['rabbitmq_federation', 'rabbitmq_shovel']);
    const plain = parseSpecText(yaml('version: 1', 'vhosts:', '  v:', '    queues: { a: {} }'), 'p.yaml').desired;
    if (!plain) throw new Error('spec should load');
    expect(neededPlugins(plain).size).toBe(0);
  });

  it('reports each resource whose plugin is not running, at its place in the file', () => {
    if (!desired) throw new Error('spec should load');
    const found = checkAgainstBroker(desired, { ...broker, plugins: ['rabbit', 'rabbitmq_management', 'rabbitmq_federation'] });
    expect(found.map(where)).toEqual([{ code: 'PLUGIN_NOT_ENABLED', severity: 'error', file: 't.yaml', line: 6, column: 7, path: '/vhosts/v/shovels/s' }]);
    expect(found[0]?.message).toBe(
      'shovel "s" in vhost "v" needs the rabbitmq_shovel plugin, which is not running on every node of this broker; enable it (rabbitmq-plugins enable rabbitmq_shovel) on each node, or remove the resource',
    );
    const none = checkAgainstBroker(desired, { ...broker, plugins: ['rabbit'] });
    expect(none.map((d) => d.message.split(' needs')[0]).sort()).toEqual(['federation-upstream "up" in vhost "v"', 'policy "fed" in vhost "v" (key "federation-upstream-set")', 'shovel "s" in vhost "v"']);
  });

  it('checks nothing when the plugins were not read', () => {
    if (!desired) throw new Error('spec should load');
    expect(checkAgainstBroker(desired, broker)).toEqual([]);
  });

  const app = (...names: string[]): { name: string }[] => names.map((name) => ({ name }));
  const agent = ['rabbit', 'rabbitmq_management_agent'];

  it('counts a plugin only when every running node runs it', () => {
    expect(
      nodeApplications([
        { name: 'a', running: true, applications: app(...agent, 'rabbitmq_shovel', 'rabbitmq_federation') },
        { name: 'b', running: true, applications: app(...agent, 'rabbitmq_shovel') },
        { name: 'c', running: false },
      ]),
    ).toEqual({ applications: [...agent, 'rabbitmq_shovel'], starting: [] });
    expect(nodeApplications([])).toEqual({ applications: undefined, starting: [] });
  });

  it('reads a running node without applications, or without rabbit and the management agent, as not known yet', () => {
    // right after a start, 3.10.8 lists `{ name, running: true }` for about 5 s
    expect(nodeApplications([{ name: 'a', running: true }])).toEqual({ applications: undefined, starting: ['a'] });
    expect(nodeApplications([{ name: 'a', running: true, applications: app('kernel', 'stdlib') }])).toEqual({ applications: undefined, starting: ['a'] });
    // the nodes that did list theirs still count
    expect(
      nodeApplications([
        { name: 'a', running: true, applications: app(...agent, 'rabbitmq_federation') },
        { name: 'b', running: true, applications: [] },
      ]),
    ).toEqual({ applications: ['rabbit', 'rabbitmq_federation', 'rabbitmq_management_agent'], starting: ['b'] });
  });

  it('waits briefly for a starting node, then warns instead of refusing', async () => {
    const answers: unknown[] = [[{ name: 'a', running: true }], [{ name: 'a', running: true, applications: app(...agent, 'rabbitmq_shovel') }]];
    const reads: string[] = [];
    const source = { get: (path: string): Promise<unknown> => (reads.push(path), Promise.resolve(answers.shift() ?? answers[0])) };
    expect(await readRunningApplications(source, { waitMs: 100, pollMs: 1 })).toEqual({ plugins: [...agent, 'rabbitmq_shovel'], warnings: [] });
    expect(reads).toEqual([NODES_PLUGINS_PATH, NODES_PLUGINS_PATH]);

    const never = { get: (): Promise<unknown> => Promise.resolve([{ name: 'rabbit@a', running: true }]) };
    const t0 = Date.now();
    const late = await readRunningApplications(never, { waitMs: 50, pollMs: 10 });
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(late.plugins).toBeUndefined();
    expect(late.warnings.map((d) => [d.code, d.severity])).toEqual([['PLUGINS_NOT_KNOWN_YET', 'warning']]);
    expect(late.warnings[0]?.message).toContain("node(s) 'rabbit@a' did not list their running plugins");
    // nothing known: nothing refused
    if (!desired) throw new Error('spec should load');
    expect(checkAgainstBroker(desired, { ...broker, ...(late.plugins ? { plugins: late.plugins } : {}) })).toEqual([]);
  });
});
