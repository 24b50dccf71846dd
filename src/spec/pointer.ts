/** JSON pointers (RFC 6901), the `path` of every diagnostic. */

// Most names hold neither `~` nor `/`; a spec of 10k queues escapes and unescapes a lot of them.
export function escapeSegment(segment: string): string {
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeSegment(segment: string): string {
  if (!segment.includes('~')) return segment;
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `joinPointer('/vhosts', '/', 'queues')` is `/vhosts/~1/queues`. */
export function joinPointer(base: string, ...segments: readonly (string | number)[]): string {
  return base + segments.map((s) => `/${escapeSegment(String(s))}`).join('');
}

/** `/vhosts/~1/queues` → `['vhosts', '/', 'queues']`; `''` (the root) → `[]`. */
export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapeSegment);
}
