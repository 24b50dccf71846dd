/**
 * Spec files are UTF-8. Bytes that are not would otherwise turn silently into
 * U+FFFD (and into a queue or vhost name nobody wrote), so they are refused
 * with a located error at the first bad byte. Pure: bytes in, text or a
 * diagnostic out.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';

export type Decoded = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostic: Diagnostic };

/** `ignoreBOM`: a leading BOM stays in the text, so that the caller strips exactly one, as before. */
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decode a spec file's bytes as UTF-8. On invalid bytes: an `INVALID_UTF8`
 * error at `file:line:column` of the first bad byte (line and column counted
 * like the YAML and JSON locators: lines by `\n`, columns in UTF-16 units, from 1).
 */
export function decodeSpecBytes(bytes: Uint8Array, file: string): Decoded {
  try {
    return { ok: true, text: fatal.decode(bytes) };
  } catch {
    // The native decoder says only that the bytes are bad; find where, in JS, on this rare path.
  }
  const offset = firstInvalidUtf8(bytes);
  // The prefix is valid by construction; a BOM in it is not a column in anyone's editor.
  const prefix = fatal.decode(bytes.subarray(0, offset)).replace(/^\uFEFF/, '');
  const lastBreak = prefix.lastIndexOf('\n');
  let line = 1;
  for (let i = prefix.indexOf('\n'); i !== -1; i = prefix.indexOf('\n', i + 1)) line++;
  const column = prefix.length - lastBreak;
  const shown = [...bytes.subarray(offset, offset + 4)].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
  return { ok: false, diagnostic: diagnostic('INVALID_UTF8', invalidMessage(bytes, offset, shown), { file, line, column, path: '' }) };
}

function invalidMessage(bytes: Uint8Array, offset: number, shown: string): string {
  const fix = 'save the file as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8 old.yaml > new.yaml`)';
  if (offset === 0 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return `the file is UTF-16 (it starts with the byte order mark ${shown.split(' ').slice(0, 2).join(' ')}), spec files must be UTF-8; ${fix}`;
  }
  return `the file is not valid UTF-8 from byte offset ${offset} on (${shown}); it may be Latin-1 or Windows-1252 text; ${fix}`;
}

/**
 * Byte offset of the first ill-formed sequence (Unicode table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF, no truncated sequence), or
 * `bytes.length` when there is none.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let trail: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) trail = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      trail = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      trail = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let j = 1; j <= trail; j++) {
      const c = bytes[i + j];
      if (c === undefined || c < (j === 1 ? lo : 0x80) || c > (j === 1 ? hi : 0xbf)) return i;
    }
    i += trail + 1;
  }
  return n;
}
