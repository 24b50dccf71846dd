/**
 * A fuzzer over the spec loader and validator. Inputs: valid specs (the
 * examples, a definitions export) mutated at the byte level and the structure
 * level (wrong types, huge and odd numbers, deep nesting, names with control
 * characters, lone surrogates, very long names), written back as YAML or JSON;
 * plus fixed hostile inputs (alias bombs, anchors and merge keys, invalid
 * UTF-8, a 10 MB file, 100k-deep nesting); and specs on disk with invalid
 * UTF-8 bytes spliced in, which must be refused at the first bad byte.
 *
 * Every case must end in success or in errors that each say where
 * (file, line, column), never a throw or a stack trace, and within a bounded
 * time; invalid UTF-8 ends in exactly one INVALID_UTF8 error, never in
 * success. 150 random cases in CI, 1,500 with WARREN_DEEP=1 (WARREN_FUZZ_RUNS
 * overrides); replay a failure with WARREN_FUZZ_SEED.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostics.js';
import { loadSpec, loadSpecTexts, type LoadResult } from '../../src/spec/index.js';

const DEEP = process.env.WARREN_DEEP === '1';
const RUNS = Number(process.env.WARREN_FUZZ_RUNS ?? (DEEP ? 1_500 : 150));
const SEED = process.env.WARREN_FUZZ_SEED === undefined ? undefined : Number(process.env.WARREN_FUZZ_SEED);
/** Per case, on a loaded 2-core CI machine; the inputs here are at most a few hundred kB. */
const CASE_MS = 3_000;

const repo = resolve(import.meta.dirname, '..', '..');
const seeds: Array<{ name: string; text: string }> = readdirSync(join(repo, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ name: f, text: readFileSync(join(repo, 'examples', f), 'utf8') }));
seeds.push({
  name: 'definitions.json',
  text: JSON.stringify({
    rabbit_version: '3.10.8',
    vhosts: [{ name: '/' }, { name: 'shop' }],
    users: [{ name: 'app', password_hash: 'aGFzaA==', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: 'monitoring' }],
    permissions: [{ user: 'app', vhost: 'shop', configure: '.*', write: '.*', read: '.*' }],
    exchanges: [{ name: 'orders', vhost: 'shop', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} }],
    queues: [{ name: 'billing', vhost: 'shop', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'quorum' } }],
    bindings: [{ source: 'orders', vhost: 'shop', destination: 'billing', destination_type: 'queue', routing_key: 'order.*', arguments: {} }],
    policies: [{ vhost: 'shop', name: 'cap', pattern: '^billing$', 'apply-to': 'queues', priority: 0, definition: { 'max-length': 10 } }],
  }),
});

