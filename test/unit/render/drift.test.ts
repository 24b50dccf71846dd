import { describe, expect, it } from 'vitest';
import { driftFromPlan, renderDriftJson, renderDriftJunit, renderDriftMarkdown, renderDriftText } from '../../../src/render/drift.js';
import { renderJunit, xmlAttr, xmlText } from '../../../src/render/junit.js';
import { binding, exchange, mapOf, queue, vhost } from '../export/fixtures.js';
import { planned, planOf } from './plans.js';

const x = exchange('v', 'x');
const missingQ = queue('v', 'missing');
const changedQ = queue('v', 'changed', { arguments: { 'x-max-length': 10 } });
const replacedX = exchange('v', 'replaced', { type: 'topic' });
const rebound = binding('v', 'replaced', 'changed', 'k');
const extra = queue('v', 'extra', { messages: 4 });

function driftPlan(prune: boolean) {
  return planOf(
    [
      planned('create', missingQ),
      planned('create', binding('v', 'x', 'missing', 'k')),
      planned('replace', changedQ, {
        after: queue('v', 'changed', { arguments: { 'x-max-length': 20 } }),
        fields: [{ field: 'arguments.x-max-length', before: 10, after: 20, forces_replacement: true }],
      }),
      planned('update', vhost('v', { tags: ['a'] }), { fields: [{ field: 'tags', before: [], after: ['a'], forces_replacement: false }] }),
      planned('replace', replacedX, { fields: [{ field: 'type', before: 'direct', after: 'topic', forces_replacement: true }] }),
      // re-created only because its exchange is replaced: not drift
      { ...planned('create', rebound), before: rebound },
      ...(prune ? [planned('delete', extra)] : []),
    ],
    prune ? { prune } : { unmanaged: [{ kind: 'queue', vhost: 'v', name: 'extra', key: planned('delete', extra).key, messages: 4 }] },
  );
}

describe('driftFromPlan', () => {
  it('sorts changes into missing, changed and unmanaged; a re-created binding is not drift', () => {
    const report = driftFromPlan(driftPlan(false));
    expect(report.in_sync).toBe(false);
    expect(report.missing.map((m) => `${m.kind} ${m.name}`)).toEqual(['queue missing', 'binding x -> missing [k]']);
    expect(report.changed.map((c) => `${c.kind} ${c.name} ${c.needs_replace}`)).toEqual(['vhost v false', 'exchange replaced true', 'queue changed true']);
    expect(report.changed[2]?.fields).toEqual([{ field: 'arguments.x-max-length', live: 10, declared: 20 }]);
    expect(report.unmanaged).toEqual([{ kind: 'queue', vhost: 'v', name: 'extra', key: planned('delete', extra).key, messages: 4, in_prune_scope: false, fails_drift: false }]);
    expect(report.summary).toEqual({ missing: 2, changed: 3, unmanaged: 1, unmanaged_failing: 0, unmanaged_not_failing: 1 });
    expect(report).toMatchObject({ strict: false, prune: false, prune_vhosts: [] });
  });

  it('treats deletes of a pruning plan as unmanaged resources in the prune scope, which fail drift', () => {
    const report = driftFromPlan(driftPlan(true));
    expect(report.unmanaged).toEqual([{ kind: 'queue', vhost: 'v', name: 'extra', key: planned('delete', extra).key, messages: 4, in_prune_scope: true, fails_drift: true }]);
    expect(report).toMatchObject({ prune: true, prune_vhosts: ['v'] });
    expect(report.summary).toMatchObject({ unmanaged: 1, unmanaged_failing: 1, unmanaged_not_failing: 0 });
  });

  it('lists unmanaged resources outside the prune scope without failing, unless strict', () => {
    const user = { kind: 'user' as const, vhost: '', name: 'other-team', key: '["user","","other-team"]' };
    const plan = planOf([], { unmanaged: [user] });
    const report = driftFromPlan(plan, { pruneVhosts: ['v'] });
    expect(report).toMatchObject({ in_sync: true, strict: false, prune: false, prune_vhosts: ['v'] });
    expect(report.unmanaged).toEqual([{ ...user, in_prune_scope: false, fails_drift: false }]);
    expect(renderDriftText(report)).toContain('Unmanaged, not drift (on the broker, not declared; outside the prune scope; warren drift --strict counts them):\n  + user "other-team"');
    expect(renderDriftText(report)).toContain('Prune scope: vhost "v" (prune: true); users and other global kinds only with --prune.');
    expect(renderDriftText(report)).toContain('No drift. 1 unmanaged resource outside the prune scope is listed, not counted.');
    const md = renderDriftMarkdown(report, { graph: mapOf([x]) });
    expect(md).toContain('**In sync.** The broker matches the spec. 1 unmanaged resource outside the prune scope is listed, not counted.');
    expect(md).toContain('<summary>Not drift: 1 unmanaged (outside the prune scope; warren drift --strict counts them)</summary>');
    expect(md).toContain('| user | 0 | 0 | 0 | 1 |');
    expect(md).not.toContain('```mermaid');
    const xml = renderDriftJunit(report, mapOf([x]));
    expect(xml).toContain('<testsuites tests="2" failures="0" errors="0">');
    expect(xml).toContain('skipped="1"');
    expect(xml).toContain('<skipped message="user &quot;other-team&quot; is on the broker but not declared; outside the prune scope, so not drift (warren drift --strict counts it)"/>');

    const strict = driftFromPlan(plan, { strict: true, pruneVhosts: ['v'] });
    expect(strict).toMatchObject({ in_sync: false, strict: true, summary: { unmanaged: 1, unmanaged_failing: 1, unmanaged_not_failing: 0 } });
    expect(strict.unmanaged).toEqual([{ ...user, in_prune_scope: false, fails_drift: true }]);
    expect(renderDriftText(strict)).toContain('Unmanaged (on the broker, not declared; drift with --strict):\n  + user "other-team"');
    expect(renderDriftText(strict)).toContain('Drift: 0 missing, 0 changed, 1 unmanaged.');
    expect(renderDriftJunit(strict, mapOf([x]))).toContain('type="unmanaged">user "other-team" exists live but the spec does not declare it (warren drift --strict counts it as drift)');
  });

  it('is in sync when the only unmanaged resource is the user Warren connects as', () => {
    const report = driftFromPlan(planOf([], { unmanaged: [{ kind: 'user', vhost: '', name: 'guest', key: '["user","","guest"]', protected: 'Warren connects as this user' }] }));
    expect(report.in_sync).toBe(true);
    expect(report.unmanaged).toEqual([]);
  });

  it('is in sync for an empty plan', () => {
    const report = driftFromPlan(planOf([]));
    expect(report).toMatchObject({ format_version: 1, in_sync: true, missing: [], changed: [], unmanaged: [] });
    expect(renderDriftText(report)).toContain('In sync.');
    expect(renderDriftMarkdown(report)).toContain('**In sync.**');
    expect(JSON.parse(renderDriftJson(report))).toEqual(report);
  });
});

