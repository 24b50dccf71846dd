import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeArgs, encodeArgValue } from '../../../src/apply/amqp-args.js';

// amqplib's codec is not exported; load it by path to see the wire types.
const require = createRequire(import.meta.url);
const amqplibDir = dirname(require.resolve('amqplib'));
const codec = require(join(amqplibDir, 'lib', 'codec.js')) as {
  encodeTable(buffer: Buffer, value: unknown, offset: number): number;
};

/** Field-type tag of the single entry `{ k: value }` as amqplib encodes it. */
function wireTag(value: unknown): string {
  const buf = Buffer.alloc(1024);
  codec.encodeTable(buf, { k: value }, 0);
  return String.fromCharCode(buf[4 + 1 + 1] ?? 0); // table length, key length, key 'k'
}

describe('encodeArgs', () => {
  it('sends every integer as long and every other number as double', () => {
    expect(encodeArgs({ a: 1, b: 70000, c: -5, d: 2 ** 40, e: 1.5 })).toEqual({
      a: { '!': 'long', value: 1 },
      b: { '!': 'long', value: 70000 },
      c: { '!': 'long', value: -5 },
      d: { '!': 'long', value: 2 ** 40 },
      e: { '!': 'double', value: 1.5 },
    });
  });

  it('keeps strings, booleans and null, and recurses into tables and arrays', () => {
    expect(encodeArgs({ s: 'x', t: true, n: null, nested: { k: [1, 'y', 0.25, { z: 2 }] } })).toEqual({
      s: 'x',
      t: true,
      n: null,
      nested: { k: [{ '!': 'long', value: 1 }, 'y', { '!': 'double', value: 0.25 }, { z: { '!': 'long', value: 2 } }] },
    });
  });

  it('protects a nested table that has its own "!" key', () => {
    expect(encodeArgValue({ '!': 'long', value: 3 })).toEqual({
      '!': 'object',
      value: { '!': 'long', value: { '!': 'long', value: 3 } },
    });
  });

  it('produces the AMQP types it promises on the wire', () => {
    expect(wireTag(1)).toBe('b'); // what amqplib would do by itself
    expect(wireTag(encodeArgValue(1))).toBe('l');
    expect(wireTag(encodeArgValue(300))).toBe('l');
    expect(wireTag(encodeArgValue(2.5))).toBe('d');
    expect(wireTag(encodeArgValue('s'))).toBe('S');
    expect(wireTag(encodeArgValue(false))).toBe('t');
    expect(wireTag(encodeArgValue(null))).toBe('V');
    expect(wireTag(encodeArgValue([1]))).toBe('A');
    expect(wireTag(encodeArgValue({ x: 1 }))).toBe('F');
    expect(wireTag(encodeArgValue({ '!': 'x' }))).toBe('F');
  });
});
