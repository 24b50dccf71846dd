import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import { decodeSpecBytes, loadSpec } from '../../../src/spec/index.js';
import { firstInvalidUtf8 } from '../../../src/spec/decode-utf8.js';
import { where } from './helpers.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

function located(input: Uint8Array): { line?: number; column?: number; message: string } {
  const r = decodeSpecBytes(input, 'x.yaml');
  if (r.ok) throw new Error('expected INVALID_UTF8');
  expect(where(r.diagnostic)).toMatchObject({ code: 'INVALID_UTF8', severity: 'error', file: 'x.yaml', path: '' });
  return { ...(r.diagnostic.line !== undefined && { line: r.diagnostic.line }), ...(r.diagnostic.column !== undefined && { column: r.diagnostic.column }), message: r.diagnostic.message };
}

describe('decodeSpecBytes', () => {
  it('decodes valid UTF-8 as is, a BOM included (the loader strips it)', () => {
    expect(decodeSpecBytes(bytes('a: ü 😀\n'), 'x.yaml')).toEqual({ ok: true, text: 'a: ü 😀\n' });
    expect(decodeSpecBytes(bytes([0xef, 0xbb, 0xbf], 'a: 1'), 'x.yaml')).toEqual({ ok: true, text: '\uFEFFa: 1' });
    // a U+FFFD that is really in the file is a character like any other
    expect(decodeSpecBytes(bytes('q: "\uFFFD"'), 'x.yaml')).toEqual({ ok: true, text: 'q: "\uFFFD"' });
  });

  it('points at the line and column of the first bad byte, counting columns like the YAML locator', () => {
    expect(located(bytes('version: 1\nvhosts:\n  "', [0xc3, 0x28, 0xff], '":\n')).line).toBe(3);
    expect(located(bytes('version: 1\nvhosts:\n  "', [0xc3, 0x28, 0xff], '":\n')).column).toBe(4);
    // ü is one column, 😀 two (UTF-16 units, as the YAML and JSON locators count); \r\n is one line break
    expect(located(bytes('a: 1\r\nb: ü😀', [0xff]))).toMatchObject({ line: 2, column: 7 });
    expect(located(bytes([0xef, 0xbb, 0xbf], 'ab', [0x80]))).toMatchObject({ line: 1, column: 3 });
    expect(located(bytes([0xff]))).toMatchObject({ line: 1, column: 1 });
    expect(located(bytes('x\n\n\n', [0xfe]))).toMatchObject({ line: 4, column: 1 });
  });

  it('says what is wrong and how to fix it, with the bad bytes', () => {
    const { message } = located(bytes('name: caf', [0xe9], '\n'));
    expect(message).toBe(
      'the file is not valid UTF-8 from byte offset 9 on (0xE9 0x0A); it may be Latin-1 or Windows-1252 text; save the file as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8 old.yaml > new.yaml`)',
    );
    expect(located(Buffer.from('\uFEFFversion: 1\n', 'utf16le'))).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/^the file is UTF-16 \(it starts with the byte order mark 0xFF 0xFE\), spec files must be UTF-8; save the file as UTF-8/) as unknown });
  });

  it('refuses what a lenient decoder would let through or replace', () => {
    const cases: Array<[string, number[], number]> = [
      ['overlong "/"', [0x61, 0xc0, 0xaf], 1],
      ['overlong 3-byte', [0xe0, 0x80, 0xaf], 0],
      ['surrogate U+D800 (CESU-8)', [0x61, 0x62, 0xed, 0xa0, 0x80], 2],
      ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
      ['lone continuation', [0x61, 0x80], 1],
      ['truncated at the end', [0x61, 0xe2, 0x82], 1],
      ['5-byte lead', [0xf8, 0x88, 0x80, 0x80, 0x80], 0],
    ];
    for (const [name, input, offset] of cases) {
      expect(firstInvalidUtf8(Uint8Array.from(input)), name).toBe(offset);
      expect(decodeSpecBytes(Uint8Array.from(input), 'x.yaml').ok, name).toBe(false);
    }
    expect(firstInvalidUtf8(bytes('ü€😀\u{10FFFF}'))).toBe(bytes('ü€😀\u{10FFFF}').length);
  });

  it('finds the same first bad byte as the WHATWG decoder, over random bytes', () => {
    const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const mixed = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }).map((b) => [b]), fc.string({ unit: 'binary', maxLength: 3 }).map((s) => [...Buffer.from(s, 'utf8')])), { maxLength: 40 });
    fc.assert(
      fc.property(mixed, (chunks) => {
        const input = Uint8Array.from(chunks.flat());
        const at = firstInvalidUtf8(input);
        const valid = (() => {
          try {
            strict.decode(input);
            return true;
          } catch {
            return false;
          }
        })();
        expect(at === input.length).toBe(valid);
        // the prefix is valid and ends on a character boundary; the decoder replaces what starts at `at`
        expect(() => strict.decode(input.subarray(0, at))).not.toThrow();
        if (!valid) expect(lenient.decode(input.subarray(at)).startsWith('\uFFFD')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('invalid UTF-8 from disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-utf8-'));
  writeFileSync(join(dir, 'good.yaml'), 'version: 1\nvhosts:\n  /:\n    queues: { a: {} }\n');
  writeFileSync(join(dir, 'latin1.yaml'), bytes('version: 1\nvhosts:\n  /:\n    queues:\n      caf', [0xe9], ': {}\n'));

  it('loadSpec reports INVALID_UTF8 at the bad byte and loads nothing', async () => {
    const r = await loadSpec(['good.yaml', 'latin1.yaml'], { cwd: dir });
    expect(r.desired).toBeNull();
    expect(r.diagnostics.map(where)).toEqual([{ code: 'INVALID_UTF8', severity: 'error', file: 'latin1.yaml', line: 5, column: 10, path: '' }]);
  });

  it('an overlay with invalid UTF-8 is refused too', async () => {
    const r = await loadSpec(['good.yaml'], { cwd: dir, overlays: ['latin1.yaml'] });
    expect(r.desired).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toContain('INVALID_UTF8');
  });

  it('`warren validate` and `warren convert` print one located error, no stack, and exit 1', async () => {
    for (const args of [['validate', 'latin1.yaml'], ['convert', 'latin1.yaml']]) {
      let stdout = '';
      let stderr = '';
      const code = await run(args, {
        out: (t) => void (stdout += t),
        err: (t) => void (stderr += t),
        env: { NO_COLOR: '1' },
        stdinIsTTY: false,
        stdoutIsTTY: false,
        cwd: dir,
        ask: () => Promise.reject(new Error('no terminal in tests')),
      });
      expect(code, args.join(' ')).toBe(1);
      expect(stdout, args.join(' ')).toBe('');
      expect(stderr, args.join(' ')).toMatch(/^latin1\.yaml:5:10: error INVALID_UTF8: the file is not valid UTF-8 from byte offset 45 on \(0xE9 0x3A 0x20 0x7B\).*save the file as UTF-8/m);
      expect(stderr, args.join(' ')).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
  });
});
