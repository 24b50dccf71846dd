import type { SourceLocation } from './types.js';

export type Severity = 'error' | 'warning';

/**
 * Every problem Warren reports is one of these: a stable code, a severity,
 * a message that names the wrong value and says what to do, and where it is.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** JSON pointer inside the document */
  readonly path?: string;
}

export function diagnostic(code: string, message: string, at?: SourceLocation, severity: Severity = 'error'): Diagnostic {
  if (!at) return { code, severity, message };
  return { code, severity, message, file: at.file, line: at.line, column: at.column, path: at.path };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/**
 * `list` without repeats (same code, severity, message and location), in
 * order, first kept; also without those in `shown` (already reported).
 */
export function uniqueDiagnostics(list: readonly Diagnostic[], shown: readonly Diagnostic[] = []): Diagnostic[] {
  const key = (d: Diagnostic): string => JSON.stringify([d.code, d.severity, d.message, d.file, d.line, d.column, d.path]);
  const seen = new Set(shown.map(key));
  const out: Diagnostic[] = [];
  for (const d of list) {
    const k = key(d);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out;
}

/** `file:line:column: error CODE: message (at /path)` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ` : '';
  const at = d.path ? ` (at ${d.path})` : '';
  return `${where}${d.severity} ${d.code}: ${d.message}${at}`;
}

/** A failure with diagnostics attached, thrown across library boundaries and printed by the CLI. */
export class WarrenError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[] | Diagnostic) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics as Diagnostic];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'WarrenError';
    this.diagnostics = list;
  }
}
