/**
 * Where and why a text is not JSON (RFC 8259), for a spec that is JSON (a
 * `.json` file, or a text that starts like one). Run only once `JSON.parse`
 * refused the text: `JSON.parse`'s own messages differ between Node versions,
 * some have no position, and some quote the text around the error, which may
 * hold a secret. Messages here name characters only when they are JSON
 * punctuation, never the contents of a string.
 */

export interface JsonSyntaxError {
  /** Offset of the character where the text stops being JSON (its length when it ends too early). */
  readonly offset: number;
  readonly message: string;
}

/** True for a text whose first token makes it JSON rather than YAML: `{` or `[` followed by `"`, `{`, `[`, `}` or `]`. */
export function looksLikeJson(text: string): boolean {
  return /^\s*[{[]\s*["{}[\]]/.test(text);
}

class Stop extends Error {
  constructor(readonly at: number, readonly why: string) {
    super(why);
  }
}

/** Nesting deeper than this is reported rather than risking the stack. */
const MAX_DEPTH = 5000;

/**
 * The first syntax error of `text` as JSON, or undefined when it is valid.
 * `position(offset)` gives `line:column` for messages that refer back to an
 * earlier place (where an unterminated string or an unclosed object began).
 */
export function findJsonSyntaxError(text: string, position: (offset: number) => string): JsonSyntaxError | undefined {
  const n = text.length;
  let i = 0;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const found = (): string => (i >= n ? 'the end of the file' : describeChar(text.charAt(i)));
  const fail = (expected: string, extra = ''): never => {
    throw new Stop(i, `expected ${expected}, found ${found()}${extra}`);
  };

  const string = (): void => {
    const start = i;
    i++;
    for (;;) {
      if (i >= n) throw new Stop(i, `the string that starts at ${position(start)} is not closed: the file ends inside it; add the closing \`"\``);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) {
        const what = c === 0x0a || c === 0x0d ? 'the line ends inside it' : 'it holds a control character';
        throw new Stop(i, `the string that starts at ${position(start)} is not closed where it should be: ${what}; close it with \`"\` (a line break inside a string is written \\n)`);
      }
      if (c === 0x5c) {
        const e = text.charAt(i + 1);
        if (e === 'u') {
          const bad = /^[0-9a-fA-F]{0,3}/.exec(text.slice(i + 2, i + 6))?.[0].length ?? 0;
          if (bad < 4 && !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i + 2 + bad, 'a `\\u` escape needs four hexadecimal digits');
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') {
          i += 2;
        } else {
          throw new Stop(i + 1, 'a backslash in a string must start an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX); write a literal backslash as \\\\');
        }
        continue;
      }
      i++;
    }
  };

  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' ) fail('a value');
    i += (m as RegExpExecArray)[0].length;
    if (i < n && /[0-9.eE+-]/.test(text.charAt(i))) throw new Stop(i, 'this number is not written the JSON way (no leading zeros, a digit on each side of the `.`, no `+` sign)');
  };

  const value = (depth: number): void => {
    ws();
    if (depth > MAX_DEPTH) throw new Stop(i, `nesting is deeper than ${MAX_DEPTH} levels`);
    const c = text.charAt(i);
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === "'") fail('a value', '; JSON strings are in double quotes');
    fail('a value');
  };

  const object = (depth: number): void => {
    const open = i;
    i++;
    ws();
    if (text.charAt(i) === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text.charAt(i) !== '"') {
        const trailing = text.charAt(i) === '}' ? `; the comma before it is a trailing comma, which JSON does not allow: remove it` : '';
        if (i >= n) unclosed('object', open, '`}`');
        fail('a property name in double quotes', trailing);
      }
      string();
      ws();
      if (text.charAt(i) !== ':') {
        if (i >= n) unclosed('object', open, '`}`');
        fail('`:` after the property name');
      }
      i++;
      value(depth + 1);
      ws();
      const c = text.charAt(i);
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '}') {
        i++;
        return;
      }
      if (i >= n) unclosed('object', open, '`}`');
      fail('`,` or `}` after the value', c === '"' ? '; a comma is missing between two entries' : '');
    }
  };

  const array = (depth: number): void => {
    const open = i;
    i++;
    ws();
    if (text.charAt(i) === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text.charAt(i) === ']') throw new Stop(i, 'expected a value, found `]`; the comma before it is a trailing comma, which JSON does not allow: remove it');
      if (i >= n) unclosed('list', open, '`]`');
      value(depth + 1);
      ws();
      const c = text.charAt(i);
      if (c === ',') {
        i++;
        continue;
      }
      if (c === ']') {
        i++;
        return;
      }
      if (i >= n) unclosed('list', open, '`]`');
      fail('`,` or `]` after the value', c === '"' || c === '{' || c === '[' ? '; a comma is missing between two items' : '');
    }
  };

  const unclosed = (what: string, open: number, close: string): never => {
    throw new Stop(n, `the file ends inside the ${what} that starts at ${position(open)}: it may be cut short; add what is missing and the closing ${close}`);
  };

  try {
    ws();
    if (i >= n) return { offset: 0, message: 'the file is empty; a JSON spec is an object, `{ ... }`' };
    value(0);
    ws();
    if (i < n) fail('the end of the file after the top-level value', text.charAt(i) === '{' || text.charAt(i) === '[' ? '; a JSON file holds one value: merge them or split the file' : '');
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.at, message: e.why };
    if (e instanceof RangeError) return { offset: 0, message: 'the nesting is too deep to read' };
    throw e;
  }
}

/** A character for a message: JSON punctuation as itself, anything else by its class (never a secret's text). */
function describeChar(c: string): string {
  if ('{}[],:"'.includes(c)) return `\`${c}\``;
  if (/[A-Za-z_]/.test(c)) return 'an unquoted word (strings and property names are in double quotes)';
  if (/\d/.test(c)) return 'a number';
  if (c === "'") return 'a single quote';
  if (c === '/' || c === '#') return 'a comment (JSON has none)';
  return `the character U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
