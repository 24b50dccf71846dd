/**
 * The topology graph as Mermaid (renders in GitHub and GitLab Markdown) or
 * Graphviz DOT. Node ids are generated (`n1`, `n2`, ...); names only ever
 * appear inside quoted, escaped labels.
 */
import { buildGraph, type Graph, type GraphEdge, type GraphNode, type GraphOptions, type Mark } from '../graph/build.js';
import type { ResourceMap } from '../model/types.js';

export type { GraphOptions, Highlight } from '../graph/build.js';

const COLOURS: Record<Mark, { fill: string; stroke: string }> = {
  added: { fill: '#dafbe1', stroke: '#1a7f37' },
  removed: { fill: '#ffebe9', stroke: '#cf222e' },
  changed: { fill: '#fff8c5', stroke: '#9a6700' },
};

/** A Mermaid `flowchart`, without the surrounding code fence. */
export function renderMermaid(resources: ResourceMap, options: GraphOptions = {}): string {
  return mermaidOf(buildGraph(resources, options));
}

/** A Graphviz `digraph`. */
export function renderDot(resources: ResourceMap, options: GraphOptions = {}): string {
  return dotOf(buildGraph(resources, options));
}

/** The sentence for what a graph left out, or undefined when nothing was. */
export function omittedNote(graph: Graph): string | undefined {
  const { nodes, edges } = graph.omitted;
  if (nodes === 0 && edges === 0) return undefined;
  const part = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  return `${part(nodes, 'node')} and ${part(edges, 'edge')} left out`;
}

export function mermaidOf(graph: Graph): string {
  const lines = ['flowchart LR'];
  const note = omittedNote(graph);
  if (note) lines.push(`  %% ${note}`);
  const grouped = graph.vhosts.length > 1;
  graph.vhosts.forEach((vhost, i) => {
    const indent = grouped ? '    ' : '  ';
    if (grouped) lines.push(`  subgraph v${i + 1}["${mermaidText(`vhost ${vhost}`)}"]`);
    for (const n of graph.nodes) if (n.vhost === vhost) lines.push(`${indent}${n.id}${mermaidShape(n)}`);
    if (grouped) lines.push('  end');
  });
  if (graph.nodes.length === 0) lines.push('  empty["(nothing to show)"]');
  for (const e of graph.edges) lines.push(`  ${mermaidEdge(e)}`);
  if (note) lines.push(`  omitted["${mermaidText(`… ${note}`)}"]`);

  lines.push(
    ...(Object.keys(COLOURS) as Mark[]).map((m) => `  classDef ${m} fill:${COLOURS[m].fill},stroke:${COLOURS[m].stroke},stroke-width:2px`),
    '  classDef external fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:3 3',
    '  classDef note fill:#ffffff,stroke:#8c959f,stroke-dasharray:2 2',
  );
  const classes = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const cls = n.mark ?? (n.external ? 'external' : undefined);
    if (cls) classes.set(cls, [...(classes.get(cls) ?? []), n.id]);
  }
  if (note) classes.set('note', ['omitted']);
  for (const [cls, ids] of classes) lines.push(`  class ${ids.join(',')} ${cls}`);

  // Mermaid numbers links in order of definition; one linkStyle per distinct style.
  const styles = new Map<string, number[]>();
  graph.edges.forEach((e, i) => {
    const style = mermaidEdgeStyle(e);
    if (style) styles.set(style, [...(styles.get(style) ?? []), i]);
  });
  for (const [style, indices] of styles) lines.push(`  linkStyle ${indices.join(',')} ${style}`);
  return `${lines.join('\n')}\n`;
}

function mermaidShape(n: GraphNode): string {
  const label = mermaidText(n.name === '' ? '(default)' : n.name) + (n.detail ? `<br>(${mermaidText(n.detail)})` : '');
  return n.kind === 'exchange' ? `{{"${label}"}}` : `[("${label}")]`;
}

function mermaidEdge(e: GraphEdge): string {
  const arrow = e.kind === 'binding' ? '-->' : '-.->';
  return e.label === '' ? `${e.from} ${arrow} ${e.to}` : `${e.from} ${arrow}|"${mermaidText(e.label)}"| ${e.to}`;
}

function mermaidEdgeStyle(e: GraphEdge): string | undefined {
  const parts: string[] = [];
  if (e.mark) parts.push(`stroke:${COLOURS[e.mark].stroke}`, 'stroke-width:2px');
  // Mermaid draws both `-.->` kinds alike; alternate-exchange links get a finer dot.
  if (e.kind === 'alternate') parts.push('stroke-dasharray:2 4');
  return parts.length > 0 ? parts.join(',') : undefined;
}

/**
 * Text for inside a double-quoted Mermaid label. Mermaid decodes `#code;`
 * entities, so every character that could end the label, start an entity,
 * be read as HTML or Markdown, or break the surrounding code fence is written
 * as one; control characters become spaces.
 */
export function mermaidText(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += ' ';
    else if ('"#&<>`|'.includes(ch)) out += `#${code};`;
    else out += ch;
  }
  return out;
}

export function dotOf(graph: Graph): string {
  const lines = ['digraph warren {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  const note = omittedNote(graph);
  const grouped = graph.vhosts.length > 1;
  graph.vhosts.forEach((vhost, i) => {
    const indent = grouped ? '    ' : '  ';
    if (grouped) lines.push(`  subgraph cluster_${i + 1} {`, `    label=${dotString(`vhost ${vhost}`)};`);
    for (const n of graph.nodes) if (n.vhost === vhost) lines.push(`${indent}${n.id} [${dotNodeAttrs(n).join(', ')}];`);
    if (grouped) lines.push('  }');
  });
  for (const e of graph.edges) lines.push(`  ${e.from} -> ${e.to} [${dotEdgeAttrs(e).join(', ')}];`);
  if (note) lines.push(`  omitted [label=${dotString(`… ${note}`)}, shape=note, style=dashed];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotNodeAttrs(n: GraphNode): string[] {
  const name = n.name === '' ? '(default)' : n.name;
  const attrs = [`label=${dotString(n.detail ? `${name}\n${n.detail}` : name)}`, `shape=${n.kind === 'exchange' ? 'hexagon' : 'cylinder'}`];
  if (n.mark) attrs.push('style="filled,bold"', `fillcolor="${COLOURS[n.mark].fill}"`, `color="${COLOURS[n.mark].stroke}"`);
  else if (n.external) attrs.push('style=dashed', 'color="#8c959f"');
  return attrs;
}

function dotEdgeAttrs(e: GraphEdge): string[] {
  const attrs = [`label=${dotString(e.label)}`];
  if (e.kind === 'dead-letter') attrs.push('style=dashed');
  if (e.kind === 'alternate') attrs.push('style=dotted');
  if (e.mark) attrs.push(`color="${COLOURS[e.mark].stroke}"`, 'penwidth=2');
  return attrs;
}

/** A DOT double-quoted string; newlines become centred line breaks, control characters spaces, `&` an entity. */
export function dotString(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n') out += '\\n';
    else if (ch === '"' || ch === '\\') out += `\\${ch}`;
    // Graphviz decodes HTML entities in labels; `&` must stay itself.
    else if (ch === '&') out += '&amp;';
    else if (code < 0x20 || code === 0x7f) out += ' ';
    else out += ch;
  }
  return `"${out}"`;
}
