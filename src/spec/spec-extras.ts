/**
 * The non-resource sections of a native spec: `tests:`, `lint:` and the
 * `consumers:` of queues. Read per file, then resolved against the merged
 * spec (a test names a vhost, an exchange and queues that must be declared).
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { namedKey } from '../model/keys.js';
import type { LintLevel, LintSettings, TopologyTestCase } from '../model/spec-extras.js';
import type { ArgValue, Desired, SourceLocation, VhostOwnership } from '../model/types.js';
import type { Origin, SpecModel } from './declarations.js';
import { makeOrigin } from './declarations.js';
import { q } from './describe.js';
import { PREDECLARED_EXCHANGES } from './names.js';
import { joinPointer } from './pointer.js';
import { closest } from './suggest.js';
import type { ParsedSource } from './yaml-source.js';

/** A `tests:` entry as written, before its vhost default is known. */
export interface TestDecl {
  readonly name?: string;
  readonly vhost?: string;
  readonly exchange: string;
  readonly routing_key?: string;
  readonly headers?: Readonly<Record<string, ArgValue>>;
  readonly expect?: readonly string[];
  readonly expect_unroutable?: true;
  readonly origin: Origin;
}

export interface LintRuleDecl {
  readonly code: string;
  readonly level: LintLevel;
  readonly at: SourceLocation;
}

export interface ConsumersDecl {
  readonly vhost: string;
  readonly queue: string;
  readonly services: readonly string[];
}

export interface OwnershipDecl {
  readonly vhost: string;
  readonly prune?: boolean;
  readonly ignore: readonly string[];
  readonly at: SourceLocation;
}

/** What one file contributes beside resources. */
export interface ExtrasDecls {
  readonly tests: TestDecl[];
  readonly lintRules: LintRuleDecl[];
  readonly consumers: ConsumersDecl[];
  readonly ownership: OwnershipDecl[];
}

interface NativeExtras {
  readonly tests?: readonly Omit<TestDecl, 'origin'>[];
  readonly lint?: { readonly rules?: Readonly<Record<string, LintLevel>> };
  readonly vhosts: Readonly<
    Record<
      string,
      {
        readonly queues?: Readonly<Record<string, { readonly consumers?: readonly string[] } | null>>;
        readonly prune?: boolean;
        readonly ignore?: readonly string[];
      } | null
    >
  >;
}

/** @param src a native document that passed the schema */
export function readNativeExtras(src: ParsedSource): ExtrasDecls {
  const doc = src.value as NativeExtras;
  const tests = (doc.tests ?? []).map((t, i) => ({ ...t, origin: makeOrigin(src, joinPointer('', 'tests', i), 'value') }));
  const lintRules = Object.entries(doc.lint?.rules ?? {}).map(([code, level]) => ({
    code,
    level,
    at: src.locateNearest(joinPointer('', 'lint', 'rules', code), 'key'),
  }));
  const consumers: ConsumersDecl[] = [];
  const ownership: OwnershipDecl[] = [];
  for (const [vhost, v] of Object.entries(doc.vhosts)) {
    if (v?.prune !== undefined || v?.ignore !== undefined) {
      ownership.push({
        vhost,
        ...(v.prune !== undefined ? { prune: v.prune } : {}),
        ignore: v.ignore ?? [],
        at: src.locateNearest(joinPointer('', 'vhosts', vhost, v.prune !== undefined ? 'prune' : 'ignore'), 'key'),
      });
    }
    for (const [queue, body] of Object.entries(v?.queues ?? {})) {
      if (body?.consumers !== undefined) consumers.push({ vhost, queue, services: body.consumers });
    }
  }
  return { tests, lintRules, consumers, ownership };
}

