/**
 * Parse a YAML or JSON spec text with the `yaml` package, keeping the source
 * positions so that every diagnostic can point at a line and column.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, ParsedNode, Pair, YAMLMap } from 'yaml';
import type { SourceLocation } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic, hasErrors } from '../model/diagnostics.js';
import { joinPointer, splitPointer } from './pointer.js';
import { condenseSyntaxErrors } from './syntax-errors.js';

/** Aliases beyond this many make a document an "alias bomb": refuse it. */
const MAX_ALIAS_COUNT = 1000;

/** A parsed file: its plain value and a way back from a JSON pointer to the text. */
export interface ParsedSource {
  readonly file: string;
  /** The document as plain JSON-like data; `undefined` when it could not be parsed. */
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
  /**
   * The location of the node at `pointer`: with `'key'`, the key of the map
   * entry it is the value of (where a declaration reads best). Undefined when
   * no such node exists (e.g. a defaulted field).
   */
  locate(pointer: string, at?: 'key' | 'value'): SourceLocation | undefined;
  /** Like `locate`, but falls back to the nearest existing ancestor (still reporting `pointer`). */
  locateNearest(pointer: string, at?: 'key' | 'value'): SourceLocation;
  /**
   * Whether the value at `pointer` is a plain (unquoted) YAML scalar. Absent
   * for JSON, whose strings are all quoted.
   */
  isPlainScalar?(pointer: string): boolean;
}

export function parseSource(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  let doc: Document.Parsed | undefined;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true, keepSourceTokens: false });
  } catch (err) {
    diagnostics.push(diagnostic('YAML_SYNTAX', `cannot parse the file: ${errorMessage(err)}`, { file, line: 1, column: 1, path: '' }));
  }

  const position = (offset: number, path: string): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path };
  };

  let value: unknown;
  if (doc) {
    const syntax = doc.errors.map((err) => ({ message: `${lowerFirst(err.message)}; fix the ${file.endsWith('.json') ? 'JSON' : 'YAML'} syntax`, offset: err.pos[0] }));
    for (const err of condenseSyntaxErrors(text, syntax)) diagnostics.push(diagnostic(err.code, err.message, position(err.offset, '')));
    // yaml's own uniqueKeys check is quadratic in the size of a map; this one is linear.
    for (const dup of duplicateKeys(doc)) {
      const message = `duplicate key \`${truncateKey(dup.key)}\`: a name may appear only once in a map; remove or rename one of them`;
      diagnostics.push(diagnostic('DUPLICATE_KEY', message, position(dup.offset, dup.pointer)));
    }
    for (const warn of doc.warnings) {
      diagnostics.push(diagnostic('YAML_WARNING', lowerFirst(warn.message), position(warn.pos[0], ''), 'warning'));
    }
    if (!hasErrors(diagnostics)) {
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (err) {
        diagnostics.push(diagnostic('YAML_SYNTAX', `cannot read the document: ${errorMessage(err)}; use fewer aliases`, position(0, '')));
      }
    }
  }

  const find = (pointer: string, at: 'key' | 'value', nearest: boolean): SourceLocation | undefined => {
    if (!doc) return nearest ? { file, line: 1, column: 1, path: pointer } : undefined;
    let node: Node | null | undefined = doc.contents as Node | null;
    let key: Node | undefined;
    let best: Node | undefined = node ?? undefined;
    for (const segment of splitPointer(pointer)) {
      const step = childOf(doc, node, segment);
      if (!step) return nearest ? position(best?.range?.[0] ?? 0, pointer) : undefined;
      key = step.key;
      node = step.value;
      best = (at === 'key' ? (key ?? node) : (node ?? key)) ?? best;
    }
    return position(best?.range?.[0] ?? 0, pointer);
  };

  const isPlainScalar = (pointer: string): boolean => {
    if (!doc) return false;
    let node: Node | null | undefined = doc.contents as Node | null;
    for (const segment of splitPointer(pointer)) node = childOf(doc, node, segment)?.value;
    if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
    return isScalar(node) && node.type === 'PLAIN';
  };

  return { ...sourceOf(file, value, diagnostics, find), isPlainScalar };
}

/** Where a pointer is: `nearest` falls back to the closest existing ancestor instead of undefined. */
export type Finder = (pointer: string, at: 'key' | 'value', nearest: boolean) => SourceLocation | undefined;

/** A ParsedSource over any finder (the YAML document's, or the fast JSON scan's). */
export function sourceOf(file: string, value: unknown, diagnostics: Diagnostic[], find: Finder): ParsedSource {
  return {
    file,
    value,
    diagnostics,
    locate: (pointer, at = 'value') => find(pointer, at, false),
    locateNearest: (pointer, at = 'value') => find(pointer, at, true) as SourceLocation,
  };
}

interface Step {
  readonly key: Node | undefined;
  readonly value: Node | null;
}

/** The child of a map (by key, following `<<` merges) or of a sequence (by index). */
function childOf(doc: Document, parent: Node | null | undefined, segment: string, depth = 0): Step | undefined {
  if (!parent || depth > 20) return undefined;
  const node = isAlias(parent) ? (parent.resolve(doc) as Node | undefined) : parent;
  if (!node) return undefined;
  if (isMap(node)) {
    const index = pairIndex(node as YAMLMap<unknown, unknown>);
    const pair = index.get(segment);
    if (pair) return { key: asNode(pair.key), value: asNode(pair.value) ?? null };
    const merge = index.get('<<');
    if (merge) {
      const sources = isSeq(merge.value) ? (merge.value.items as unknown[]) : [merge.value];
      for (const src of sources) {
        const found = childOf(doc, asNode(src), segment, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }
  if (isSeq(node) && /^(0|[1-9]\d*)$/.test(segment)) {
    const item = node.items[Number(segment)];
    return item === undefined ? undefined : { key: undefined, value: asNode(item) ?? null };
  }
  return undefined;
}

const pairIndexes = new WeakMap<YAMLMap<unknown, unknown>, Map<string, Pair<unknown, unknown>>>();

/** Entries of a map by key text, built once per map: specs may hold tens of thousands of queues. */
function pairIndex(map: YAMLMap<unknown, unknown>): Map<string, Pair<unknown, unknown>> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const k = keyText(pair.key);
      if (k !== undefined && !index.has(k)) index.set(k, pair);
    }
    pairIndexes.set(map, index);
  }
  return index;
}

interface DuplicateKey {
  readonly key: string;
  readonly pointer: string;
  /** Where the repeated key starts. */
  readonly offset: number;
}

/** Every key that repeats an earlier key of the same map (merge keys `<<` aside). */
function duplicateKeys(doc: Document): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const walk = (node: unknown, path: string, depth: number): void => {
    if (depth > 200) return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items as Pair<unknown, unknown>[]) {
        const key = keyText(pair.key);
        const here = joinPointer(path, key ?? '');
        if (key !== undefined && key !== '<<') {
          if (seen.has(key)) out.push({ key, pointer: here, offset: asNode(pair.key)?.range?.[0] ?? 0 });
          seen.add(key);
        }
        walk(pair.value, here, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, joinPointer(path, i), depth + 1));
    }
  };
  walk(doc.contents, '', 0);
  return out;
}

function asNode(v: unknown): Node | undefined {
  if (isPair(v)) return undefined;
  return v !== null && typeof v === 'object' && 'range' in v ? (v as ParsedNode) : undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

function truncateKey(key: string): string {
  return key.length > 80 ? `${key.slice(0, 77)}...` : key;
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? lowerFirst(err.message) : String(err);
}