describe('renderDriftMarkdown', () => {
  it('lists each group and marks missing red, unmanaged green in the graph', () => {
    const report = driftFromPlan(driftPlan(true));
    const out = renderDriftMarkdown(report, { graph: mapOf([x, missingQ, binding('v', 'x', 'missing', 'k'), extra, changedQ]) });
    expect(out).toContain('| queue | 1 | 1 | 1 |');
    expect(out).toContain('-   arguments.x-max-length: 10   (live)');
    expect(out).toContain('+   arguments.x-max-length: 20   (declared)');
    expect(out).toContain('+ queue "extra" in vhost "v" (4 messages)');
    expect(out).toMatch(/class n\d+ removed/);
    expect(out).toMatch(/class n\d+ added/);
  });
});

describe('drift at scale', () => {
  it('renders 10,000 missing queues within one comment, the graph capped', () => {
    const queues = Array.from({ length: 10_000 }, (_, i) => queue('v', `q-${i}`));
    const report = driftFromPlan(planOf(queues.flatMap((q) => [planned('create', q), planned('create', binding('v', 'x', q.name, q.name))])));
    const started = performance.now();
    const md = renderDriftMarkdown(report, { graph: mapOf([x, ...queues, ...queues.map((q) => binding('v', 'x', q.name, q.name))]) });
    const xml = renderDriftJunit(report, mapOf(queues));
    // A hang guard, not a benchmark (the machine is shared): the speed is measured by npm run bench.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toMatch(/… and \d+ more/);
    expect(md).toMatch(/Not shown: \d+ nodes and \d+ edges left out/);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(20_000);
  });
});

describe('renderDriftJunit', () => {
  it('has one test case per declared resource, failures for drift, and failing cases for unmanaged ones in the prune scope', () => {
    const report = driftFromPlan(driftPlan(true));
    const declared = mapOf([vhost('v'), x, missingQ, changedQ, replacedX, rebound, binding('v', 'x', 'missing', 'k'), queue('v', 'fine')]);
    const xml = renderDriftJunit(report, declared);
    expect(xml).toContain('<testsuites tests="9" failures="6" errors="0">');
    expect(xml).toContain('<testsuite name="warren drift" tests="9" failures="6" errors="0" skipped="0">');
    expect(xml).toContain('<testcase classname="warren.queue.v" name="fine"/>');
    expect(xml).toContain('<testcase classname="warren.binding.v" name="replaced -&gt; changed [k]"/>');
    expect(xml).toContain('<failure message="queue &quot;missing&quot; in vhost &quot;v&quot; is declared but missing on the broker" type="missing">');
    expect(xml).toContain('  arguments.x-max-length: live 10, declared 20</failure>');
    expect(xml).toContain('type="unmanaged">queue "extra" in vhost "v" (4 messages) exists live but the spec does not declare it (it is in the prune scope, so warren apply deletes it)');
    expect((xml.match(/<testcase /g) ?? []).length).toBe(9);
    expect((xml.match(/<failure /g) ?? []).length).toBe(6);
  });
});

describe('JUnit XML escaping', () => {
  it('escapes markup, quotes and characters XML cannot carry', () => {
    expect(xmlText('a <b> & "c" ]]>')).toBe('a &lt;b&gt; &amp; "c" ]]&gt;');
    expect(xmlAttr(`a "b" 'c' <d> & e\nf\tg`)).toBe('a &quot;b&quot; &apos;c&apos; &lt;d&gt; &amp; e&#10;f&#9;g');
    expect(xmlText('bell\u0007 nul\u0000 lone\ud800 pair😀')).toBe('bell\uFFFD nul\uFFFD lone\uFFFD pair😀');
  });

  it('writes a well-formed document', () => {
    const xml = renderJunit([{ name: 's <1>', cases: [{ classname: 'c', name: 'ok' }, { classname: 'c', name: 'bad', failure: { type: 't', message: 'm', text: 'x <y>' } }] }]);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites tests="2" failures="1" errors="0">',
        '  <testsuite name="s &lt;1&gt;" tests="2" failures="1" errors="0" skipped="0">',
        '    <testcase classname="c" name="ok"/>',
        '    <testcase classname="c" name="bad">',
        '      <failure message="m" type="t">x &lt;y&gt;</failure>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });
});
