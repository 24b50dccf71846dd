/**
 * `warren convert`: a spec text in one format → the other, through the
 * loader, so that the output means exactly what the input meant (defaults
 * applied, queue types resolved). Pure: texts in, text and diagnostics out.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { parseSpecText } from '../spec/index.js';
import { renderDefinitions } from './definitions.js';
import { exportNative, type ExportNativeOptions } from './native.js';

export interface ConvertResult {
  /** Null when the input has errors (see diagnostics). */
  readonly output: string | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** A definitions export (JSON or YAML) → native spec YAML. Also accepts a native spec (normalizes it). */
export function definitionsToNative(text: string, file = 'definitions.json', options: Pick<ExportNativeOptions, 'schema'> = {}): ConvertResult {
  const loaded = parseSpecText(text, file);
  if (!loaded.desired) return { output: null, diagnostics: loaded.diagnostics };
  const { vhosts, resources } = loaded.desired;
  return { output: exportNative(resources, { vhosts, origin: `Converted from ${file} by warren convert.`, ...options }), diagnostics: loaded.diagnostics };
}

/** A native spec → definitions JSON. Also accepts a definitions export (normalizes it). */
export function nativeToDefinitions(text: string, file = 'topology.yaml'): ConvertResult {
  const loaded = parseSpecText(text, file);
  if (!loaded.desired) return { output: null, diagnostics: loaded.diagnostics };
  return { output: renderDefinitions(loaded.desired.resources, { vhosts: loaded.desired.vhosts }), diagnostics: loaded.diagnostics };
}
