/**
 * Topic matching exactly as `rabbit_exchange_type_topic` does it
 * (rabbitmq-semantics.md §6 "Topic").
 *
 * - A key is split on `.`; `""` is zero words, and empty words are real words
 *   (`a..b` is `[a, "", b]`, `a.` is `[a, ""]`).
 * - In a binding key, a word that is exactly `*` matches one word (possibly
 *   empty) and a word that is exactly `#` matches zero or more words; `*` or
 *   `#` inside a word (`a#`) is literal.
 * - Byte-wise, case-sensitive.
 */

/** Split a routing or binding key into words: `""` is zero words. */
export function splitTopicKey(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

/** True when the binding key words contain a `*` or `#` word. */
export function hasTopicWildcard(pattern: readonly string[]): boolean {
  return pattern.some((w) => w === '*' || w === '#');
}

/**
 * Does the split binding key `pattern` match the split routing key `key`?
 *
 * Dynamic programming over suffixes, O(|pattern| × |key|) time and O(|key|)
 * space, whatever the number of `#` words (a backtracking matcher is
 * exponential on keys like `#.#.#.#…`).
 */
export function matchTopicWords(pattern: readonly string[], key: readonly string[]): boolean {
  const n = key.length;
  // next[j]: pattern[i+1..] matches key[j..]; starts as "empty pattern", which matches only the empty rest.
  let next = new Uint8Array(n + 1);
  next[n] = 1;
  for (let i = pattern.length - 1; i >= 0; i--) {
    const p = pattern[i];
    const cur = new Uint8Array(n + 1);
    if (p === '#') {
      // # matches zero words (next[j]) or one word and stays (cur[j + 1]).
      cur[n] = next[n] ?? 0;
      for (let j = n - 1; j >= 0; j--) cur[j] = next[j] || cur[j + 1] ? 1 : 0;
    } else {
      for (let j = 0; j < n; j++) cur[j] = (p === '*' || p === key[j]) && next[j + 1] ? 1 : 0;
    }
    next = cur;
  }
  return next[0] === 1;
}

/** Does binding key `bindingKey` match routing key `routingKey` on a topic exchange? */
export function topicMatches(bindingKey: string, routingKey: string): boolean {
  return matchTopicWords(splitTopicKey(bindingKey), splitTopicKey(routingKey));
}
