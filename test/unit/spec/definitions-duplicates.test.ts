/**
 * Issue 14, second round: definitions files RabbitMQ's import accepts and
 * Warren used to refuse. Of a resource declared twice the last one is kept (the
 * broker's concurrent import may end with either); a file with only `users` is a definitions
 * file; a native spec may manage `cluster_name` but never `internal_cluster_id`.
 */
import { describe, expect, it } from 'vitest';
import { loadSpecTexts, parseSpecText } from '../../../src/spec/index.js';
import { namedKey } from '../../../src/model/keys.js';
import { only, where } from './helpers.js';

const V = 'dv';
const defs = (doc: Record<string, unknown>): string => JSON.stringify({ vhosts: [{ name: V }], ...doc }, null, 2);

describe('definitions: a resource declared twice', () => {
  it('keeps the last one of each kind, warning with both places', () => {
    const text = defs({
      queues: [
        { name: 'q', vhost: V, durable: true, arguments: { 'x-max-length': 1 } },
        { name: 'q', vhost: V, durable: true, arguments: { 'x-max-length': 2 } },
      ],
      exchanges: [
        { name: 'x', vhost: V, type: 'direct' },
        { name: 'x', vhost: V, type: 'fanout' },
      ],
      policies: [
        { name: 'p', vhost: V, pattern: '^a', definition: { 'max-length': 1 } },
        { name: 'p', vhost: V, pattern: '^b', definition: { 'max-length': 2 } },
      ],
      users: [{ name: 'u', password_hash: '', tags: [] }],
      permissions: [
        { user: 'u', vhost: V, configure: 'a', write: 'a', read: 'a' },
        { user: 'u', vhost: V, configure: 'b', write: 'b', read: 'b' },
      ],
      parameters: [
        { vhost: V, component: 'vhost-limits', name: 'limits', value: { 'max-queues': 10 } },
        { vhost: V, component: 'vhost-limits', name: 'limits', value: { 'max-queues': 20 } },
      ],
    });
    const { desired, diagnostics } = parseSpecText(text, 'dup.json');
    expect(desired).not.toBeNull();
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['DUPLICATE_DEFINITION', 'warning', '/queues/1'],
      ['DUPLICATE_DEFINITION', 'warning', '/exchanges/1'],
      ['DUPLICATE_DEFINITION', 'warning', '/policies/1'],
      ['DUPLICATE_DEFINITION', 'warning', '/permissions/1'],
      ['DUPLICATE_DEFINITION', 'warning', '/parameters/1'],
    ]);
    const queueWarning = diagnostics.find((d) => d.path === '/queues/1');
    expect(queueWarning?.message).toMatch(/^queue "q" in vhost "dv" is declared twice: at dup\.json:8:5 and at dup\.json:16:5; Warren keeps the last one \(RabbitMQ's import accepts both, and may end with either: it imports concurrently\); remove the other$/);
    const r = desired?.resources;
    expect(r?.get(namedKey('queue', V, 'q'))).toMatchObject({ arguments: { 'x-max-length': 2 } });
    expect(r?.get(namedKey('exchange', V, 'x'))).toMatchObject({ type: 'fanout' });
    expect(r?.get(namedKey('policy', V, 'p'))).toMatchObject({ pattern: '^b' });
    expect(r?.get(namedKey('permission', V, 'u'))).toMatchObject({ configure: 'b' });
    expect(r?.get(namedKey('vhost_limit', V, 'max-queues'))).toMatchObject({ value: 20 });
    expect([...(r?.values() ?? [])].filter((x) => x.kind === 'parameter')).toEqual([]);
  });

  it('keeps the last entry of a vhost listed twice, whole, with a warning', () => {
    const text = JSON.stringify({ vhosts: [{ name: V, description: 'one', default_queue_type: 'quorum' }, { name: V, description: 'two', tags: ['t'] }] });
    const { desired, diagnostics } = parseSpecText(text, 'v.json');
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([['DUPLICATE_DEFINITION', 'warning', '/vhosts/1']]);
    expect(diagnostics[0]?.message).toBe(`vhost "${V}" is listed twice: at v.json:1:12 and at v.json:1:76; Warren keeps the last one (RabbitMQ's import accepts both, and may end with either); remove the other`);
    expect(desired?.resources.get(namedKey('vhost', V, V))).toMatchObject({ description: 'two', tags: ['t'], unset: ['default_queue_type', 'protected_from_deletion'] });
  });

  it('still refuses a user twice, as the broker does (user_already_exists)', () => {
    const text = defs({ users: [{ name: 'u', password_hash: '', tags: [] }, { name: 'u', password_hash: '', tags: ['management'] }] });
    const d = only(parseSpecText(text, 'u.json').diagnostics, 'DUPLICATE_RESOURCE');
    expect(d.severity).toBe('error');
    expect(d.path).toBe('/users/1');
  });

  it('still refuses a resource declared in a native file and again in a definitions file', () => {
    const { desired, diagnostics } = loadSpecTexts([
      { file: 'a.json', text: defs({ queues: [{ name: 'q', vhost: V }] }) },
      { file: 'b.yaml', text: `version: 1\nvhosts:\n  ${V}:\n    queues:\n      q: {}\n` },
    ]);
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([{ code: 'DUPLICATE_RESOURCE', severity: 'error', file: 'b.yaml', line: 5, column: 7, path: `/vhosts/${V}/queues/q` }]);
  });
});

