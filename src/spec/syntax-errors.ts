/**
 * YAML syntax errors, condensed. One broken spot makes the parser report
 * dozens of errors after it; the most common one in a spec is an unquoted
 * `${VAR}` inside a flow collection (`{ x: ${X} }`), where YAML reads the `{`
 * of the reference as the start of a nested map. Report that as one located
 * error that says how to write it, and otherwise keep only the first few
 * syntax errors.
 */

/** At most this many YAML syntax errors are reported for one file. */
export const MAX_SYNTAX_ERRORS = 5;

/** A parser error: its message and where it starts in the text. */
export interface SyntaxProblem {
  readonly message: string;
  readonly offset: number;
}

/** A syntax error to report. */
export interface CondensedError extends SyntaxProblem {
  readonly code: 'YAML_SYNTAX' | 'VARIABLE_UNQUOTED_IN_FLOW';
}

/** An unquoted `${...}` inside a flow collection. */
interface FlowReference {
  /** Where the reference starts. */
  readonly offset: number;
  /** Where the outermost flow collection around it starts. */
  readonly flowStart: number;
  /** The reference as written, e.g. `${MAX_LEN:-1000}`. */
  readonly text: string;
}

/**
 * The errors to report for a text the parser refused, in text order: the
 * unquoted flow references (errors from their flow collection on are dropped,
 * as they follow from them), else the first MAX_SYNTAX_ERRORS errors; a note
 * says how many were left out.
 */
export function condenseSyntaxErrors(text: string, errors: readonly SyntaxProblem[]): CondensedError[] {
  if (errors.length === 0) return [];
  const refs = text.includes('${') ? unquotedFlowReferences(text) : [];
  const first = refs[0];
  if (!first) return capped(errors.map((e) => ({ ...e, code: 'YAML_SYNTAX' as const })));
  const before = errors.filter((e) => e.offset < first.flowStart).map((e) => ({ ...e, code: 'YAML_SYNTAX' as const }));
  const hidden = errors.length - before.length;
  const shown = refs.slice(0, MAX_SYNTAX_ERRORS);
  const found: CondensedError[] = shown.map((ref, i) => {
    const more = i === shown.length - 1 && refs.length > shown.length ? `; ${refs.length - shown.length} more unquoted references in flow collections are not shown` : '';
    const cascade = i === 0 && hidden > 0 ? ` (the ${plural(hidden, 'YAML syntax error')} this causes are not shown)` : '';
    return {
      code: 'VARIABLE_UNQUOTED_IN_FLOW',
      offset: ref.offset,
      message:
        `\`${ref.text}\` is unquoted inside a flow collection ({ … } or [ … ]), where YAML reads its \`{\` as the start of a map${cascade}; ` +
        `quote it (\`"${ref.text}"\`, which keeps the value a string) or write the collection in block style, one entry per line, ` +
        `where an unquoted reference takes the type of its value${more}`,
    };
  });
  return [...capped(before), ...found];
}

function capped(errors: readonly CondensedError[]): CondensedError[] {
  if (errors.length <= MAX_SYNTAX_ERRORS) return [...errors];
  const shown = errors.slice(0, MAX_SYNTAX_ERRORS);
  const last = shown[shown.length - 1] as CondensedError;
  const rest = errors.length - shown.length;
  shown[shown.length - 1] = {
    ...last,
    message: `${last.message}; ${plural(rest, 'more syntax error')} after this one are not shown (most follow from the first: fix it and run again)`,
  };
  return shown;
}

function plural(n: number, noun: string): string {
  return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}

/**
 * Every `${` outside quotes, comments and block scalars that sits inside a
 * `{ … }` or `[ … ]`. A heuristic over the raw text, only consulted once the
 * parser has refused it: a `{` or `[` opens a flow collection only where a
 * value may start (line start, after `:`, `-`, `?`, `,` or another opener).
 */
function unquotedFlowReferences(text: string): FlowReference[] {
  const out: FlowReference[] = [];
  const n = text.length;
  let depth = 0;
  let flowStart = 0;
  let canStart = true;
  let blockIndent = -1;
  let lineIndent = 0;
  let i = 0;
  const toLineEnd = (from: number): number => {
    const nl = text.indexOf('\n', from);
    return nl === -1 ? n : nl;
  };
  while (i < n) {
    const atLineStart = i === 0 || text.charAt(i - 1) === '\n';
    if (atLineStart) {
      let j = i;
      while (j < n && text.charAt(j) === ' ') j++;
      const blank = j >= n || text.charAt(j) === '\n' || text.charAt(j) === '\r';
      if (blockIndent >= 0 && (blank || j - i > blockIndent)) {
        i = toLineEnd(i) + 1;
        continue;
      }
      blockIndent = -1;
      lineIndent = j - i;
      canStart = true;
    }
    const c = text.charAt(i);
    const next = text.charAt(i + 1);
    if (c === '#' && (atLineStart || text.charAt(i - 1) === ' ' || text.charAt(i - 1) === '\t')) {
      i = toLineEnd(i);
    } else if ((c === '"' || c === "'") && canStart) {
      i = quotedEnd(text, i);
      canStart = false;
    } else if (c === '$' && (next === '{' || (next === '$' && text.charAt(i + 2) === '{'))) {
      const close = text.indexOf('}', i);
      const end = close === -1 || close > toLineEnd(i) ? toLineEnd(i) : close + 1;
      if (depth > 0) out.push({ offset: i, flowStart, text: truncate(text.slice(i, end).trimEnd()) });
      i = end;
      canStart = false;
    } else if ((c === '{' || c === '[') && (depth > 0 || canStart)) {
      if (depth === 0) flowStart = i;
      depth++;
      i++;
      canStart = true;
    } else if ((c === '}' || c === ']') && depth > 0) {
      depth--;
      i++;
      canStart = false;
    } else if ((c === '|' || c === '>') && canStart && depth === 0) {
      blockIndent = lineIndent;
      i = toLineEnd(i);
    } else {
      if (c === ',' && depth > 0) canStart = true;
      else if ((c === ':' && depth > 0) || ((c === ':' || c === '-' || c === '?') && /^[ \t\r\n]?$/.test(next))) canStart = true;
      else if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n') canStart = false;
      i++;
    }
  }
  return out;
}

/** The offset just past the quoted scalar starting at `start`. */
function quotedEnd(text: string, start: number): number {
  const quote = text.charAt(start);
  let i = start + 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (quote === '"' && c === '\\') i += 2;
    else if (c === quote && quote === "'" && text.charAt(i + 1) === "'") i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return i;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
