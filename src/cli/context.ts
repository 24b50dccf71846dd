import { formatDiagnostic, WarrenError, type Diagnostic } from '../model/diagnostics.js';
import { redactSecrets } from '../util/redact.js';
import { joinUrls } from '../live/endpoints.js';
import type { TlsOptions } from '../live/tls.js';
import { styleFor, type Style } from '../render/style.js';

export const DEFAULT_MANAGEMENT_URL = 'http://guest:guest@127.0.0.1:15672';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

/** What a command needs from the process, passed in so commands stay testable. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  /** Whether stderr is a terminal (a live progress line); absent means no. */
  readonly stderrIsTTY?: boolean;
  /** The terminal's width in columns, when stderr is one. */
  readonly stderrColumns?: number;
  readonly cwd: string;
  /** Ask a question on the terminal; resolves with the answer. */
  readonly ask: (question: string) => Promise<string>;
}

export interface EndpointOptions {
  readonly managementUrl?: string;
  readonly amqpUrl?: string;
}

export interface Endpoints {
  readonly management: string;
  readonly amqp: string;
  /** CA and client certificate for https:// and amqps://, read once from the files named */
  readonly tls?: TlsOptions | undefined;
}

/**
 * Flags win over environment variables, which win over the local guest broker.
 * Each may be a comma list (the nodes of a cluster, tried in order); it is
 * passed on as one tidy comma list.
 */
export function resolveEndpoints(opts: EndpointOptions, env: NodeJS.ProcessEnv): Endpoints {
  return {
    management: joinUrls([opts.managementUrl ?? (env['WARREN_MANAGEMENT_URL'] || DEFAULT_MANAGEMENT_URL)]),
    amqp: joinUrls([opts.amqpUrl ?? (env['WARREN_AMQP_URL'] || DEFAULT_AMQP_URL)]),
  };
}

/** Colour only on a terminal, never under NO_COLOR or --no-color. */
export function styleOf(opts: { color?: boolean }, io: Io): Style {
  const wanted = opts.color !== false && io.stdoutIsTTY && !('NO_COLOR' in io.env) && io.env['TERM'] !== 'dumb';
  return styleFor(wanted);
}

/** Print diagnostics (errors and warnings) to stderr, secrets removed. */
export function printDiagnostics(io: Io, diags: readonly Diagnostic[], secrets: readonly string[] = []): void {
  for (const d of diags) io.err(`${redactSecrets(formatDiagnostic(d), [...secrets])}\n`);
}

/** Turn anything thrown into diagnostics, never a stack trace. */
export function toDiagnostics(e: unknown): readonly Diagnostic[] {
  if (e instanceof WarrenError) return e.diagnostics;
  const message = e instanceof Error ? e.message : String(e);
  return [{ code: 'INTERNAL_ERROR', severity: 'error', message: `${message} (this is a bug in Warren; please report it)` }];
}
