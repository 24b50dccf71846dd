/**
 * `warren convert`: a spec text in one format → the other, through the
 * loader, so that the output means exactly what the input meant (defaults
 * applied, queue types resolved), and converting back adds nothing: fields
 * the input leaves out stay out. Pure: texts in, text, the resources left
 * out (for standard error: the output stays a clean spec) and diagnostics out.
 */
import { parse } from 'yaml';
import type { Diagnostic } from '../model/diagnostics.js';
import { IMPLICIT_GLOBAL_PARAMETERS } from '../model/implicit.js';
import { loadSpecTexts } from '../spec/index.js';
import { renderDefinitions } from './definitions.js';
import { bySkipped, type SkippedResource } from './native-globals.js';
import { renderNative, type ExportNativeOptions } from './native.js';

export interface ConvertResult {
  /** Null when the input has errors (see diagnostics). */
  readonly output: string | null;
  /** What the output leaves out, and why, sorted. */
  readonly skipped: readonly SkippedResource[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface ConvertOptions extends Pick<ExportNativeOptions, 'schema'> {
  /** Keep password hashes (the output goes to a file the user named). Default: left out, and listed in `skipped`. */
  readonly secrets?: boolean;
  /** The vhost to load a definitions export of one vhost into (`--into-vhost`). */
  readonly intoVhost?: string;
}

/** A definitions export (JSON or YAML) → native spec YAML. Also accepts a native spec (normalizes it). */
export function definitionsToNative(text: string, file = 'definitions.json', options: ConvertOptions = {}): ConvertResult {
  const loaded = load(text, file, options);
  if (!loaded.desired) return { output: null, skipped: [], diagnostics: loaded.diagnostics };
  const { vhosts, resources, globalKinds } = loaded.desired;
  const { text: output, skipped } = renderNative(resources, {
    vhosts,
    origin: `Converted from ${file} by warren convert.`,
    fromSpec: true,
    globals: { kinds: globalKinds ?? [], secrets: options.secrets === true },
    commentSkipped: false,
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
  });
  return { output, skipped: [...skipped, ...brokerGlobals(text)].sort(bySkipped), diagnostics: loaded.diagnostics };
}

/** A native spec → definitions JSON. Also accepts a definitions export (normalizes it). */
export function nativeToDefinitions(text: string, file = 'topology.yaml', options: ConvertOptions = {}): ConvertResult {
  const loaded = load(text, file, options);
  if (!loaded.desired) return { output: null, skipped: [], diagnostics: loaded.diagnostics };
  const skipped: SkippedResource[] = [];
  const output = renderDefinitions(loaded.desired.resources, {
    vhosts: loaded.desired.vhosts,
    fromSpec: true,
    globals: { kinds: loaded.desired.globalKinds ?? [], secrets: options.secrets === true },
    skipped,
  });
  return { output, skipped: [...skipped, ...brokerGlobals(text)].sort(bySkipped), diagnostics: loaded.diagnostics };
}

function load(text: string, file: string, options: ConvertOptions): ReturnType<typeof loadSpecTexts> {
  return loadSpecTexts([{ file, text, ...(options.intoVhost !== undefined && { intoVhost: { name: options.intoVhost, perFile: true } }) }]);
}

/**
 * The global parameters the broker sets itself (`cluster_name`,
 * `internal_cluster_id`), which the loader leaves out of a definitions file:
 * every export carries the exporting broker's own, which are no desired state.
 */
function brokerGlobals(text: string): SkippedResource[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  const list = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['global_parameters'] : undefined;
  // A definitions list; a native spec's `global_parameters:` map declares what it names.
  if (!Array.isArray(list)) return [];
  const names = list.flatMap((p) => (typeof p === 'object' && p !== null && typeof (p as Record<string, unknown>)['name'] === 'string' ? [(p as Record<string, string>)['name'] as string] : []));
  return names
    .filter((n) => IMPLICIT_GLOBAL_PARAMETERS.has(n))
    .map((name) => ({ kind: 'global_parameter', vhost: '', name, reason: 'set by the broker itself; Warren never manages it' }));
}

/** One line of standard error per resource left out: kind, name, where, why. */
export function describeSkipped(s: SkippedResource): string {
  const where = s.kind === 'vhost' || s.vhost === '' ? '' : ` in vhost ${JSON.stringify(s.vhost)}`;
  return `skipped ${s.kind.replace(/_/g, ' ')} ${JSON.stringify(s.name)}${where}: ${s.reason}`;
}
