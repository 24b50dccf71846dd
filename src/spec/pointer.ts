/** JSON pointers (RFC 6901), the `path` of every diagnostic. */

export function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeSegment(segment: string): string {
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
