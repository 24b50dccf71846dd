/**
 * Progress of a long apply, on stderr (stdout keeps the plan and the result):
 * - on a terminal, one line that updates in place (done/total, rate, ETA) and
 *   is erased when the apply ends;
 * - otherwise (CI logs), one plain line every `intervalMs`, so a short apply
 *   prints none.
 * Never both. Other output during the apply (failures, notes) goes through
 * `print`, which takes the live line out of the way first.
 */

export interface ProgressOptions {
  readonly total: number;
  /** Writes to stderr */
  readonly write: (text: string) => void;
  /** Whether stderr is a terminal */
  readonly tty: boolean;
  /** Clock in ms; `performance.now` by default */
  readonly now?: () => number;
  /** Non-terminal: at most one line per interval. Default 5000 ms. */
  readonly intervalMs?: number;
  /** Terminal: at most one redraw per interval. Default 100 ms. */
  readonly redrawMs?: number;
  /** Terminal width, to keep the line on one row. Default 80. */
  readonly columns?: number;
}

export interface Progress {
  /** One more change finished (applied or failed). */
  step(): void;
  /** Print a whole line elsewhere (e.g. on stdout) without garbling the live line. */
  print(emit: () => void): void;
  /** The apply ended: erase the live line. */
  finish(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? (() => performance.now());
  const interval = opts.tty ? (opts.redrawMs ?? 100) : (opts.intervalMs ?? 5000);
  const started = now();
  let done = 0;
  let lastShown = started;
  let shown = false; // the live line is on the terminal

  const show = (t: number): void => {
    const line = progressLine(done, opts.total, t - started);
    if (opts.tty) {
      opts.write(`${CLEAR_LINE}${line.slice(0, Math.max(10, (opts.columns ?? 80) - 1))}`);
      shown = true;
    } else {
      opts.write(`${line}\n`);
    }
    lastShown = t;
  };
  const erase = (): void => {
    if (shown) opts.write(CLEAR_LINE);
    shown = false;
  };

  return {
    step() {
      done += 1;
      const t = now();
      if (t - lastShown >= interval && done < opts.total) show(t);
    },
    print(emit) {
      erase();
      emit();
      if (opts.tty && done > 0 && done < opts.total) show(now());
    },
    finish() {
      erase();
    },
  };
}

/** `applying: 1,234/20,100 changes (6%), 2,345/s, about 7s left` */
export function progressLine(done: number, total: number, elapsedMs: number): string {
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const parts = [`applying: ${fmt(done)}/${fmt(total)} changes (${pct}%)`];
  if (done > 0 && elapsedMs >= 1000) {
    parts.push(`${fmt(Math.round(rate))}/s`);
    parts.push(`about ${duration((total - done) / rate)} left`);
  }
  return parts.join(', ');
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** 7s, 2m05s, 1h02m */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
