/** Renderers of a `LintReport`: text, the JSON contract, SARIF 2.1.0 for code scanning. */
import type { TextStyle } from '../render/paint.js';
import { fillStyle, plural } from '../render/paint.js';
import { LINT_RULES } from './rules.js';
import type { LintReport } from './lint.js';
import type { LintFinding, LintSeverity } from './types.js';

const SLOTS = ['error', 'warning', 'note', 'dim'] as const;

/** Colours of `renderLintText`; each defaults to no colour. */
export type LintTextStyle = TextStyle<(typeof SLOTS)[number]>;

/** `file:line:column: warning CODE: message` then `  hint: ...`, and a summary. Ends with a newline. */
export function renderLintText(report: LintReport, style: Partial<LintTextStyle> = {}): string {
  const paint = fillStyle(SLOTS, style);
  const dim = paint.dim;
  const lines: string[] = [];
  const where = (f: { readonly file?: string; readonly line?: number; readonly column?: number }): string =>
    f.file ? `${f.file}${f.line ? `:${f.line}:${f.column ?? 1}` : ''}: ` : '';
  // Problems outside the rules first: the spec's own, then the target version's.
  for (const d of report.diagnostics) lines.push(`${where(d)}${paint[d.severity](d.severity)} ${d.code}: ${d.message}`);
  for (const f of report.findings) {
    lines.push(`${where(f)}${paint[f.severity](f.severity)} ${f.code}: ${f.message}`);
    lines.push(dim(`  hint: ${f.hint}`));
  }
  if (lines.length > 0) lines.push('');
  const { error, warning, note } = report.summary;
  const total = error + warning + note;
  lines.push(total === 0 ? 'no findings' : `${plural(total, 'finding')}: ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(note, 'note')}`);
  const skipped = new Map<string, string[]>();
  for (const r of report.rules) if (r.skipped !== undefined) skipped.set(r.skipped, [...(skipped.get(r.skipped) ?? []), r.code]);
  for (const [why, codes] of skipped) lines.push(dim(`not run: ${codes.join(', ')} (${why})`));
  return `${lines.join('\n')}\n`;
}

export function renderLintJson(report: LintReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface SarifOptions {
  readonly toolVersion: string;
  /** Turn a finding's file (as the user gave it) into a URI relative to the repository root. */
  readonly uriOf?: (file: string) => string;
}

const SARIF_LEVEL: Record<LintSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: one run, every rule in
 * `tool.driver.rules` (with its default level and help), one result per
 * finding with a physical location (relative URI under `%SRCROOT%`, start
 * line and column), and a stable partial fingerprint.
 */
export function renderLintSarif(report: LintReport, options: SarifOptions): string {
  const uriOf = options.uriOf ?? ((f: string) => f.replace(/\\/g, '/').replace(/^\.\//, ''));
  const index = new Map(LINT_RULES.map((r, i) => [r.code, i]));
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'warren',
            semanticVersion: options.toolVersion,
            rules: LINT_RULES.map((r) => ({
              id: r.code,
              name: pascal(r.code),
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              help: { text: `${r.description}\n\nFix: ${r.hint}`, markdown: `${r.description}\n\n**Fix:** ${r.hint}` },
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultLevel] },
              properties: { tags: ['rabbitmq', 'topology'] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory warren lint ran in' } } },
        results: report.findings.map((f) => result(f, index.get(f.code) ?? 0, uriOf)),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function result(f: LintFinding, ruleIndex: number, uriOf: (file: string) => string): Record<string, unknown> {
  const location =
    f.file === undefined
      ? undefined
      : {
          physicalLocation: {
            artifactLocation: { uri: uriOf(f.file), uriBaseId: '%SRCROOT%' },
            region: { startLine: f.line ?? 1, startColumn: f.column ?? 1 },
          },
          ...(f.path ? { logicalLocations: [{ fullyQualifiedName: f.path, kind: 'member' }] } : {}),
        };
  return {
    ruleId: f.code,
    ruleIndex,
    level: SARIF_LEVEL[f.severity],
    message: { text: `${f.message}. Fix: ${f.hint}` },
    ...(location ? { locations: [location] } : {}),
    partialFingerprints: { 'warrenFinding/v1': fingerprint(`${f.code}\u0000${f.file ?? ''}\u0000${f.path ?? ''}\u0000${f.message}`) },
  };
}

function pascal(code: string): string {
  return code
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** FNV-1a 64-bit as hex: stable across runs and machines, no crypto needed. */
function fingerprint(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
