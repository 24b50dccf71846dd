/**
 * The pure core of spec loading: texts in, a Desired topology and diagnostics
 * out. No file system: `load-files.ts` reads the files and calls this.
 */
import type { Desired, Resource } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic, hasErrors } from '../model/diagnostics.js';
import { resourceKey } from '../model/keys.js';
import type { FileDecls, SpecModel } from './declarations.js';
import { parseSource } from './yaml-source.js';
import { jsonSyntaxSource, parseJsonSource } from './json-source.js';
import { looksLikeJson } from './json-syntax.js';
import type { ParsedSource } from './yaml-source.js';
import { detectFormat } from './detect-format.js';
import { checkSchema } from './schema-check.js';
import type { SpecFormat } from './schema-check.js';
import { fromNative } from './from-native.js';
import { fromDefinitions, ignoredKinds } from './from-definitions.js';
import { mergeDecls } from './merge.js';
import { validateSpec } from './validate.js';
import { resolveSecrets } from './resolve-secrets.js';
import { attachExtras } from './spec-extras.js';
import { overlaySources, substituteVariables } from './environment.js';
import { PLAIN_TEXT_PASSWORD } from './user-password.js';
import type { LintLevel } from '../model/spec-extras.js';
import { declareIntoVhost, intoVhostSource, type IntoVhost } from './single-vhost.js';

export interface SpecText {
  /** The name diagnostics use for this text, usually its path. */
  readonly file: string;
  readonly text: string;
  /** For a definitions export of one vhost: the vhost to load it into (`--into-vhost`). */
  readonly intoVhost?: IntoVhost;
}

export interface LoadResult {
  /** Null when any diagnostic is an error. */
  readonly desired: Desired | null;
  /** Errors and warnings, in file order, then by line and column. */
  readonly diagnostics: Diagnostic[];
}

/** One file's outcome: its declarations, or undefined when it could not be read as a spec. */
interface FileOutcome {
  readonly decls: FileDecls | undefined;
  readonly diagnostics: Diagnostic[];
}

/**
 * Load a spec made of several texts (YAML or JSON, native or definitions
 * export, detected per text). Never throws on bad input.
 */
export interface LoadTextsOptions {
  /** Values for `${VAR}` references (the environment plus `--var`); absent: references stay as written. */
  readonly variables?: Readonly<Record<string, string | undefined>>;
  /** Overlay files, merged in order (later over earlier) into one more spec text. */
  readonly overlays?: readonly SpecText[];
}

export function loadSpecTexts(texts: readonly SpecText[], options: LoadTextsOptions = {}): LoadResult {
  const overlays = options.overlays ?? [];
  if (texts.length === 0 && overlays.length === 0) {
    return { desired: null, diagnostics: [diagnostic('NO_SPEC_FILES', 'no spec files to load; give a topology file or a directory of them')] };
  }
  const diagnostics: Diagnostic[] = [];
  const files: FileDecls[] = [];
  let unreadable = false;
  const outcomes = texts.map((t) => loadOne(t, options));
  if (overlays.length > 0) outcomes.push(loadOverlay(overlays, options));
  for (const outcome of outcomes) {
    diagnostics.push(...outcome.diagnostics);
    if (outcome.decls) files.push(outcome.decls);
    else unreadable = true;
  }
  // With a file missing from the merge, its resources would show up as dangling references.
  if (!unreadable) {
    const merged = mergeDecls(files);
    diagnostics.push(...merged.diagnostics, ...validateSpec(merged.model));
    const extras = attachExtras(withSecrets(toDesired(merged.model), options, diagnostics), merged.model, files);
    diagnostics.push(...extras.diagnostics);
    const leveled = withLintLevel(diagnostics, PLAIN_TEXT_PASSWORD, extras.desired.lint?.rules.get(PLAIN_TEXT_PASSWORD)?.level);
    if (!hasErrors(leveled)) return { desired: extras.desired, diagnostics: sortDiagnostics(leveled, [...texts, ...overlays]) };
    return { desired: null, diagnostics: sortDiagnostics(leveled, [...texts, ...overlays]) };
  }
  return { desired: null, diagnostics: sortDiagnostics(diagnostics, [...texts, ...overlays]) };
}

/**
 * The loader's warnings of a code that is also a lint rule follow the level
 * the spec's `lint:` gives that rule: `off` drops them, `error` makes them
 * errors.
 */
function withLintLevel(diagnostics: readonly Diagnostic[], code: string, level: LintLevel | undefined): Diagnostic[] {
  if (level === undefined || level === 'warning' || level === 'note') return [...diagnostics];
  if (level === 'off') return diagnostics.filter((d) => d.code !== code);
  return diagnostics.map((d) => (d.code === code ? { ...d, severity: 'error' } : d));
}

