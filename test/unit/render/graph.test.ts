import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../src/graph/build.js';
import { resourceKey } from '../../../src/model/keys.js';
import { dotString, mermaidText, renderDot, renderMermaid } from '../../../src/render/graph.js';
import { binding, exchange, mapOf, queue, vhost } from '../export/fixtures.js';

const none = { added: new Set<string>(), removed: new Set<string>(), changed: new Set<string>() };

describe('mermaidText', () => {
  it('writes every character that could end a label, start an entity or break a fence as an entity', () => {
    expect(mermaidText('a "b" #c <d> & `e` | f')).toBe('a #34;b#34; #35;c #60;d#62; #38; #96;e#96; #124; f');
    expect(mermaidText('line\nbreak\ttab')).toBe('line break tab');
    expect(mermaidText('ünï ✓ [x] (y) {z} a.b/c')).toBe('ünï ✓ [x] (y) {z} a.b/c');
  });
});

describe('dotString', () => {
  it('quotes, escapes quotes and backslashes, keeps `&` literal', () => {
    expect(dotString('a "b" \\n & c\nd')).toBe('"a \\"b\\" \\\\n &amp; c\\nd"');
  });
});

describe('renderMermaid', () => {
  const topology = mapOf([
    vhost('v'),
    exchange('v', 'in "x"', { type: 'topic', arguments: { 'alternate-exchange': 'ae' } }),
    exchange('v', 'ae', { type: 'fanout' }),
    exchange('v', 'dlx'),
    queue('v', 'work/q #1', { arguments: { 'x-dead-letter-exchange': 'dlx', 'x-dead-letter-routing-key': 'dead' } }),
    queue('v', 'dead'),
    queue('v', 'retry', { arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'work/q #1' } }),
    binding('v', 'in "x"', 'work/q #1', 'a.#'),
    binding('v', 'dlx', 'dead', 'dead'),
    binding('v', 'in "x"', 'dlx', '', {}, 'exchange'),
    binding('v', 'amq.topic', 'dead', 'audit.*'),
  ]);

  it('uses generated ids only, distinct shapes, and labels edges with routing keys', () => {
    const out = renderMermaid(topology);
    const nodeLines = out.split('\n').filter((l) => /^\s+n\d+[{[]/.test(l));
    expect(nodeLines).toHaveLength(7);
    for (const l of out.trimEnd().split('\n').slice(1)) expect(l).toMatch(/^ {2}(n\d+|classDef|class|linkStyle|%%)/);
    expect(out).toContain('{{"in #34;x#34;<br>(topic)"}}');
    expect(out).toContain('[("work/q #35;1<br>(classic)")]');
    expect(out).toMatch(/n\d+ -->\|"a\.#35;"\| n\d+/);
    // external node for a predeclared exchange
    expect(out).toMatch(/class n\d+ external/);
  });

  it('draws dead-letter edges dashed and alternate-exchange edges with their own style', () => {
    const graph = buildGraph(topology);
    const kinds = graph.edges.map((e) => `${e.kind}:${e.label}`).sort();
    expect(kinds).toEqual([
      'alternate:alternate',
      'binding:',
      'binding:a.#',
      'binding:audit.*',
      'binding:dead',
      'dead-letter:dead-letter: dead',
      'dead-letter:dead-letter: work/q #1',
    ]);
    const out = renderMermaid(topology);
    expect(out.match(/-\.->/g)).toHaveLength(3);
    const ae = graph.edges.findIndex((e) => e.kind === 'alternate');
    expect(out).toContain(`linkStyle ${ae} stroke-dasharray:2 4`);
  });

  it('marks added, removed and changed nodes and edges', () => {
    const added = binding('v', 'dlx', 'dead', 'dead');
    const highlight = {
      added: new Set([resourceKey(added), resourceKey(queue('v', 'dead'))]),
      removed: new Set([resourceKey(queue('v', 'retry'))]),
      changed: new Set([resourceKey(exchange('v', 'dlx'))]),
    };
    const graph = buildGraph(topology, { highlight });
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    expect(byName.get('dead')?.mark).toBe('added');
    expect(byName.get('retry')?.mark).toBe('removed');
    expect(byName.get('dlx')?.mark).toBe('changed');
    const out = renderMermaid(topology, { highlight });
    expect(out).toContain(`class ${byName.get('dead')?.id} added`);
    expect(out).toContain(`class ${byName.get('retry')?.id} removed`);
    const addedEdge = graph.edges.findIndex((e) => e.kind === 'binding' && e.label === 'dead');
    const removedEdge = graph.edges.findIndex((e) => e.kind === 'dead-letter' && e.from === byName.get('retry')?.id);
    expect(out).toContain(`linkStyle ${addedEdge} stroke:#1a7f37,stroke-width:2px`);
    expect(out).toContain(`linkStyle ${removedEdge} stroke:#cf222e,stroke-width:2px`);
  });

  it('groups several vhosts into subgraphs, or shows one vhost', () => {
    const two = mapOf([...topology.values(), exchange('other', 'x'), queue('other', 'q'), binding('other', 'x', 'q')]);
    const out = renderMermaid(two);
    expect(out).toContain('subgraph v1["vhost other"]');
    expect(out).toContain('subgraph v2["vhost v"]');
    expect(renderMermaid(two, { vhost: 'other' })).not.toContain('subgraph');
    expect(buildGraph(two, { vhost: 'other' }).nodes.map((n) => n.name)).toEqual(['x', 'q']);
  });

  it('keeps the affected neighbourhood when over maxNodes and says what was left out', () => {
    const many = mapOf([
      exchange('v', 'hub', { type: 'fanout' }),
      ...Array.from({ length: 100 }, (_, i) => queue('v', `q${String(i).padStart(3, '0')}`)),
      ...Array.from({ length: 100 }, (_, i) => binding('v', 'hub', `q${String(i).padStart(3, '0')}`)),
      exchange('v', 'lonely'),
    ]);
    const target = queue('v', 'q050');
    const graph = buildGraph(many, { maxNodes: 10, highlight: { ...none, changed: new Set([resourceKey(target)]) } });
    expect(graph.nodes.map((n) => n.name)).toEqual(['hub', 'q050']);
    expect(graph.omitted).toEqual({ nodes: 100, edges: 99 });
    const out = renderMermaid(many, { maxNodes: 10, highlight: { ...none, changed: new Set([resourceKey(target)]) } });
    expect(out).toContain('%% 100 nodes and 99 edges left out');
    expect(out).toContain('omitted["… 100 nodes and 99 edges left out"]');
    // Nothing marked: the first nodes, still with the note.
    expect(buildGraph(many, { maxNodes: 10 }).nodes).toHaveLength(10);
  });
});

describe('renderDot', () => {
  it('writes a digraph with shapes, dashed dead-letter and dotted alternate edges', () => {
    const out = renderDot(mapOf([
      exchange('v', 'x', { arguments: { 'alternate-exchange': 'ae' } }),
      exchange('v', 'ae', { type: 'fanout' }),
      queue('v', 'q "1"', { arguments: { 'x-dead-letter-exchange': 'x' } }),
      binding('v', 'x', 'q "1"', 'k'),
    ]));
    expect(out).toBe(
      [
        'digraph warren {',
        '  rankdir=LR;',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  n1 [label="ae\\nfanout", shape=hexagon];',
        '  n2 [label="x\\ndirect", shape=hexagon];',
        '  n3 [label="q \\"1\\"\\nclassic", shape=cylinder];',
        '  n2 -> n3 [label="k"];',
        '  n2 -> n1 [label="alternate", style=dotted];',
        '  n3 -> n2 [label="dead-letter", style=dashed];',
        '}',
        '',
      ].join('\n'),
    );
  });
});
