import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { formatDiagnostic } from '../../../src/model/diagnostics.js';

/** The part of a diagnostic that tests assert exactly. */
export function where(d: Diagnostic): { code: string; severity: string; file?: string; line?: number; column?: number; path?: string } {
  const { code, severity, file, line, column, path } = d;
  return { code, severity, ...(file !== undefined && { file }), ...(line !== undefined && { line }), ...(column !== undefined && { column }), ...(path !== undefined && { path }) };
}

export function only(diagnostics: readonly Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  if (found.length !== 1) throw new Error(`expected one ${code}, got:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return found[0] as Diagnostic;
}

/** Joins lines, so that line numbers in tests are easy to count. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
