/**
 * Definitions exports of one vhost (`GET /api/definitions/{vhost}`, the
 * management UI's per-vhost export). No exchange, queue or binding of such a
 * file names its vhost: the broker imports it into the vhost named in the URL
 * (`POST /api/definitions/{vhost}`), and so does Warren, into the vhost named
 * with `--into-vhost`.
 *
 * Measured on 3.10.8, 4.0.5 and 4.3.6: the export has
 * exchanges, queues, bindings, policies and parameters (vhost limits,
 * operator policies, plugin parameters), never users, permissions or
 * vhosts; 3.10 writes the exported vhost's name on policies and parameters,
 * 4.x on nothing (it adds `rabbitmq_definition_format:
 * "single_virtual_host"`, the vhost's metadata and limits at the top). The
 * import puts every entry into the URL's vhost whatever `vhost` it names,
 * leaves the vhost's metadata as it is, and fails (404) when the vhost does
 * not exist. Warren declares the vhost, as it does a vhost that a full
 * export's resources name without a `vhosts` list (from-definitions.ts).
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import type { FileDecls } from './declarations.js';
import { makeOrigin } from './declarations.js';
import { isRecord, q } from './describe.js';
import type { ParsedSource } from './yaml-source.js';

/** The vhost a single-vhost export is loaded into; `perFile`: named for this file (`FILE=NAME`), not for every file. */
export interface IntoVhost {
  readonly name: string;
  readonly perFile: boolean;
}

/** The sections whose entries belong to a vhost. */
const VHOST_SECTIONS = ['exchanges', 'queues', 'bindings', 'policies', 'parameters', 'permissions', 'topic_permissions'] as const;
/** The sections a single-vhost export never names a vhost in. */
const TOPOLOGY_SECTIONS = ['exchanges', 'queues', 'bindings'] as const;

/**
 * Whether a definitions document is the export of one vhost: 4.x's marker, or
 * no `vhosts` or `users` list (a full export always has both) and no
 * exchange, queue or binding naming its vhost.
 */
export function isSingleVhostExport(doc: unknown): boolean {
  if (!isRecord(doc)) return false;
  if (doc.rabbitmq_definition_format === 'single_virtual_host') return true;
  if (doc.vhosts !== undefined || doc.users !== undefined) return false;
  return TOPOLOGY_SECTIONS.every((section) => entries(doc[section]).every((e) => !isRecord(e) || e.vhost === undefined));
}

/** Whether the document declares anything that belongs to a vhost. */
function hasVhostEntries(doc: unknown): boolean {
  return isRecord(doc) && VHOST_SECTIONS.some((section) => entries(doc[section]).length > 0);
}

/**
 * Before reading a definitions document: a single-vhost export with a vhost
 * to load into becomes the same document with that vhost on every entry (as
 * the broker's import overrides the one 3.10 writes); without one, it is
 * refused when it declares anything, saying how to name the vhost.
 * `into` on any other definitions document, or named for a native spec: a
 * warning (such a file names its own vhosts).
 */
export function intoVhostSource(src: ParsedSource, definitions: boolean, into: IntoVhost | undefined): { src: ParsedSource; diagnostics: Diagnostic[] } {
  if (!definitions || !isSingleVhostExport(src.value)) {
    return { src, diagnostics: into !== undefined && (definitions || into.perFile) ? [unused(src, into)] : [] };
  }
  if (into === undefined) {
    return { src, diagnostics: hasVhostEntries(src.value) ? [withoutVhost(src)] : [] };
  }
  const doc = src.value as Record<string, unknown>;
  const value: Record<string, unknown> = { ...doc };
  for (const section of VHOST_SECTIONS) {
    if (Array.isArray(doc[section])) value[section] = (doc[section] as unknown[]).map((e) => (isRecord(e) ? { ...e, vhost: into.name } : e));
  }
  return { src: { ...src, value }, diagnostics: [] };
}

/** After reading it: the vhost is declared even when the export is empty (the import needs it to exist). */
export function declareIntoVhost(decls: FileDecls, src: ParsedSource, into: IntoVhost | undefined): void {
  if (into === undefined || !isSingleVhostExport(src.value)) return;
  if (decls.vhosts.some((v) => v.name === into.name)) return;
  decls.vhosts.push({ kind: 'vhost', name: into.name, origin: makeOrigin(src, '', 'value'), explicit: false });
}

function withoutVhost(src: ParsedSource): Diagnostic {
  return diagnostic(
    'DEFINITIONS_WITHOUT_VHOST',
    'no exchange, queue or binding of this definitions file names its `vhost`: it is the export of a single vhost (GET /api/definitions/{vhost}), which RabbitMQ imports into the vhost named in the URL; name the vhost to load it into with `--into-vhost NAME` (or `--into-vhost FILE=NAME` for this file only), or export the whole broker (GET /api/definitions or `rabbitmqctl export_definitions`)',
    src.locateNearest(''),
  );
}

function unused(src: ParsedSource, into: IntoVhost): Diagnostic {
  return diagnostic(
    'INTO_VHOST_UNUSED',
    `--into-vhost ${q(into.name)} does not apply to this file: it is not the definitions export of a single vhost (its resources name their vhosts, or it is a native spec), so it is read as written`,
    src.locateNearest(''),
    'warning',
  );
}

function entries(section: unknown): readonly unknown[] {
  return Array.isArray(section) ? section : [];
}
