/**
 * A fast path for `.json` specs (definitions exports can hold tens of
 * thousands of resources): `JSON.parse` for the value, plus one linear scan
 * that records where every key and value starts. Text that `JSON.parse`
 * refuses goes through the YAML parser instead, for its located errors.
 */
import type { SourceLocation } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import type { ParsedSource } from './yaml-source.js';
import { joinPointer, splitPointer } from './pointer.js';

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
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const position = (offset: number, path: string): SourceLocation => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1, path };
  };

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

  return {
    file,
    value,
    diagnostics,
    locate: (pointer, at = 'value') => find(pointer, at, false),
    locateNearest: (pointer, at = 'value') => find(pointer, at, true) as SourceLocation,
  };
}

const WS = new Set([' ', '\t', '\n', '\r']);

/** Offsets of every key and value of text that `JSON.parse` accepted. */
function scan(text: string, onDuplicate: (key: string, keyOffset: number, path: string) => void): Located {
  let i = 0;
  const skipWs = (): void => {
    while (i < text.length && WS.has(text.charAt(i))) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    let escaped = false;
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '\\') {
        escaped = true;
        i += 2;
        continue;
      }
      i++;
      if (c === '"') break;
    }
    const raw = text.slice(start, i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const value = (path: string): Located => {
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
        const child = joinPointer(path, key);
        const v = value(child);
        if (entries.has(key)) onDuplicate(key, keyOffset, child);
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
        items.push(value(joinPointer(path, items.length)));
        skipWs();
        if (text.charAt(i++) === ']') return { offset, items };
      }
    }
    if (c === '"') {
      readString();
      return { offset };
    }
    while (i < text.length && !WS.has(text.charAt(i)) && text.charAt(i) !== ',' && text.charAt(i) !== '}' && text.charAt(i) !== ']') i++;
    return { offset };
  };
  return value('');
}
