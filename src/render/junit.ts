/**
 * A minimal JUnit XML writer (the dialect GitHub, GitLab, Jenkins and Azure
 * test tabs read): `<testsuites>` → `<testsuite>` → `<testcase>` with an
 * optional `<failure>` or `<skipped>`.
 */

export interface JunitFailure {
  /** One line, shown as the failure title. */
  readonly message: string;
  /** A short category, e.g. `missing`. */
  readonly type: string;
  /** Details, shown as the failure body. */
  readonly text: string;
}

export interface JunitCase {
  readonly classname: string;
  readonly name: string;
  readonly failure?: JunitFailure;
  /** Shown but not run: the reason (e.g. an unmanaged resource that does not count as drift). Ignored with a failure. */
  readonly skipped?: string;
}

export interface JunitSuite {
  readonly name: string;
  readonly cases: readonly JunitCase[];
  /** Printed as the suite's `<system-out>` (warnings, for instance) */
  readonly systemOut?: string;
}

export function renderJunit(suites: readonly JunitSuite[]): string {
  const count = (s: JunitSuite): number => s.cases.filter((c) => c.failure).length;
  const skips = (s: JunitSuite): number => s.cases.filter((c) => !c.failure && c.skipped !== undefined).length;
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + count(s), 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites tests="${tests}" failures="${failures}" errors="0">`];
  for (const s of suites) {
    out.push(`  <testsuite name="${xmlAttr(s.name)}" tests="${s.cases.length}" failures="${count(s)}" errors="0" skipped="${skips(s)}">`);
    for (const c of s.cases) {
      const head = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}"`;
      if (!c.failure) {
        out.push(c.skipped === undefined ? `${head}/>` : `${head}>\n      <skipped message="${xmlAttr(c.skipped)}"/>\n    </testcase>`);
        continue;
      }
      const f = c.failure;
      out.push(`${head}>`, `      <failure message="${xmlAttr(f.message)}" type="${xmlAttr(f.type)}">${xmlText(f.text)}</failure>`, '    </testcase>');
    }
    if (s.systemOut) out.push(`    <system-out>${xmlText(s.systemOut)}</system-out>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/**
 * Text content: `&`, `<`, `>` as entities. Characters XML 1.0 cannot carry at
 * all (control characters, lone surrogates) become U+FFFD.
 */
export function xmlText(s: string): string {
  return xmlSafe(s).replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

/** An attribute value in double quotes; line breaks and tabs kept as character references. */
export function xmlAttr(s: string): string {
  return xmlSafe(s).replace(/[&<>"'\t\n\r]/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#${ch.charCodeAt(0)};`;
    }
  });
}

// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

function xmlSafe(s: string): string {
  if (!SUSPECT.test(s)) return s;
  // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD');
}