/** `{ env: NAME }` secrets resolved from the variables, when the spec is loaded with them. */
function withSecrets(desired: Desired, options: LoadTextsOptions, diagnostics: Diagnostic[]): Desired {
  if (!options.variables) return desired;
  const resolved = resolveSecrets(desired.resources, options.variables);
  diagnostics.push(...resolved.diagnostics);
  return { ...desired, resources: resolved.resources };
}

/** A single text as a whole spec (convenient for tests and editors). */
export function parseSpecText(text: string, file: string): LoadResult {
  return loadSpecTexts([{ file, text }]);
}

function loadOne(text: SpecText, options: LoadTextsOptions): FileOutcome {
  return fromSource(parseText(text, options), text.intoVhost);
}

function parseText({ file, text }: SpecText, options: LoadTextsOptions): ParsedSource {
  const src = parseAny(text, file);
  return options.variables && !hasErrors(src.diagnostics) ? substituteVariables(src, options.variables) : src;
}

/**
 * JSON (a `.json` file, or a text that starts like JSON) is read as JSON, and
 * a syntax error in it is JSON's (`JSON_SYNTAX`, at the real break), not what
 * the YAML parser makes of it. Only a text that merely looks like JSON, in a
 * YAML file, may still be YAML (e.g. with a trailing comma, which YAML allows).
 */
function parseAny(text: string, file: string): ParsedSource {
  const jsonFile = file.toLowerCase().endsWith('.json');
  if (!jsonFile && !looksLikeJson(text)) return parseSource(text, file);
  const parsed = parseJsonSource(text, file);
  if (parsed) return parsed;
  // Undefined: JSON after all, nested too deep for the fast path's scan; the YAML parser locates it.
  const broken = jsonSyntaxSource(text, file);
  if (!broken) return parseSource(text, file);
  if (jsonFile) return broken;
  const yaml = parseSource(text, file);
  return hasErrors(yaml.diagnostics) ? broken : yaml;
}

/** Overlay files (later over earlier) make one more spec text, merged before validation. */
function loadOverlay(overlays: readonly SpecText[], options: LoadTextsOptions): FileOutcome {
  const sources = overlays.map((t) => parseText(t, options));
  const broken = sources.flatMap((s) => s.diagnostics);
  if (hasErrors(broken)) return { decls: undefined, diagnostics: broken };
  return fromSource(overlaySources(sources), overlays.findLast((t) => t.intoVhost !== undefined)?.intoVhost);
}

function fromSource(parsed: ParsedSource, intoVhost: IntoVhost | undefined): FileOutcome {
  let src = parsed;
  const diagnostics = [...src.diagnostics];
  if (hasErrors(diagnostics)) return { decls: undefined, diagnostics };
  const detected = detectFormat(src.value);
  if (detected.format === 'unknown') {
    diagnostics.push(diagnostic('UNKNOWN_FORMAT', detected.reason, src.locateNearest('')));
    return { decls: undefined, diagnostics };
  }
  if (detected.format === 'definitions') diagnostics.push(...ignoredKinds(src));
  const schemaDiagnostics = checkSchema(src, detected.format);
  diagnostics.push(...schemaDiagnostics);
  if (hasErrors(schemaDiagnostics)) return { decls: undefined, diagnostics };
  const into = intoVhostSource(src, detected.format === 'definitions', intoVhost);
  diagnostics.push(...into.diagnostics);
  if (hasErrors(into.diagnostics)) return { decls: undefined, diagnostics };
  src = into.src;
  const read = toDecls(src, detected.format);
  if (detected.format === 'definitions') declareIntoVhost(read.decls, src, intoVhost);
  diagnostics.push(...read.diagnostics);
  return { decls: read.decls, diagnostics };
}

function toDecls(src: ParsedSource, format: SpecFormat): ReturnType<typeof fromNative> {
  switch (format) {
    case 'native':
      return fromNative(src);
    case 'definitions':
      return fromDefinitions(src);
    default: {
      const never: never = format;
      return never;
    }
  }
}

function toDesired(model: SpecModel): Desired {
  const resources = new Map<string, Resource>();
  const add = (r: Resource): void => {
    resources.set(resourceKey(r), r);
  };
  for (const { resource } of model.vhosts.values()) add(resource);
  for (const { resource } of model.exchanges) add(resource);
  for (const { resource } of model.queues) add(resource);
  for (const { resource } of model.bindings) add(resource);
  for (const { resource } of model.others) add(resource);
  return { vhosts: [...model.vhosts.keys()], resources, globalKinds: [...model.globalKinds] };
}

function sortDiagnostics(diagnostics: readonly Diagnostic[], texts: readonly SpecText[]): Diagnostic[] {
  const order = new Map(texts.map((t, i) => [t.file, i]));
  const rank = (d: Diagnostic): number => (d.file === undefined ? -1 : (order.get(d.file) ?? texts.length));
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || (a.d.line ?? 0) - (b.d.line ?? 0) || (a.d.column ?? 0) - (b.d.column ?? 0) || a.i - b.i)
    .map(({ d }) => d);
}
