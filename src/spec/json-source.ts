/**
 * A fast path for `.json` specs (definitions exports can hold tens of
 * thousands of resources): `JSON.parse` for the value, plus one linear scan
 * that records where every key and value starts. Text that `JSON.parse`
 * refuses gets JSON's own located error (`jsonSyntaxSource`).
 */
import type { SourceLocation } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { sourceOf, type ParsedSource } from './yaml-source.js';
import { joinPointer, splitPointer } from './pointer.js';
import { findJsonSyntaxError } from './json-syntax.js';

/** Where a value starts; for containers, where each child is. */
interface Located {
  readonly offset: number;
  readonly entries?: Map<string, { readonly keyOffset: number; readonly value: Located }>;
  readonly items?: Located[];
}

/** Undefined when the text is not strict JSON. */
export function parseJsonSource(text: string, file: string): ParsedSource | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const diagnostics: Diagnostic[] = [];
  const position = positions(text, file);

  let root: Located;
  try {
    root = scan(text, (key, keyOffset, path) => {
      const message = `duplicate key \`${key}\`: a name may appear only once in a map; remove or rename one of them`;
      diagnostics.push(diagnostic('DUPLICATE_KEY', message, position(keyOffset, path)));
    });
  } catch {
    // Nesting too deep for the scan's recursion: the YAML path reports it.
    return undefined;
  }

  const find = (pointer: string, at: 'key' | 'value', nearest: boolean): SourceLocation | undefined => {
    let node: Located = root;
    let offset = root.offset;
    for (const segment of splitPointer(pointer)) {
      const entry = node.entries?.get(segment);
      const item = entry === undefined && node.items && /^(0|[1-9]\d*)$/.test(segment) ? node.items[Number(segment)] : undefined;
      const next = entry?.value ?? item;
      if (next === undefined) return nearest ? position(offset, pointer) : undefined;
      node = next;
      offset = at === 'key' && entry ? entry.keyOffset : next.offset;
    }
    return position(offset, pointer);
  };

  return sourceOf(file, value, diagnostics, find);
}

/**
 * A text `JSON.parse` refused, as a source with one located `JSON_SYNTAX`
 * error; undefined when the text is JSON after all.
 */
export function jsonSyntaxSource(text: string, file: string): ParsedSource | undefined {
  const position = positions(text, file);
  const error = findJsonSyntaxError(text, (offset) => {
    const p = position(offset, '');
    return `${p.line}:${p.column}`;
  });
  if (error === undefined) return undefined;
  const at = position(error.offset, '');
  const diagnostics = [diagnostic('JSON_SYNTAX', error.message, at)];
  return sourceOf(file, undefined, diagnostics, (pointer, _at, nearest) => (nearest ? { ...at, path: pointer } : undefined));
}

/** Offset → line and column (1-based; a column counts UTF-16 units, as the YAML parser does). */
function positions(text: string, file: string): (offset: number, path: string) => SourceLocation {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset, path) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1, path };
  };
}

/** A child's place, as a linked list: the pointer string is only built for a duplicate key. */
interface PathNode {
  readonly parent: PathNode | null;
  readonly segment: string | number;
}

function pointerOf(node: PathNode | null): string {
  const segments: (string | number)[] = [];
  for (let n = node; n; n = n.parent) segments.push(n.segment);
  return joinPointer('', ...segments.reverse());
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isWs = (c: number): boolean => c === SPACE || c === LF || c === CR || c === TAB;

/**
 * Offsets of every key and value of text that `JSON.parse` accepted. Char
 * codes, no per-node pointer strings: a 1 MB spec of 10k queues scans in tens
 * of milliseconds instead of hundreds.
 */
function scan(text: string, onDuplicate: (key: string, keyOffset: number, path: string) => void): Located {
  let i = 0;
  const n = text.length;
  const skipWs = (): void => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
        continue;
      }
      i++;
      if (c === QUOTE) break;
    }
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const value = (path: PathNode | null): Located => {
    skipWs();
    const offset = i;
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      const entries = new Map<string, { keyOffset: number; value: Located }>();
      skipWs();
      if (text.charAt(i) === '}') {
        i++;
        return { offset, entries };
      }
      for (;;) {
        skipWs();
        const keyOffset = i;
        const key = readString();
        skipWs();
        i++; // ':'
        const child: PathNode = { parent: path, segment: key };
        const v = value(child);
        if (entries.has(key)) onDuplicate(key, keyOffset, pointerOf(child));
        else entries.set(key, { keyOffset, value: v });
        skipWs();
        if (text.charAt(i++) === '}') return { offset, entries };
      }
    }
    if (c === '[') {
      i++;
      const items: Located[] = [];
      skipWs();
      if (text.charAt(i) === ']') {
        i++;
        return { offset, items };
      }
      for (;;) {
        items.push(value({ parent: path, segment: items.length }));
        skipWs();
        if (text.charAt(i++) === ']') return { offset, items };
      }
    }
    if (c === '"') {
      readString();
      return { offset };
    }
    for (; i < n; i++) {
      const d = text.charCodeAt(i);
      if (isWs(d) || d === 0x2c || d === 0x7d || d === 0x5d) break; // , } ]
    }
    return { offset };
  };
  return value(null);
}
