import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/diff/diff.js';
import { exportDefinitions } from '../../../src/export/definitions.js';
import { exportNative } from '../../../src/export/native.js';
import { namedKey, resourceKey } from '../../../src/model/keys.js';
import type { Desired, Observed, Resource, VhostResource } from '../../../src/model/types.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { checkVersionSupport } from '../../../src/spec/version-check.js';

const live = (version: string, over: Partial<VhostResource> = {}): Observed => {
  const v: VhostResource = { kind: 'vhost', vhost: 'p', name: 'p', description: '', tags: [], default_queue_type: 'classic', protected_from_deletion: false, ...over };
  return { broker: { version, exchangeTypes: ['direct'] }, vhosts: ['p'], resources: new Map<string, Resource>([[resourceKey(v), v]]) };
};
const spec = (field: string): Desired => {
  const { desired, diagnostics } = parseSpecText(`version: 1\nvhosts:\n  p:\n${field}`, 'topology.yaml');
  expect(diagnostics).toEqual([]);
  if (!desired) throw new Error('no spec');
  return desired;
};

describe('vhost deletion protection', () => {
  it('is an update when the spec sets it and the broker differs, both ways; left out, it is unmanaged', () => {
    const on = diff(spec('    protected_from_deletion: true\n'), live('4.3.6'), { prune: false }).changes;
    expect(on).toMatchObject([{ action: 'update', kind: 'vhost', fields: [{ field: 'protected_from_deletion', before: false, after: true, forces_replacement: false }] }]);
    const off = diff(spec('    protected_from_deletion: false\n'), live('4.3.6', { protected_from_deletion: true }), { prune: false }).changes;
    expect(off).toMatchObject([{ action: 'update', fields: [{ field: 'protected_from_deletion', before: true, after: false }] }]);
    expect(diff(spec('    description: ""\n'), live('4.3.6', { protected_from_deletion: true }), { prune: false }).changes).toEqual([]);
    expect(diff(spec('    protected_from_deletion: true\n'), live('4.3.6', { protected_from_deletion: true }), { prune: false }).changes).toEqual([]);
    // A broker without the feature reports no field: false, as the spec says.
    const { protected_from_deletion: _, ...without } = live('3.10.8').resources.get(namedKey('vhost', 'p', 'p')) as VhostResource;
    const old: Observed = { ...live('3.10.8'), resources: new Map<string, Resource>([[namedKey('vhost', 'p', 'p'), without]]) };
    expect(diff(spec('    protected_from_deletion: false\n'), old, { prune: false }).changes).toEqual([]);
  });

  it('keeps the live protection in an update of other fields when the spec leaves it out', () => {
    const [change] = diff(spec('    description: d\n'), live('4.3.6', { protected_from_deletion: true }), { prune: false }).changes;
    expect(change?.after).toMatchObject({ description: 'd', protected_from_deletion: true });
  });

  it('refuses `true` at plan time on brokers before 4.0.6, at the field; false is fine', () => {
    const desired = spec('    protected_from_deletion: true\n');
    for (const version of ['3.10.8', '4.0.5']) {
      const d = checkVersionSupport(desired, { version });
      expect(d).toMatchObject([{ code: 'VHOST_PROTECTION_UNSUPPORTED', severity: 'error', file: 'topology.yaml', line: 3, path: '/vhosts/p/protected_from_deletion' }]);
      expect(d[0]?.message).toContain(`RabbitMQ ${version} does not support`);
      expect(checkVersionSupport(spec('    protected_from_deletion: false\n'), { version })).toEqual([]);
    }
    expect(checkVersionSupport(desired, { version: '4.0.6' })).toEqual([]);
    expect(checkVersionSupport(desired, { version: '4.3.6' })).toEqual([]);
  });

  it('refuses to replace a protected vhost (the delete would answer 412)', () => {
    const r = diff(spec('    default_queue_type: quorum\n'), live('3.11.0', { protected_from_deletion: true }), { prune: false });
    expect(r.changes).toEqual([]);
    expect(r.warnings).toMatchObject([{ code: 'VHOST_PROTECTED', severity: 'error' }]);
    expect(r.warnings[0]?.message).toContain('protected_from_deletion: false');
  });

  it('is exported when true, so a round trip is empty', () => {
    const observed = live('4.3.6', { protected_from_deletion: true });
    const text = exportNative(observed.resources);
    expect(text).toContain('protected_from_deletion: true');
    const back = parseSpecText(text, 'exported.yaml').desired;
    expect(back && diff(back, observed, { prune: true }).changes).toEqual([]);
    expect(exportNative(live('4.3.6').resources)).not.toContain('protected_from_deletion');
    const defs = exportDefinitions(observed.resources);
    expect(defs.vhosts?.[0]).toMatchObject({ name: 'p', metadata: { protected_from_deletion: true } });
    expect(defs.vhosts?.[0]).not.toHaveProperty('protected_from_deletion');
    const fromDefs = parseSpecText(JSON.stringify(defs), 'defs.json').desired;
    expect(fromDefs && diff(fromDefs, observed, { prune: true }).changes).toEqual([]);
  });

  it('converts a spec that sets it, false included', () => {
    for (const value of [true, false]) {
      const desired = spec(`    protected_from_deletion: ${value}\n`);
      expect(exportNative(desired.resources, { fromSpec: true })).toContain(`protected_from_deletion: ${value}`);
      expect(exportDefinitions(desired.resources, { fromSpec: true }).vhosts?.[0]?.metadata).toMatchObject({ protected_from_deletion: value });
    }
    expect(exportNative(spec('    description: d\n').resources, { fromSpec: true })).not.toContain('protected_from_deletion');
  });
});