/** Loads, timing it; fails the test on a throw, an unlocated error or a slow case. */
function check(file: string, text: string, limitMs = CASE_MS): LoadResult {
  const t0 = performance.now();
  let result: LoadResult;
  try {
    result = loadSpecTexts([{ file, text }]);
  } catch (err) {
    throw new Error(`loader threw on ${describeInput(text)}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, { cause: err });
  }
  const ms = performance.now() - t0;
  expect(ms, `took ${ms.toFixed(0)} ms on ${describeInput(text)}`).toBeLessThan(limitMs);
  assertLocated(result.diagnostics, text);
  if (result.desired === null) expect(result.diagnostics.some((d) => d.severity === 'error'), describeInput(text)).toBe(true);
  return result;
}

function assertLocated(diags: readonly Diagnostic[], text: string): void {
  for (const d of diags) {
    const what = `${d.code}: ${d.message.slice(0, 200)} — on ${describeInput(text)}`;
    expect(d.code, what).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(d.message, what).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    expect(d.message, what).not.toContain('INTERNAL_ERROR');
    if (d.severity !== 'error') continue;
    expect(d.file, what).toBeDefined();
    expect(d.line, what).toBeGreaterThanOrEqual(1);
    expect(d.column, what).toBeGreaterThanOrEqual(1);
  }
}

function describeInput(text: string): string {
  return text.length <= 600 ? JSON.stringify(text) : `${text.length} chars starting ${JSON.stringify(text.slice(0, 300))}`;
}

// --- structure-level mutations ----------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\u0007bell', '\u001b[31mred', 'line\nbreak', 'tab\there', '\u2028', '\uFEFFbom', '\uD800', 'x\uDFFFy', '../../etc/passwd', '${HOME}', '${', '%2F', 'amq.gen-1', 'a'.repeat(300), 'ü'.repeat(200), '*', '&a', '!!binary', '<<'),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.1, 2 ** 64, -1, 4294967296, 1e-320),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
  fc.nat(60).map((depth) => nest(depth)),
);

function nest(depth: number): Json {
  let v: Json = 'deep';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

/** Every path (list of keys) to a node of `doc`. */
function paths(doc: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) paths(v, [...prefix, k], out);
  return out;
}

type Edit = { op: 'set'; value: Json } | { op: 'delete' } | { op: 'rename'; to: string } | { op: 'dup' };

function applyEdit(doc: Json, path: ReadonlyArray<string | number>, edit: Edit): Json {
  if (path.length === 0) return edit.op === 'set' ? edit.value : doc;
  const copy: Json = JSON.parse(JSON.stringify(doc)) as Json;
  let parent: Json = copy;
  for (const k of path.slice(0, -1)) parent = (parent as Record<string, Json>)[k as string] as Json;
  const last = path[path.length - 1] as string | number;
  const p = parent as Record<string | number, Json>;
  switch (edit.op) {
    case 'set':
      p[last] = edit.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete p[last];
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        p[edit.to] = p[last] ?? null;
        if (edit.to !== String(last)) delete p[last];
      }
      break;
    case 'dup':
      if (Array.isArray(parent)) parent.push(parent[Number(last)] ?? null);
      break;
  }
  return copy;
}

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: wrongValue.map((value): Edit => ({ op: 'set', value })) },
  { weight: 2, arbitrary: fc.constant<Edit>({ op: 'delete' }) },
  { weight: 2, arbitrary: hostileString.map((to): Edit => ({ op: 'rename', to })) },
  { weight: 1, arbitrary: fc.constant<Edit>({ op: 'dup' }) },
);

const structural = fc
  .record({ seed: fc.nat(seeds.length - 1), edits: fc.array(fc.tuple(fc.nat(), editArb), { minLength: 1, maxLength: 4 }), asJson: fc.boolean() })
  .map(({ seed, edits, asJson }) => {
    const s = seeds[seed] as { name: string; text: string };
    let doc = parse(s.text) as Json;
    for (const [pick, edit] of edits) {
      const all = paths(doc);
      doc = applyEdit(doc, all[pick % all.length] ?? [], edit);
    }
    return asJson ? { file: 'fuzz.json', text: JSON.stringify(doc, null, 1) } : { file: 'fuzz.yaml', text: safeStringify(doc) };
  });

function safeStringify(doc: Json): string {
  try {
    return stringify(doc, { aliasDuplicateObjects: false });
  } catch {
    return JSON.stringify(doc);
  }
}

// --- byte-level mutations ---------------------------------------------------------

const CHUNKS = ['\n', ':', ' ', '- ', '{', '}', '[', ']', '"', "'", '&a ', '*a', '<<: *a', '!!str ', '!!binary ', '%YAML 1.1\n', '---\n', '...\n', '#', '\t', '\u0000', '\uFFFD', '\uD800', '? ', '|', '>', '@', '`', '9'.repeat(400), '1e999', '0x1F', '.inf', '.nan', '~'];
const byteLevel = fc
  .record({
    seed: fc.nat(seeds.length - 1),
    ops: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('insert', 'delete', 'replace', 'truncate'), chunk: fc.oneof(fc.constantFrom(...CHUNKS), fc.string({ unit: 'binary', maxLength: 6 })), len: fc.nat(20) }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ seed, ops }) => {
    const s = seeds[seed] as { name: string; text: string };
    let text = s.text;
    for (const op of ops) {
      const at = text.length === 0 ? 0 : op.at % text.length;
      if (op.kind === 'insert') text = text.slice(0, at) + op.chunk + text.slice(at);
      else if (op.kind === 'delete') text = text.slice(0, at) + text.slice(at + op.len);
      else if (op.kind === 'replace') text = text.slice(0, at) + op.chunk + text.slice(at + op.chunk.length);
      else text = text.slice(0, at);
    }
    return { file: s.name.endsWith('.json') ? 'fuzz.json' : 'fuzz.yaml', text };
  });

describe('spec loader fuzzing', () => {
  it(`never throws and locates every error over ${RUNS} mutated specs`, { timeout: 60_000 + RUNS * 200 }, () => {
    let ok = 0;
    let failed = 0;
    fc.assert(
      fc.property(fc.oneof(structural, byteLevel), ({ file, text }) => {
        const r = check(file, text);
        if (r.desired) ok++;
        else failed++;
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    // the fuzzer must exercise both outcomes, or it is not fuzzing the validator
    expect(failed).toBeGreaterThan(0);
    expect(ok + failed).toBeGreaterThanOrEqual(RUNS);
  });

  it(`refuses every spec with invalid UTF-8 bytes, at the first bad byte, over ${Math.ceil(RUNS / 5)} files`, { timeout: 60_000 + RUNS * 100 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-fuzz-utf8-'));
    const invalid = fc.constantFrom([0x80], [0xbf], [0xc0, 0xaf], [0xc3, 0x28], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8], [0xfe], [0xff], [0xe2, 0x82], [0xe9]);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ seed: fc.nat(seeds.length - 1), at: fc.nat(), bad: invalid, more: fc.array(fc.tuple(fc.nat(), invalid), { maxLength: 2 }) }), async ({ seed, at, bad, more }) => {
        const good = Buffer.from((seeds[seed] as { text: string }).text, 'utf8');
        // cut on a character boundary, so that the inserted bytes are the first bad ones
        let cut = at % (good.length + 1);
        while (cut < good.length && ((good[cut] as number) & 0xc0) === 0x80) cut++;
        const tail = [...good.subarray(cut)];
        for (const [pos, bytes] of more) tail.splice(pos % (tail.length + 1), 0, ...bytes);
        const file = join(dir, `f${n++}.yaml`);
        writeFileSync(file, Buffer.concat([good.subarray(0, cut), Buffer.from(bad), Buffer.from(tail)]));
        const r = await loadSpec([file]);
        assertLocated(r.diagnostics, file);
        const prefix = good.subarray(0, cut).toString('utf8');
        const line = prefix.split('\n').length;
        const column = prefix.length - prefix.lastIndexOf('\n');
        expect(r.desired).toBeNull();
        expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['INVALID_UTF8', line, column]]);
      }),
      { numRuns: Math.ceil(RUNS / 5), ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });

  it('stops alias bombs (billion laughs) fast, with a located error', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const r = check('bomb.yaml', `version: 1\nvhosts:\n  /:\n    description: x\nx-bomb:\n${lines.map((l) => `  ${l}`).join('\n')}\n`, 2_000);
    expect(r.desired).toBeNull();
  });

  it('accepts anchors and merge keys used as intended', () => {
    const r = check(
      'anchors.yaml',
      'version: 1\nvhosts:\n  /:\n    queues:\n      a: &q { type: quorum, arguments: { x-delivery-limit: 5 } }\n      b: *q\n      c: { <<: *q, type: classic, arguments: {} }\n',
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.desired?.resources.size).toBeGreaterThanOrEqual(4);
  });

  it('survives nesting 100,000 levels deep, in YAML and JSON', { timeout: 60_000 }, () => {
    const depth = 100_000;
    check('deep.json', `{"version": 1, "vhosts": {"/": {"queues": {"q": {"arguments": {"x": ${'['.repeat(depth)}${']'.repeat(depth)}}}}}}}`, 10_000);
    check('deep.yaml', `version: 1\nvhosts:\n  /:\n    queues:\n      q:\n        arguments:\n          x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 10_000);
    check('deep-map.yaml', `version: 1\nx: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`, 10_000);
  });

  it('reads invalid UTF-8 and 10 MB files from disk without crashing, within bounds', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-fuzz-'));
    const bad = join(dir, 'bad-utf8.yaml');
    writeFileSync(bad, Buffer.concat([Buffer.from('version: 1\nvhosts:\n  "'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('":\n    queues: { q: {} }\n')]));
    const r1 = await loadSpec([bad]);
    assertLocated(r1.diagnostics, 'bad-utf8.yaml');
    // refused at the first bad byte, not decoded into a vhost named "\uFFFD(\uFFFD..."
    expect(r1.desired).toBeNull();
    expect(r1.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([['INVALID_UTF8', bad, 3, 4]]);

    // 10 MB of one long comment line, and of one long value: fast in CI
    const longValue = join(dir, 'long-value.yaml');
    writeFileSync(longValue, `version: 1\nvhosts:\n  /:\n    description: "${'d'.repeat(10_000_000)}"\n`);
    const r0 = await loadSpec([longValue]);
    assertLocated(r0.diagnostics, 'long-value.yaml');

    const comment = join(dir, 'comment.yaml');
    writeFileSync(comment, `version: 1\n# ${'z'.repeat(10_000_000)}\nvhosts: { /: {} }\n`);
    let t0 = performance.now();
    const r3 = await loadSpec([comment]);
    expect(performance.now() - t0).toBeLessThan(20_000);
    assertLocated(r3.diagnostics, 'comment.yaml');

    // 10 MB of ~56,000 queues with bindings (about 20 s here): WARREN_DEEP=1 only
    if (!DEEP) return;
    const big = join(dir, 'big.yaml');
    const queues: string[] = [];
    for (let i = 0, size = 0; size < 10_000_000; i++) {
      const line = `      queue-number-${i}-${'x'.repeat(100)}: { bind: [{ exchange: ex, routing_key: "k.${i}" }] }\n`;
      queues.push(line);
      size += line.length;
    }
    writeFileSync(big, `version: 1\nvhosts:\n  /:\n    exchanges: { ex: { type: topic } }\n    queues:\n${queues.join('')}`);
    t0 = performance.now();
    const r2 = await loadSpec([big]);
    const bigMs = performance.now() - t0;
    assertLocated(r2.diagnostics, 'big.yaml');
    expect(bigMs).toBeLessThan(90_000);
    console.log(`[fuzz] 10 MB spec (${queues.length} queues): ${(bigMs / 1000).toFixed(1)} s, ${r2.desired ? 'loaded' : `${r2.diagnostics.length} diagnostics`}`);
  });
});
