/**
 * Unset means unmanaged, or the default: every optional field of every kind
 * (model/defaults), through the real spec loader and the diff. For each field:
 * a live resource with a value other than the default; a spec that leaves the
 * field out plans nothing when the field is `unmanaged` and a change when it
 * is `default`; a spec that writes the default explicitly always plans one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { diff } from '../../../src/diff/diff.js';
import { OPTIONAL_FIELDS, type OptionalField } from '../../../src/model/defaults.js';
import { namedKey, resourceKey } from '../../../src/model/keys.js';
import type { Desired, Observed, Resource } from '../../../src/model/types.js';
import { parseSpecText } from '../../../src/spec/index.js';

type Kind = keyof typeof OPTIONAL_FIELDS;

/** Where each kind sits in a native spec, and the name of a field there (the model's `apply_to` is `apply-to`). */
const CASES: Record<Kind, { place: (entry: Record<string, unknown>) => Record<string, unknown>; base: Record<string, unknown>; specField?: Record<string, string> }> = {
  vhost: { place: (e) => ({ vhosts: { v: e } }), base: {} },
  exchange: { place: (e) => ({ vhosts: { v: { exchanges: { x: e } } } }), base: { type: 'direct' } },
  queue: { place: (e) => ({ vhosts: { v: { queues: { q: e } } } }), base: {} },
  // `d` is both a queue and an exchange, so that either destination_type is declared
  binding: { place: (e) => ({ vhosts: { v: { exchanges: { x: { type: 'direct' }, d: { type: 'direct' } }, queues: { d: {} }, bindings: [e] } } }), base: { source: 'x', destination: 'd' } },
  user: { place: (e) => ({ users: { u: e }, vhosts: { v: {} } }), base: {} },
  policy: { place: (e) => ({ vhosts: { v: { policies: { p: e } } } }), base: { pattern: '.*', definition: { 'max-length': 1 } }, specField: { apply_to: 'apply-to' } },
  operator_policy: { place: (e) => ({ vhosts: { v: { operator_policies: { p: e } } } }), base: { pattern: '.*', definition: { 'max-length': 1 } }, specField: { apply_to: 'apply-to' } },
};

/** A live value other than the default, per field. */
const LIVE: Record<string, unknown> = {
  'vhost.description': 'set behind our back',
  'vhost.tags': ['live'],
  'vhost.default_queue_type': 'quorum',
  'vhost.protected_from_deletion': true,
  'exchange.durable': false,
  'exchange.auto_delete': true,
  'exchange.internal': true,
  'exchange.arguments': { 'alternate-exchange': 'ae' },
  'queue.type': 'quorum',
  'queue.durable': false,
  'queue.auto_delete': true,
  'queue.arguments': { 'x-max-length': 7 },
  'binding.destination_type': 'exchange',
  'binding.routing_key': 'k',
  'binding.arguments': { n: 1 },
  'user.tags': ['administrator'],
  'policy.apply_to': 'queues',
  'policy.priority': 5,
  'operator_policy.apply_to': 'queues',
  'operator_policy.priority': 5,
};

function load(kind: Kind, entry: Record<string, unknown>): Desired {
  const doc = CASES[kind].place(entry);
  const { desired, diagnostics } = parseSpecText(stringify({ version: 1, ...doc }), 'spec.yaml');
  if (!desired) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return desired;
}

/** The live broker: what `spec` declares, with `field` of the kind's resource set to `value`. */
function liveOf(desired: Desired, kind: Kind, field: string, value: unknown): Observed {
  const resources = new Map<string, Resource>();
  for (const [key, r] of desired.resources) {
    const { unset: _unset, source: _source, ...rest } = r as Resource & { unset?: unknown; source?: unknown };
    let live = (r.kind === 'binding' ? r : rest) as Resource;
    if (r.kind === kind) live = { ...live, [field]: value } as Resource;
    resources.set(r.kind === kind ? resourceKey(live) : key, live);
  }
  return { broker: { version: '4.3.6', exchangeTypes: ['direct'] }, vhosts: ['v'], resources };
}

const rows = Object.entries(OPTIONAL_FIELDS).flatMap(([kind, fields]) =>
  Object.entries(fields as Record<string, OptionalField>).map(([field, rule]) => [`${kind}.${field}: ${rule.unset}`, { kind: kind as Kind, field, rule }] as const),
);

