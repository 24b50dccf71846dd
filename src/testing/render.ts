/** Renderers of a `TestReport`: text like a test runner, the JSON contract, JUnit XML. */
import type { TopologyTestCase } from '../model/spec-extras.js';
import type { TextStyle } from '../render/paint.js';
import { fillStyle, plural } from '../render/paint.js';
import type { CaseResult, TestReport } from './types.js';

const SLOTS = ['pass', 'fail', 'dim', 'warning'] as const;

/** Colours of `renderTestText`; each defaults to no colour. */
export type TestTextStyle = TextStyle<(typeof SLOTS)[number]>;

/**
 * One line per case (`✓` or `✗`, the name, the message and where it went),
 * failures explained below their case with the spec location, cases grouped
 * by file, then a summary line. Ends with a newline.
 */
export function renderTestText(report: TestReport, style: Partial<TestTextStyle> = {}): string {
  const st = fillStyle(SLOTS, style);
  const lines: string[] = [];
  let file: string | undefined;
  for (const r of report.cases) {
    if (r.case.source.file !== file) {
      if (file !== undefined) lines.push('');
      file = r.case.source.file;
      lines.push(file);
    }
    const mark = r.status === 'passed' ? st.pass('✓') : st.fail('✗');
    lines.push(`  ${mark} ${r.case.name}  ${st.dim(describeCase(r))}`);
    if (r.status === 'failed') {
      for (const f of r.failures) lines.push(`      ${st.fail(f)}`);
      lines.push(`      ${st.dim(`at ${r.case.source.file}:${r.case.source.line}:${r.case.source.column}`)}`);
    }
  }
  for (const w of report.warnings) lines.push(st.warning(`warning: ${w.message}`));
  if (lines.length > 0) lines.push('');
  lines.push(summaryLine(report, st));
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: TestReport, st: TestTextStyle): string {
  const { total, passed, failed } = report.summary;
  if (total === 0) return 'no tests: add a `tests:` section to the spec (see README, "Topology tests")';
  const counts = `${plural(total, 'test')}: ${st.pass(`${passed} passed`)}${failed > 0 ? `, ${st.fail(`${failed} failed`)}` : ''}`;
  const how =
    report.mode === 'live'
      ? `simulated and published on a temporary vhost of RabbitMQ ${report.broker_version ?? '(unknown version)'}`
      : `offline, routing as ${report.broker_version === null ? 'the newest RabbitMQ' : `RabbitMQ ${report.broker_version}`}`;
  return `${counts} (${how})`;
}

/** `tasks [hipri] → hipri`, with headers and the live outcome when there is one. */
function describeCase(r: CaseResult): string {
  const c = r.case;
  const to = r.simulated.error !== undefined ? 'refused' : r.simulated.queues.length > 0 ? r.simulated.queues.join(', ') : 'unroutable';
  const live = r.live ? `; broker: ${r.live.error !== undefined ? 'refused' : r.live.queues.length > 0 ? r.live.queues.join(', ') : r.live.returned ? 'returned' : 'nowhere'}` : '';
  return `(${messageText(c)} → ${to}${live})`;
}

function messageText(c: TopologyTestCase): string {
  const x = c.exchange === '' ? '(default exchange)' : c.exchange;
  const headers = c.headers && Object.keys(c.headers).length > 0 ? ` ${JSON.stringify(c.headers)}` : '';
  return `${x} [${c.routing_key}]${headers}`;
}

/** The report as JSON (the contract), with a trailing newline. */
export function renderTestJson(report: TestReport): string {
  return `${JSON.stringify(
    {
      ...report,
      cases: report.cases.map(({ case: c, durationMs, ...rest }) => {
        const { source, ...fields } = c;
        return { ...fields, file: source.file, line: source.line, column: source.column, path: source.path, ...rest, duration_ms: round(durationMs) };
      }),
    },
    null,
    2,
  )}\n`;
}

/** JUnit XML: one testsuite per spec file, one testcase per test, failures with their location. */
export function renderTestJunit(report: TestReport): string {
  const byFile = new Map<string, CaseResult[]>();
  for (const r of report.cases) {
    const list = byFile.get(r.case.source.file);
    if (list) list.push(r);
    else byFile.set(r.case.source.file, [r]);
  }
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const total = report.cases.reduce((s, r) => s + r.durationMs, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="warren test" tests="${report.summary.total}" failures="${report.summary.failed}" errors="0" time="${seconds(total)}">`);
  for (const [file, cases] of byFile) {
    const failures = cases.filter((r) => r.status === 'failed').length;
    const time = cases.reduce((s, r) => s + r.durationMs, 0);
    out.push(`  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(time)}">`);
    for (const r of cases) {
      const c = r.case;
      const open = `    <testcase name="${attr(c.name)}" classname="${attr(`warren.${report.mode}.${file}`)}" file="${attr(file)}" line="${c.source.line}" time="${seconds(r.durationMs)}"`;
      if (r.status === 'passed') {
        out.push(`${open}/>`);
        continue;
      }
      const body = [...r.failures, `message: ${messageText(c)}`, `at ${file}:${c.source.line}:${c.source.column}`].join('\n');
      out.push(`${open}>`);
      out.push(`      <failure message="${attr(r.failures[0] ?? 'failed')}" type="TOPOLOGY_TEST_FAILED">${text(body)}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

// XML 1.0 forbids most control characters even when escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