describe('definitions: which files are definitions', () => {
  it('reads a file with only `users` (or only policies, permissions, parameters) as definitions', () => {
    const users = parseSpecText(JSON.stringify({ users: [{ name: 'newguest', password_hash: '', tags: ['management'] }] }), 'users.json');
    expect(users.diagnostics).toEqual([]);
    expect(users.desired?.resources.get(namedKey('user', '', 'newguest'))).toMatchObject({ tags: ['management'] });
    expect(users.desired?.globalKinds).toEqual(['user', 'user_limit']);
    for (const key of ['permissions', 'topic_permissions', 'policies', 'parameters', 'global_parameters']) {
      const { diagnostics } = parseSpecText(JSON.stringify({ [key]: [] }), `${key}.json`);
      expect(diagnostics, key).toEqual([]);
    }
  });

  it('keeps telling a native spec by its maps: `users:` and `global_parameters:` maps are no definitions', () => {
    const native = parseSpecText('users:\n  app: { password_hash: "" }\nvhosts:\n  v: {}\n', 'n.yaml');
    // Read as a native spec, which then asks for its `version`.
    expect(native.diagnostics.map((d) => d.code)).toEqual(['SCHEMA_REQUIRED']);
    expect(native.diagnostics[0]?.path).toBe('');
    const neither = only(parseSpecText('users:\n  app: {}\n', 'x.yaml').diagnostics, 'UNKNOWN_FORMAT');
    expect(neither.message).toContain('`users`');
    // A native spec (`version: 1`) with a list is a native spec with a mistake, not a definitions file.
    expect(parseSpecText('version: 1\nusers: []\nvhosts: {}\n', 'm.yaml').diagnostics.map((d) => d.code)).toContain('SCHEMA_TYPE');
  });
});

describe('native spec: the broker-owned global parameters', () => {
  it('manages a declared cluster_name and refuses internal_cluster_id', () => {
    const ok = parseSpecText('version: 1\nglobal_parameters:\n  cluster_name: my-cluster\nvhosts: {}\n', 'c.yaml');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.desired?.resources.get(namedKey('global_parameter', '', 'cluster_name'))).toMatchObject({ value: 'my-cluster' });

    const bad = parseSpecText('version: 1\nglobal_parameters:\n  internal_cluster_id: x\nvhosts: {}\n', 'i.yaml');
    expect(bad.desired).toBeNull();
    expect(bad.diagnostics.map(where)).toEqual([{ code: 'GLOBAL_PARAMETER_BROKER_OWNED', severity: 'error', file: 'i.yaml', line: 3, column: 3, path: '/global_parameters/internal_cluster_id' }]);
  });

  it('leaves both out of a definitions file, which carries the exporting broker\'s own', () => {
    const { desired, diagnostics } = parseSpecText(defs({ global_parameters: [{ name: 'cluster_name', value: 'src' }, { name: 'internal_cluster_id', value: 'id' }, { name: 'g', value: 1 }] }), 'g.json');
    expect(diagnostics).toEqual([]);
    expect([...(desired?.resources.values() ?? [])].filter((r) => r.kind === 'global_parameter').map((r) => r.name)).toEqual(['g']);
  });
});