describe('a field the spec leaves out', () => {
  it.each(rows)('%s', (_title, { kind, field, rule }) => {
    const specField = CASES[kind].specField?.[field] ?? field;
    const live = LIVE[`${kind}.${field}`];
    expect(live, `a live value for ${kind}.${field}`).toBeDefined();
    expect(live).not.toEqual(rule.value);

    const without = load(kind, CASES[kind].base);
    const declared = [...without.resources.values()].find((r) => r.kind === kind) as unknown as Record<string, unknown>;
    expect(declared[field], `${kind}.${field} left out is ${JSON.stringify(rule.value)}`).toEqual(rule.value);
    const planned = diff(without, liveOf(without, kind, field, live), { prune: false }).changes;
    if (rule.unset === 'unmanaged') expect(planned).toEqual([]);
    else expect(planned.length, `${kind}.${field} left out means ${JSON.stringify(rule.value)}`).toBeGreaterThan(0);

    const explicit = load(kind, { ...CASES[kind].base, [specField]: rule.value });
    expect(diff(explicit, liveOf(explicit, kind, field, live), { prune: false }).changes.length, `${kind}.${field} written as the default is managed`).toBeGreaterThan(0);
  });

  it('covers every optional field of the native schema', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schema/topology.schema.json', import.meta.url), 'utf8')) as {
      $defs: Record<string, { properties: Record<string, unknown>; required?: string[] }>;
    };
    // Sections and spec-only settings, not fields of the resource; `bind` entries are bindings.
    const notFields: Record<string, string[]> = {
      vhost: ['prune', 'ignore', 'exchanges', 'queues', 'bindings', 'limits', 'permissions', 'topic_permissions', 'policies', 'operator_policies', 'shovels', 'federation_upstreams', 'federation_upstream_sets', 'parameters'],
      // exclusive queues are not managed (never diffed); consumers are for lint
      queue: ['exclusive', 'bind', 'consumers'],
      // the password has its own unmanaged state (UserPassword); limits are resources
      user: ['password', 'password_hash', 'hashing_algorithm', 'limits'],
      bind: ['exchange'],
    };
    const table: Record<string, Kind> = { vhost: 'vhost', exchange: 'exchange', queue: 'queue', binding: 'binding', bind: 'binding', user: 'user', policy: 'policy' };
    for (const [def, kind] of Object.entries(table)) {
      const d = schema.$defs[def];
      expect(d, def).toBeDefined();
      const optional = Object.keys(d?.properties ?? {}).filter((p) => !(d?.required ?? []).includes(p) && !(notFields[def] ?? []).includes(p));
      const known = Object.keys(OPTIONAL_FIELDS[kind]).map((f) => CASES[kind].specField?.[f] ?? f);
      expect(optional.filter((p) => !known.includes(p)), `optional fields of $defs/${def} missing from model/defaults`).toEqual([]);
    }
  });
});

describe('an update of a resource with unset fields', () => {
  it('keeps the live values of the fields the spec leaves out', () => {
    const desired = load('vhost', { tags: ['spec'] });
    const live: Resource = { kind: 'vhost', vhost: 'v', name: 'v', description: 'kept', tags: ['other'], default_queue_type: 'quorum' };
    const observed: Observed = { broker: { version: '4.3.6', exchangeTypes: [] }, vhosts: ['v'], resources: new Map([[namedKey('vhost', 'v', 'v'), live]]) };
    const changes = diff(desired, observed, { prune: false }).changes;
    expect(changes.map((c) => ({ action: c.action, fields: c.fields.map((f) => f.field), after: c.after }))).toEqual([
      { action: 'update', fields: ['tags'], after: { kind: 'vhost', vhost: 'v', name: 'v', description: 'kept', tags: ['spec'], default_queue_type: 'quorum', source: expect.anything() } },
    ]);
  });
});

describe('a definitions file', () => {
  const user = (text: string): Resource | undefined => [...(parseSpecText(text, 'definitions.json').desired?.resources.values() ?? [])].find((r) => r.kind === 'user');

  it('leaves the tags of a user without them to the broker, and manages written ones, even empty', () => {
    expect(user('{"vhosts": [], "users": [{"name": "u", "password_hash": ""}]}')).toMatchObject({ tags: [], unset: ['tags'] });
    expect(user('{"vhosts": [], "users": [{"name": "u", "password_hash": "", "tags": ""}]}')).not.toHaveProperty('unset');
    expect(user('{"vhosts": [], "users": [{"name": "u", "password_hash": "", "tags": ["a"]}]}')).not.toHaveProperty('unset');
  });
});
