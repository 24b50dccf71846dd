/**
 * The topology as a graph model: exchanges and queues as nodes, bindings,
 * dead-letter and alternate-exchange relations as edges, optionally marked
 * (added / removed / changed) and capped to the affected neighbourhood.
 * Pure; `render/graph.ts` serializes it to Mermaid or DOT.
 */
import { namedKey, resourceKey } from '../model/keys.js';
import type { ExchangeResource, QueueResource, Resource, ResourceMap } from '../model/types.js';
import { deadLetterTarget, effectiveDeadLetter } from '../route/policies.js';

export type GraphNodeKind = 'exchange' | 'queue';
export type GraphEdgeKind = 'binding' | 'dead-letter' | 'alternate';
export type Mark = 'added' | 'removed' | 'changed';

/** Resource keys (see model/keys) to mark; vhost keys are ignored. */
export interface Highlight {
  readonly added: ReadonlySet<string>;
  readonly removed: ReadonlySet<string>;
  readonly changed: ReadonlySet<string>;
}

export interface GraphOptions {
  /** Only this vhost; default: every vhost in the map. */
  readonly vhost?: string;
  readonly highlight?: Highlight;
  /**
   * `all` (default): the whole topology, cut down to the affected
   * neighbourhood only when it exceeds `maxNodes`. `affected`: always only the
   * marked nodes and edges and their direct neighbours.
   */
  readonly scope?: 'all' | 'affected';
  /** Default 60. */
  readonly maxNodes?: number;
  /** Default 150 (GitHub refuses Mermaid graphs of more than 500 edges). */
  readonly maxEdges?: number;
}

export const DEFAULT_MAX_NODES = 60;
export const DEFAULT_MAX_EDGES = 150;

export interface GraphNode {
  /** Safe id for Mermaid and DOT: `n1`, `n2`, ... in display order. */
  readonly id: string;
  /** The resource key of the exchange or queue. */
  readonly key: string;
  readonly kind: GraphNodeKind;
  readonly vhost: string;
  readonly name: string;
  /** Exchange type or queue type; empty for an external node. */
  readonly detail: string;
  /** Referenced but not in the map (e.g. `amq.topic`, a missing dead-letter exchange). */
  readonly external: boolean;
  readonly mark?: Mark;
}

export interface GraphEdge {
  readonly kind: GraphEdgeKind;
  /** Node ids */
  readonly from: string;
  readonly to: string;
  /** Routing key (and arguments) of a binding; `dead-letter` / `alternate` text otherwise. */
  readonly label: string;
  readonly mark?: Mark;
}

