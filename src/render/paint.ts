/**
 * The colour slots of the plain-text renderers (lint, test): each renderer
 * names its slots, the caller passes any of them, and a missing one paints
 * nothing.
 */

/** Colours a piece of text (e.g. a picocolors function). */
export type Paint = (s: string) => string;

/** A renderer's colour slots. */
export type TextStyle<K extends string> = { readonly [k in K]: Paint };

const plain: Paint = (s) => s;

/** Every slot of `keys` from `style`, or no colour where it has none. */
export function fillStyle<K extends string>(keys: readonly K[], style: Partial<TextStyle<K>>): TextStyle<K> {
  return Object.fromEntries(keys.map((k) => [k, style[k] ?? plain])) as TextStyle<K>;
}

/** `1 finding`, `2 findings`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
