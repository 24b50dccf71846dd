/**
 * Topic binding keys with more than two `#` words: RabbitMQ 4.3 refuses
 * them (400 "Topic binding key '#.#.#' uses 3 '#' wildcards, at most 2 are
 * allowed", measured on 4.3.6; over AMQP queue.bind gets 406 PRECONDITION_FAILED on the channel);
 * 3.10.8 and 4.0.5 accept them over both (measured).
 */

/** The most `#` words a topic binding key may have from RabbitMQ 4.3. */
export const MAX_HASH_WORDS = 2;

/** How many words of the key are `#` (a `#` inside a word is no wildcard). */
export function hashWords(key: string): number {
  return key.split('.').filter((w) => w === '#').length;
}

/** Why a key with too many `#` words is a problem, for messages. */
export function tooManyHashes(key: string): string {
  return `topic binding key ${JSON.stringify(key)} has ${hashWords(key)} \`#\` words; RabbitMQ 4.3 and later refuse more than ${MAX_HASH_WORDS} (400 "at most 2 are allowed")`;
}

/** How to fix it. */
export const HASH_FIX = 'one `#` matches any number of words already: merge adjacent `#` words, or split the binding in two';