export interface Graph {
  /** Vhosts that have nodes, sorted. */
  readonly vhosts: readonly string[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** How many nodes and edges of the full graph were left out by the scope or the caps. */
  readonly omitted: { readonly nodes: number; readonly edges: number };
}

interface DraftNode {
  key: string;
  kind: GraphNodeKind;
  vhost: string;
  name: string;
  detail: string;
  external: boolean;
  mark: Mark | undefined;
}

interface DraftEdge {
  kind: GraphEdgeKind;
  from: string;
  to: string;
  label: string;
  mark: Mark | undefined;
}

const EDGE_RANK: Record<GraphEdgeKind, number> = { binding: 0, 'dead-letter': 1, alternate: 2 };

export function buildGraph(resources: ResourceMap, options: GraphOptions = {}): Graph {
  const markOf = marker(options.highlight);
  const nodes = new Map<string, DraftNode>();
  const edges: DraftEdge[] = [];
  const inScope = (r: Resource): boolean => options.vhost === undefined || r.vhost === options.vhost;

  for (const r of resources.values()) {
    if (!inScope(r) || (r.kind !== 'exchange' && r.kind !== 'queue')) continue;
    const key = resourceKey(r);
    // An internal exchange takes no publishes: say so where its type is shown.
    const detail = r.kind === 'exchange' && r.internal ? `${r.type}, internal` : r.type;
    nodes.set(key, { key, kind: r.kind, vhost: r.vhost, name: r.name, detail, external: false, mark: markOf(key) });
  }
  const ref = (kind: GraphNodeKind, vhost: string, name: string): string => {
    const key = namedKey(kind, vhost, name);
    if (!nodes.has(key)) nodes.set(key, { key, kind, vhost, name, detail: '', external: true, mark: markOf(key) });
    return key;
  };

  for (const r of resources.values()) {
    if (!inScope(r)) continue;
    switch (r.kind) {
      case 'binding': {
        const from = ref('exchange', r.vhost, r.source);
        const to = ref(r.destination_type, r.vhost, r.destination);
        edges.push({ kind: 'binding', from, to, label: bindingLabel(r.routing_key, r.arguments), mark: markOf(resourceKey(r)) });
        break;
      }
      case 'queue':
        deadLetterEdge(r, ref, edges, derivedMark(markOf(resourceKey(r))));
        break;
      case 'exchange':
        alternateEdge(r, ref, edges, derivedMark(markOf(resourceKey(r))));
        break;
      case 'vhost':
        break;
    }
  }
  return finish(nodes, edges, options);
}

function marker(h: Highlight | undefined): (key: string) => Mark | undefined {
  if (!h) return () => undefined;
  return (key) => (h.removed.has(key) ? 'removed' : h.added.has(key) ? 'added' : h.changed.has(key) ? 'changed' : undefined);
}

// A changed queue or exchange may have kept its dead-letter or alternate
// exchange; only a whole resource coming or going says the edge does too.
function derivedMark(owner: Mark | undefined): Mark | undefined {
  return owner === 'changed' ? undefined : owner;
}

function deadLetterEdge(q: QueueResource, ref: (k: GraphNodeKind, v: string, n: string) => string, edges: DraftEdge[], mark: Mark | undefined): void {
  // The queue's own arguments (no policies): the edge lint follows too (route/policies deadLetterTarget).
  const dl = effectiveDeadLetter([], q);
  const to = dl ? deadLetterTarget(dl) : undefined;
  if (!dl || !to) return;
  const label = dl.routingKey ? `dead-letter: ${dl.routingKey.value}` : 'dead-letter';
  edges.push({ kind: 'dead-letter', from: resourceKey(q), to: ref(to.kind, q.vhost, to.name), label, mark });
}

function alternateEdge(x: ExchangeResource, ref: (k: GraphNodeKind, v: string, n: string) => string, edges: DraftEdge[], mark: Mark | undefined): void {
  const ae = x.arguments['alternate-exchange'];
  if (typeof ae !== 'string' || ae === '') return;
  edges.push({ kind: 'alternate', from: resourceKey(x), to: ref('exchange', x.vhost, ae), label: 'alternate', mark });
}

function bindingLabel(routingKey: string, args: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(args).sort();
  if (keys.length === 0) return routingKey;
  const shown = keys.map((k) => `${k}=${typeof args[k] === 'string' ? (args[k] as string) : JSON.stringify(args[k])}`).join(', ');
  const text = routingKey === '' ? shown : `${routingKey} ${shown}`;
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function compareNodes(a: DraftNode, b: DraftNode): number {
  return cmp(a.vhost, b.vhost) || cmp(a.kind, b.kind) || cmp(a.name, b.name);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Applies the scope and the caps, then assigns ids in display order. */
function finish(all: Map<string, DraftNode>, allEdges: DraftEdge[], options: GraphOptions): Graph {
  const maxNodes = Math.max(1, options.maxNodes ?? DEFAULT_MAX_NODES);
  const maxEdges = Math.max(1, options.maxEdges ?? DEFAULT_MAX_EDGES);
  const sorted = [...all.values()].sort(compareNodes);
  const rank = new Map(sorted.map((n, i) => [n.key, i]));
  const byRank = (a: string, b: string): number => (rank.get(a) ?? 0) - (rank.get(b) ?? 0);

  let kept: Set<string>;
  if (options.scope === 'affected' || sorted.length > maxNodes) {
    kept = neighbourhood(sorted, allEdges, maxNodes, byRank);
    // Nothing marked: fall back to the first nodes, so a big graph still shows something.
    if (kept.size === 0 && options.scope !== 'affected') kept = new Set(sorted.slice(0, maxNodes).map((n) => n.key));
  } else {
    kept = new Set(sorted.map((n) => n.key));
  }

  const nodeList = sorted.filter((n) => kept.has(n.key));
  let edgeList = allEdges.filter((e) => kept.has(e.from) && kept.has(e.to));
  edgeList.sort((a, b) => byRank(a.from, b.from) || EDGE_RANK[a.kind] - EDGE_RANK[b.kind] || byRank(a.to, b.to) || cmp(a.label, b.label));
  if (edgeList.length > maxEdges) {
    const marked = edgeList.filter((e) => e.mark !== undefined);
    const rest = edgeList.filter((e) => e.mark === undefined);
    const chosen = new Set([...marked, ...rest].slice(0, maxEdges));
    edgeList = edgeList.filter((e) => chosen.has(e));
  }

  const ids = new Map(nodeList.map((n, i) => [n.key, `n${i + 1}`]));
  const id = (key: string): string => ids.get(key) ?? '';
  return {
    vhosts: [...new Set(nodeList.map((n) => n.vhost))].sort(),
    nodes: nodeList.map((n) => ({
      id: id(n.key),
      key: n.key,
      kind: n.kind,
      vhost: n.vhost,
      name: n.name,
      detail: n.detail,
      external: n.external,
      ...(n.mark ? { mark: n.mark } : {}),
    })),
    edges: edgeList.map((e) => ({ kind: e.kind, from: id(e.from), to: id(e.to), label: e.label, ...(e.mark ? { mark: e.mark } : {}) })),
    omitted: { nodes: sorted.length - nodeList.length, edges: allEdges.length - edgeList.length },
  };
}

/**
 * The marked nodes (and endpoints of marked edges), each with its direct
 * neighbours, taken focus by focus in display order until `max` nodes, so
 * that what is shown stays connected to its context.
 */
function neighbourhood(sorted: readonly DraftNode[], edges: readonly DraftEdge[], max: number, byRank: (a: string, b: string) => number): Set<string> {
  const focus = new Set<string>();
  for (const n of sorted) if (n.mark) focus.add(n.key);
  for (const e of edges) {
    if (!e.mark) continue;
    focus.add(e.from);
    focus.add(e.to);
  }
  const adjacent = new Map<string, string[]>();
  const link = (a: string, b: string): void => {
    const list = adjacent.get(a);
    if (list) list.push(b);
    else adjacent.set(a, [b]);
  };
  for (const e of edges) {
    link(e.from, e.to);
    link(e.to, e.from);
  }
  const kept = new Set<string>();
  for (const key of [...focus].sort(byRank)) {
    if (kept.size >= max) break;
    kept.add(key);
    for (const other of [...new Set(adjacent.get(key) ?? [])].sort(byRank)) {
      if (kept.size >= max) break;
      kept.add(other);
    }
  }
  return kept;
}
