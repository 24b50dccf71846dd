/**
 * Unset means unmanaged, on the real broker: vhost metadata set behind
 * Warren's back survives a spec that does not mention it, and an update of
 * one field keeps the others (the broker's PUT overwrites every field).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshVhosts, mgmt } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const vhost = freshVhosts();
const enc = encodeURIComponent;

interface LiveVhost {
  description?: string;
  tags?: string[];
  default_queue_type?: string;
  metadata?: { description?: string; tags?: string[]; default_queue_type?: string };
}

async function liveVhost(v: string): Promise<{ description: string; tags: string[] }> {
  const r = await mgmt<LiveVhost>('GET', `/api/vhosts/${enc(v)}`);
  expect(r.ok).toBe(true);
  return { description: r.body.description ?? r.body.metadata?.description ?? '', tags: r.body.tags ?? r.body.metadata?.tags ?? [] };
}

describe('vhost metadata the spec leaves out', () => {
  it('is left as it is; written explicitly, even empty, it is managed', async () => {
    const v = await vhost('unset');
    // behind Warren's back: a description and tags
    const put = await mgmt('PUT', `/api/vhosts/${enc(v)}`, { description: 'set by the platform team', tags: 'billing,eu' });
    expect(put.ok).toBe(true);
    const queues = { q: {} };

    const named = specFile({ version: 1, vhosts: { [v]: { queues } } });
    expect((await warren('apply', named, '--auto-approve')).code).toBe(0);
    const plan = await warren('plan', named, '--detailed-exitcode');
    expect(plan.code, plan.stdout).toBe(0);
    expect(await liveVhost(v)).toEqual({ description: 'set by the platform team', tags: ['billing', 'eu'] });

    // description: "" is managed; the tags, left out, are kept by the update
    const cleared = specFile({ version: 1, vhosts: { [v]: { description: '', queues } } });
    const planned = await warren('plan', cleared, '--detailed-exitcode', '--format', 'json');
    expect(planned.code, planned.stdout).toBe(2);
    const doc = JSON.parse(planned.stdout) as { changes: { action: string; kind: string; fields: { field: string; before: unknown; after: unknown }[] }[] };
    expect(doc.changes.map((c) => ({ action: c.action, kind: c.kind, fields: c.fields }))).toEqual([
      { action: 'update', kind: 'vhost', fields: [{ field: 'description', before: 'set by the platform team', after: '', forces_replacement: false }] },
    ]);
    const applied = await warren('apply', cleared, '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await liveVhost(v)).toEqual({ description: '', tags: ['billing', 'eu'] });
    expect((await warren('plan', cleared, '--detailed-exitcode')).code).toBe(0);

    // tags: [] is managed too
    const untagged = specFile({ version: 1, vhosts: { [v]: { tags: [], queues } } });
    expect((await warren('plan', untagged, '--detailed-exitcode')).code).toBe(2);
  });
});

describe('export and convert round trips', () => {
  it('export → plan, export → convert → plan, and convert back → plan are all empty', async () => {
    const v = await vhost('unset-conv');
    // metadata behind Warren's back, on the broker only
    expect((await mgmt('PUT', `/api/vhosts/${enc(v)}`, { description: 'made by hand', tags: 'eu' })).ok).toBe(true);
    const file = specFile({
      version: 1,
      vhosts: {
        [v]: {
          exchanges: { ex: { type: 'topic' }, ae: { type: 'fanout', internal: true } },
          queues: { cq: { bind: [{ exchange: 'ex', routing_key: 'a.*' }] }, qq: { type: 'quorum', bind: [{ exchange: 'ae' }] } },
          policies: { ttl: { pattern: '^cq$', 'apply-to': 'queues', definition: { 'message-ttl': 60000 } } },
        },
      },
    });
    const applied = await warren('apply', file, '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'warren-unset-'));
    const empty = async (spec: string): Promise<void> => {
      const plan = await warren('plan', spec, '--detailed-exitcode', '--prune');
      expect(plan.code, `${plan.stdout}${plan.stderr}\n${readFileSync(spec, 'utf8')}`).toBe(0);
    };

    const exported = join(dir, 'exported.yaml');
    expect((await warren('export', '--vhost', v, '-o', exported)).code).toBe(0);
    expect(readFileSync(exported, 'utf8')).toContain('made by hand');
    await empty(exported);

    const defs = join(dir, 'definitions.json');
    const defsOut = await warren('export', '--vhost', v, '--format', 'definitions');
    expect(defsOut.code).toBe(0);
    writeFileSync(defs, defsOut.stdout);
    await empty(defs);

    const native = join(dir, 'converted.yaml');
    const toNative = await warren('convert', defs, '-o', native);
    expect(toNative.code, toNative.stderr).toBe(0);
    expect(readFileSync(native, 'utf8')).not.toContain('Skipped');
    await empty(native);

    const back = join(dir, 'back.json');
    const toDefs = await warren('convert', native, '-o', back);
    expect(toDefs.code, toDefs.stderr).toBe(0);
    await empty(back);
    // and again: nothing added
    const again = join(dir, 'again.yaml');
    expect((await warren('convert', back, '-o', again)).code).toBe(0);
    expect(readFileSync(again, 'utf8').replace(/back\.json/, 'definitions.json')).toBe(readFileSync(native, 'utf8'));
  });
});