/** Resolve the extras of every file against the merged spec and attach them to `desired`. */
export function attachExtras(desired: Desired, model: SpecModel, files: readonly Partial<ExtrasDecls>[]): { desired: Desired; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const tests = files.flatMap((f) => f.tests ?? []).map((t) => resolveTest(t, model, diagnostics));
  const names = new Map<string, SourceLocation>();
  for (const t of tests) {
    const first = names.get(t.name);
    if (first) {
      diagnostics.push(
        diagnostic('TEST_DUPLICATE_NAME', `test name ${q(t.name)} is also used at ${first.file}:${first.line}:${first.column}; give each test its own name so reports can tell them apart`, t.source, 'warning'),
      );
    } else names.set(t.name, t.source);
  }

  const rules = new Map<string, { level: LintLevel; source: SourceLocation }>();
  for (const r of files.flatMap((f) => f.lintRules ?? [])) {
    const prior = rules.get(r.code);
    if (prior && prior.level !== r.level) {
      diagnostics.push(
        diagnostic(
          'LINT_CONFIG_CONFLICT',
          `lint rule ${r.code} is set to ${r.level} here but to ${prior.level} at ${prior.source.file}:${prior.source.line}:${prior.source.column}; set it in one file only`,
          r.at,
        ),
      );
    }
    rules.set(r.code, { level: r.level, source: r.at });
  }

  const consumers = new Map<string, readonly string[]>();
  for (const c of files.flatMap((f) => f.consumers ?? [])) {
    consumers.set(namedKey('queue', c.vhost, c.queue), c.services);
  }

  const ownership = new Map<string, VhostOwnership & { at?: SourceLocation }>();
  for (const o of files.flatMap((f) => f.ownership ?? [])) {
    const prior = ownership.get(o.vhost);
    if (prior && o.prune !== undefined && prior.at && prior.prune !== o.prune) {
      diagnostics.push(
        diagnostic(
          'VHOST_CONFLICT',
          `vhost ${q(o.vhost)} sets prune: ${o.prune} here but prune: ${prior.prune} at ${prior.at.file}:${prior.at.line}:${prior.at.column}; set it in one file only`,
          o.at,
        ),
      );
    }
    ownership.set(o.vhost, {
      prune: o.prune ?? prior?.prune ?? false,
      ignore: [...(prior?.ignore ?? []), ...o.ignore],
      ...(o.prune !== undefined ? { at: o.at } : prior?.at ? { at: prior.at } : {}),
    });
  }
  const owned = new Map<string, VhostOwnership>([...ownership].map(([v, o]) => [v, { prune: o.prune, ignore: o.ignore }]));

  const lint: LintSettings | undefined = rules.size > 0 ? { rules } : undefined;
  return {
    desired: {
      ...desired,
      ...(tests.length > 0 ? { tests } : {}),
      ...(lint ? { lint } : {}),
      ...(consumers.size > 0 ? { consumers } : {}),
      ...(owned.size > 0 ? { ownership: owned } : {}),
    },
    diagnostics,
  };
}

function resolveTest(t: TestDecl, model: SpecModel, out: Diagnostic[]): TopologyTestCase {
  const routing_key = t.routing_key ?? '';
  const name = t.name ?? `${t.exchange === '' ? '(default exchange)' : t.exchange} [${routing_key}]`;
  const vhosts = [...model.vhosts.keys()];
  let vhost = t.vhost;
  if (vhost === undefined) {
    if (vhosts.length === 1) vhost = vhosts[0] as string;
    else {
      out.push(diagnostic('TEST_VHOST_REQUIRED', `test ${q(name)} gives no vhost and the spec declares ${vhosts.length} (${vhosts.map(q).join(', ')}); add \`vhost:\``, t.origin.at));
      vhost = '';
    }
  } else if (!model.vhosts.has(vhost)) {
    const mean = closest(vhost, vhosts);
    out.push(
      diagnostic('TEST_VHOST_UNDECLARED', `test ${q(name)} publishes in vhost ${q(vhost)}, which the spec does not declare${mean !== undefined ? `; did you mean ${q(mean)}?` : ''}`, t.origin.field('vhost')),
    );
  }
  const declared = model.vhosts.has(vhost);
  if (declared && t.exchange !== '' && !PREDECLARED_EXCHANGES.has(t.exchange)) {
    const exchanges = model.exchanges.filter((x) => x.resource.vhost === vhost).map((x) => x.resource.name);
    if (!exchanges.includes(t.exchange)) {
      const mean = closest(t.exchange, exchanges);
      out.push(
        diagnostic(
          'TEST_EXCHANGE_UNDECLARED',
          `test ${q(name)} publishes to exchange ${q(t.exchange)}, which is not declared in vhost ${q(vhost)} (the broker would close the channel with 404)${mean !== undefined ? `; did you mean ${q(mean)}?` : '; use "" for the default exchange'}`,
          t.origin.field('exchange'),
        ),
      );
    }
  }
  const expect = [...new Set(t.expect ?? [])].sort();
  if (declared) {
    const queues = model.queues.filter((x) => x.resource.vhost === vhost).map((x) => x.resource.name);
    (t.expect ?? []).forEach((queue, i) => {
      if (queues.includes(queue)) return;
      const mean = closest(queue, queues);
      out.push(
        diagnostic(
          'TEST_QUEUE_UNDECLARED',
          `test ${q(name)} expects queue ${q(queue)}, which is not declared in vhost ${q(vhost)}${mean !== undefined ? `; did you mean ${q(mean)}?` : ''}`,
          t.origin.field('expect', String(i)),
        ),
      );
    });
  }
  if (t.expect === undefined && t.expect_unroutable === undefined) {
    out.push(
      diagnostic('TEST_NO_EXPECTATION', `test ${q(name)} says nothing to check; add \`expect: [queues]\` (\`expect: []\` for none) or \`expect_unroutable: true\``, t.origin.at),
    );
  }
  if (t.expect_unroutable === true && expect.length > 0) {
    out.push(
      diagnostic(
        'TEST_CONTRADICTION',
        `test ${q(name)} expects queues ${expect.map(q).join(', ')} and also expect_unroutable; an unroutable message reaches no queue: keep one of them`,
        t.origin.field('expect_unroutable'),
      ),
    );
  }
  return {
    name,
    vhost,
    exchange: t.exchange,
    routing_key,
    ...(t.headers !== undefined ? { headers: t.headers } : {}),
    expect,
    expect_unroutable: t.expect_unroutable === true,
    source: t.origin.at,
  };
}
