/**
 * `loadSpec`: read spec files and directories from disk, then load them as
 * one spec. The only file-system reads of the pipeline's pure core.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { decodeSpecBytes } from './decode-utf8.js';
import type { LoadResult, SpecText } from './load-texts.js';
import { loadSpecTexts } from './load-texts.js';
import type { IntoVhost } from './single-vhost.js';

export interface LoadOptions {
  /** Directory that relative paths are resolved against. Default: the process's working directory. */
  readonly cwd?: string;
  /** Values for `${VAR}` references; absent: references stay as written. */
  readonly variables?: Readonly<Record<string, string | undefined>>;
  /** Overlay files (`-f`): deep-merged in order, later over earlier, into one more spec. */
  readonly overlays?: readonly string[];
  /**
   * The vhost to load a definitions export of one vhost into (`--into-vhost`):
   * `all` for every such file, `files` for the files (or the files of the
   * directories) given as `path`, which take precedence.
   */
  readonly intoVhost?: { readonly all?: string; readonly files?: readonly { readonly path: string; readonly vhost: string }[] };
}

/** The file a command reads when it is given none. */
export const DEFAULT_SPEC_FILE = 'topology.yaml';

export const SPEC_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/**
 * Load a spec from files (`.yaml`, `.yml`, `.json`) and directories (every
 * such file inside, recursively, in sorted order; hidden entries and
 * `node_modules` skipped). No paths means `topology.yaml`. Diagnostics name
 * files as given (directory entries as `dir/entry`). Files must be UTF-8
 * (`INVALID_UTF8` at the first bad byte otherwise). Never throws on bad input.
 */
export async function loadSpec(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = options.cwd ?? '.';
  const diagnostics: Diagnostic[] = [];
  const texts: SpecText[] = [];
  const seen = new Set<string>();
  const overlayPaths = options.overlays ?? [];
  const read = async (file: string, into: SpecText[]): Promise<void> => {
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(cwd, file));
    } catch (err) {
      diagnostics.push(diagnostic('FILE_UNREADABLE', `cannot read ${file}: ${reason(err)}`, { file, line: 1, column: 1, path: '' }));
      return;
    }
    const decoded = decodeSpecBytes(bytes, file);
    const intoVhost = intoVhostOf(file, cwd, options.intoVhost);
    if (decoded.ok) into.push({ file, text: stripBom(decoded.text), ...(intoVhost && { intoVhost }) });
    else diagnostics.push(decoded.diagnostic);
  };
  const defaults = overlayPaths.length > 0 ? [] : [DEFAULT_SPEC_FILE];
  for (const given of paths.length > 0 ? paths : defaults) {
    for (const file of await expand(given, cwd, diagnostics)) {
      const absolute = resolve(cwd, file);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      await read(file, texts);
    }
  }
  // Overlays keep their order and may repeat nothing of the plain files: each is read as given.
  const overlays: SpecText[] = [];
  for (const file of overlayPaths) {
    if ((await expand(file, cwd, diagnostics)).length > 0) await read(file, overlays);
  }
  if (diagnostics.length > 0 && texts.length + overlays.length === 0) return { desired: null, diagnostics };
  const result = loadSpecTexts(texts, {
    ...(options.variables ? { variables: options.variables } : {}),
    ...(overlays.length > 0 ? { overlays } : {}),
  });
  if (diagnostics.length === 0) return result;
  return { desired: null, diagnostics: [...diagnostics, ...result.diagnostics] };
}

/** The spec files a path names: itself, or the spec files of a directory. */
async function expand(given: string, cwd: string, diagnostics: Diagnostic[]): Promise<string[]> {
  const absolute = resolve(cwd, given);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(absolute)).isDirectory();
  } catch (err) {
    const missing = isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR');
    diagnostics.push(
      missing
        ? { code: 'FILE_NOT_FOUND', severity: 'error', message: `file not found: ${given}; check the path (relative paths start at ${resolve(cwd)})`, file: given }
        : { code: 'FILE_UNREADABLE', severity: 'error', message: `cannot read ${given}: ${reason(err)}`, file: given },
    );
    return [];
  }
  if (!isDirectory) return [given];
  let entries: string[];
  try {
    entries = await readdir(absolute, { recursive: true });
  } catch (err) {
    diagnostics.push({ code: 'FILE_UNREADABLE', severity: 'error', message: `cannot list directory ${given}: ${reason(err)}`, file: given });
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort()) {
    const parts = entry.split(sep);
    if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) continue;
    if (!SPEC_EXTENSIONS.includes(extname(entry).toLowerCase())) continue;
    try {
      if ((await stat(join(absolute, entry))).isFile()) files.push(join(given, entry));
    } catch {
      // Vanished or a broken symlink between listing and stat: nothing to load.
    }
  }
  if (files.length === 0) {
    diagnostics.push({
      code: 'NO_SPEC_FILES',
      severity: 'error',
      message: `directory ${given} has no spec files (${SPEC_EXTENSIONS.join(', ')}); add one or give the files directly`,
      file: given,
    });
  }
  return files;
}

/** The vhost named for a file: its own (or its directory's; the deepest wins), else the one for all files. */
function intoVhostOf(file: string, cwd: string, into: LoadOptions['intoVhost']): IntoVhost | undefined {
  const absolute = resolve(cwd, file);
  const own = (into?.files ?? [])
    .map((f) => ({ ...f, at: resolve(cwd, f.path) }))
    .filter((f) => absolute === f.at || absolute.startsWith(f.at.endsWith(sep) ? f.at : f.at + sep))
    .sort((a, b) => b.at.length - a.at.length)[0];
  if (own !== undefined) return { name: own.vhost, perFile: true };
  return into?.all === undefined ? undefined : { name: into.all, perFile: false };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
