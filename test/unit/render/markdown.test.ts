import { describe, expect, it } from 'vitest';
import type { Hazard, PlannedChange } from '../../../src/model/plan.js';
import { codeBlock, listWithin, mdCode, mdText, renderPlanMarkdown } from '../../../src/render/markdown.js';
import { binding, exchange, mapOf, queue } from '../export/fixtures.js';
import { planned, planOf } from './plans.js';

/** The Markdown with its fenced code blocks removed. */
function outsideCode(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '');
}

describe('Markdown escaping', () => {
  it('mdText escapes HTML and inline formatting', () => {
    expect(mdText('<script>a & b</script> *x* _y_ [l](u) `c` | ~s~ \\')).toBe(
      '&lt;script&gt;a &amp; b&lt;/script&gt; \\*x\\* \\_y\\_ \\[l\\](u) \\`c\\` \\| \\~s\\~ \\\\',
    );
    expect(mdText('one\ntwo')).toBe('one two');
  });

  it('mdCode picks a fence longer than any backtick run inside', () => {
    expect(mdCode('plain')).toBe('`plain`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('')).toBe('`""`');
  });

  it('codeBlock fences are longer than any backtick run inside', () => {
    expect(codeBlock('diff', ['+ a', '+ ```b'])).toEqual(['````diff', '+ a', '+ ```b', '````']);
  });

  it('names never reach the Markdown outside code spans and blocks unescaped', () => {
    const evil = '<img src=x onerror=alert(1)> **bold** @team';
    const q = queue('v', evil, { messages: 3 });
    const hazard: Hazard = { code: 'QUEUE_DATA_LOSS', message: `queue "${evil}" holds 3 messages`, change: planned('delete', q).key, allowed_by: '--allow-data-loss' };
    const out = renderPlanMarkdown(planOf([planned('delete', q)], { hazards: [hazard], vhosts: ['<v>'] }));
    expect(outsideCode(out)).not.toContain('<img');
    expect(out).toContain('queue "&lt;img src=x onerror=alert(1)&gt; \\*\\*bold\\*\\* @team" holds 3 messages');
    expect(out).toContain('Vhost `<v>`');
    // in the diff block, JSON-quoted
    expect(out).toContain(`@@ delete queue ${JSON.stringify(evil)} in vhost "v" @@`);
  });
});

describe('renderPlanMarkdown', () => {
  it('puts hazards before the summary table and the details', () => {
    const q = queue('v', 'q', { messages: 3 });
    const hazard: Hazard = { code: 'QUEUE_DATA_LOSS', message: 'queue "q" holds 3 messages', change: planned('delete', q).key, allowed_by: '--allow-data-loss' };
    const out = renderPlanMarkdown(planOf([planned('delete', q), planned('create', exchange('v', 'x'))], { hazards: [hazard] }));
    const hazards = out.indexOf('**Hazards');
    expect(hazards).toBeGreaterThan(0);
    expect(hazards).toBeLessThan(out.indexOf('| Kind |'));
    expect(out.indexOf('| Kind |')).toBeLessThan(out.indexOf('<details>'));
    expect(out).toContain('| exchange | 1 | 0 | 0 | 0 |');
    expect(out).toContain('| queue | 0 | 0 | 0 | 1 |');
    expect(out).toContain('| **Total** | **1** | **0** | **0** | **1** |');
  });

  it('shows field-level diffs and which fields force a replacement', () => {
    const live = queue('v', 'q', { arguments: { 'x-max-length': 10 } });
    const change = planned('replace', live, {
      after: queue('v', 'q', { arguments: {} }),
      fields: [{ field: 'arguments.x-max-length', before: 10, forces_replacement: true }],
      reasons: ['arguments.x-max-length cannot be changed in place'],
    });
    const out = renderPlanMarkdown(planOf([change]));
    expect(out).toContain(['```diff', '@@ replace queue "q" in vhost "v" @@ arguments.x-max-length cannot be changed in place', '-   arguments.x-max-length: 10   (forces replacement)', '```'].join('\n'));
  });

  it('draws the affected part of the topology with the changes marked', () => {
    const x = exchange('v', 'x');
    const created = queue('v', 'new');
    const out = renderPlanMarkdown(planOf([planned('create', created), planned('create', binding('v', 'x', 'new', 'k'))]), {
      graph: mapOf([x, queue('v', 'untouched'), binding('v', 'x', 'untouched'), exchange('v', 'far'), queue('v', 'far-q'), binding('v', 'far', 'far-q')]),
    });
    const graph = out.slice(out.indexOf('```mermaid'));
    expect(graph).toContain('"new<br>(classic)"');
    expect(graph).toContain('"untouched<br>(classic)"');
    expect(graph).not.toContain('far');
    expect(graph).toMatch(/class n\d+ added/);
    expect(out).toContain('Not shown: 2 nodes and 1 edge left out');
  });

  it('stays small and fast for a 10,000-queue plan', () => {
    const hub = exchange('v', 'hub', { type: 'fanout' });
    const changes: PlannedChange[] = [planned('create', hub)];
    const hazards: Hazard[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      const q = queue('v', `service-${i}.events`, { arguments: { 'x-max-length': 1000 } });
      changes.push(planned('create', q), planned('create', binding('v', 'hub', q.name, `key.${i}`)));
    }
    for (let i = 0; i < 500; i += 1) {
      const q = queue('v', `old-${i}`, { messages: 5 });
      changes.push(planned('delete', q));
      hazards.push({ code: 'QUEUE_DATA_LOSS', message: `queue "old-${i}" holds 5 messages`, change: planned('delete', q).key, allowed_by: '--allow-data-loss' });
    }
    const plan = planOf(changes, { hazards, prune: true });
    const started = performance.now();
    const out = renderPlanMarkdown(plan);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(15_000); // a hang guard; speed is measured by npm run bench
    expect(out.length).toBeLessThan(65_536); // GitHub's comment limit
    expect(out).toMatch(/… and \d+ more/);
    expect(out).toContain('- … and 450 more hazards');
    expect(out).toMatch(/Not shown: \d+ nodes and \d+ edges left out/);
    const mermaid = out.slice(out.indexOf('```mermaid'), out.indexOf('```', out.indexOf('```mermaid') + 3));
    expect((mermaid.match(/^ {2}n\d+[{[]/gm) ?? []).length).toBeLessThanOrEqual(60);
  });
});

describe('listWithin', () => {
  it('stops at the item cap or the character budget, whichever comes first', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const lines = (i: number): string[] => [`item ${i}`];
    expect(listWithin(items, lines, 3, 1000, (n) => `+${n}`)).toEqual(['item 0', 'item 1', 'item 2', '+7']);
    expect(listWithin(items, lines, 100, 15, (n) => `+${n}`)).toEqual(['item 0', 'item 1', '+8']);
    expect(listWithin(items.slice(0, 2), lines, 100, 1000, (n) => `+${n}`)).toEqual(['item 0', 'item 1']);
  });
});
