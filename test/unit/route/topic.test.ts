import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchTopicWords, splitTopicKey, topicMatches } from '../../../src/route/index.js';

/** The obvious backtracking matcher, exponential on `#.#.#…`: the reference the DP must agree with. */
function naive(pattern: readonly string[], key: readonly string[]): boolean {
  const [p, ...pr] = pattern;
  if (p === undefined) return key.length === 0;
  if (p === '#') {
    for (let skip = 0; skip <= key.length; skip++) if (naive(pr, key.slice(skip))) return true;
    return false;
  }
  const [k, ...kr] = key;
  if (k === undefined) return false;
  return (p === '*' || p === k) && naive(pr, kr);
}

// [binding key, routing key, matches]
const VECTORS: [string, string, boolean][] = [
  // the empty key is zero words
  ['', '', true],
  ['', 'a', false],
  ['', '.', false],
  ['#', '', true],
  ['*', '', false],
  ['*.#', '', false],
  ['#.*', '', false],
  ['#.#', '', true],
  ['#.#.#', '', true],
  ['#.*.#', '', false],
  ['.', '', false],
  ['.#', '', false],
  // # is zero or more words
  ['#', 'a', true],
  ['#', 'a.b.c', true],
  ['#', '.', true],
  ['#', '#', true],
  ['#.#', 'a.b', true],
  ['#.#', '.', true],
  ['a.#', 'a', true],
  ['a.#', 'a.b.c', true],
  ['a.#', 'b', false],
  ['b.#', 'a.b', false],
  ['#.c', 'a.b.c', true],
  ['#.c', 'c', true],
  ['#.c', 'c.d', false],
  ['a.b.#', 'a.b', true],
  ['#.b.#', 'b', true],
  ['#.b.#', 'a.b.c', true],
  ['#.b.#', 'a.c', false],
  ['a.#.b', 'a.b', true],
  ['a.#.b', 'a.x.b', true],
  ['a.#.b', 'a.x.y.b', true],
  ['a.#.b', 'a.b.b', true],
  ['a.#.b', 'a.b.c', false],
  ['a.#.b', 'b.a.b', false],
  ['a.#.#.b', 'a.b', true],
  ['a.#.#.b', 'a.c.d.b', true],
  ['#.a.#.a.#', 'a.a', true],
  ['#.a.#.a.#', 'a', false],
  // * is exactly one word, possibly empty
  ['*', 'a', true],
  ['*', 'a.b', false],
  ['*', '.', false],
  ['*', '#', true],
  ['*.*', '.', true],
  ['*.*', 'a', false],
  ['*.*.*', 'a.b.c', true],
  ['*.*.*', 'a.b', false],
  ['*.*.*', '..', true],
  ['*.#', 'a', true],
  ['*.#', 'a.b', true],
  ['#.*', 'a', true],
  ['#.*', 'a.b.c', true],
  ['#.*.#', 'a', true],
  ['*.#.*', 'a', false],
  ['*.#.*', 'a.b', true],
  ['*.#.*', 'a.b.c.d', true],
  ['a.*.#', 'a', false],
  ['a.*.#', 'a.b', true],
  ['a.#.*', 'a', false],
  ['a.#.*', 'a.b', true],
  ['a.*.c', 'a.b.c', true],
  ['a.*.b', 'a.b', false],
  ['*.b', 'b', false],
  ['#.a.*.a.#', 'a.a', false],
  ['#.a.*.a.#', 'a.x.a', true],
  ['#.a.*.a.#', 'b.a.a.a.b', true],
  // empty words are real words; leading, trailing and double dots
  ['a.*.b', 'a..b', true],
  ['a..b', 'a..b', true],
  ['a..b', 'a.b', false],
  ['a.b', 'a..b', false],
  ['a.*', 'a.', true],
  ['a.#', 'a.', true],
  ['a', 'a.', false],
  ['a.', 'a.', true],
  ['a.', 'a', false],
  ['.a', '.a', true],
  ['*.a', '.a', true],
  ['#.a', '.a', true],
  ['.a', 'a', false],
  ['.', '.', true],
  ['..', '..', true],
  ['#.', 'a.', true],
  ['#.', 'a', false],
  ['#.', '.', true],
  ['.#', '.', true],
  ['.#', '.a.b', true],
  // * and # inside a word are literal
  ['a#', 'a#', true],
  ['a#', 'ab', false],
  ['a#', 'a', false],
  ['a#', 'a.b', false],
  ['a*', 'ab', false],
  ['a*', 'a*', true],
  ['#a', '#a', true],
  ['#a', 'ba', false],
  ['*a', 'ba', false],
  ['a', '#', false],
  ['a.b*', 'a.bc', false],
  // byte-wise and case-sensitive
  ['A', 'a', false],
  ['a.B', 'a.b', false],
  ['a.b', 'a.b', true],
  ['a.b', 'a.b.c', false],
  ['a.b.c', 'a.b', false],
  ['ä.b', 'ä.b', true],
  ['ä', 'a', false],
  ['a ', 'a', false],
  // many # words: linear for the DP, exponential for backtracking
  [Array(15).fill('#').join('.'), 'a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z', true],
  [`${Array(15).fill('#').join('.')}.x`, 'a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z', false],
];

describe('splitTopicKey', () => {
  it('treats "" as zero words and keeps empty words', () => {
    expect(splitTopicKey('')).toEqual([]);
    expect(splitTopicKey('a..b')).toEqual(['a', '', 'b']);
    expect(splitTopicKey('a.')).toEqual(['a', '']);
    expect(splitTopicKey('.')).toEqual(['', '']);
  });
});

describe('topicMatches', () => {
  it('has enough vectors', () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(80);
  });

  it.each(VECTORS)('binding %j, key %j → %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });

  it('stays fast on many # words against a long non-matching key', () => {
    const pattern = splitTopicKey(`${Array(200).fill('#').join('.')}.nope`);
    const key = splitTopicKey(Array(250).fill('w').join('.'));
    const t = performance.now();
    expect(matchTopicWords(pattern, key)).toBe(false);
    // A hang guard (linear: well under a millisecond; backtracking: never ends), loose for a loaded machine.
    expect(performance.now() - t).toBeLessThan(5_000);
  });

  it('agrees with a backtracking reference on random keys over {a, b, "", *, #}', () => {
    const word = fc.constantFrom('a', 'b', '', '*', '#');
    const words = fc.array(word, { maxLength: 6 });
    const keyWords = fc.array(fc.constantFrom('a', 'b', '', '*', '#'), { maxLength: 6 });
    fc.assert(
      fc.property(words, keyWords, (p, k) => {
        // Go through the string form too, so the split is exercised: [""] and [] both print as "".
        const pattern = splitTopicKey(p.join('.'));
        const key = splitTopicKey(k.join('.'));
        expect(matchTopicWords(pattern, key)).toBe(naive(pattern, key));
      }),
      { numRuns: 5000 },
    );
  });

  it('every vector agrees with the reference too', () => {
    for (const [p, k, expected] of VECTORS.filter(([p]) => p.split('#').length < 6)) {
      expect(naive(splitTopicKey(p), splitTopicKey(k)), `${p} / ${k}`).toBe(expected);
    }
  });
});
