import { describe, expect, it } from 'vitest';
import { createProgress, duration, progressLine } from '../../../src/cli/progress.js';

function harness(tty: boolean, total: number) {
  let t = 0;
  const writes: string[] = [];
  const progress = createProgress({ total, tty, write: (s) => void writes.push(s), now: () => t, intervalMs: 5000, redrawMs: 100, columns: 60 });
  return { progress, writes, advance: (ms: number) => void (t += ms) };
}

describe('apply progress', () => {
  it('says done/total, rate and time left', () => {
    expect(progressLine(0, 20_100, 0)).toBe('applying: 0/20,100 changes (0%)');
    expect(progressLine(5_000, 20_100, 2_000)).toBe('applying: 5,000/20,100 changes (24%), 2,500/s, about 7s left');
    expect(duration(125)).toBe('2m05s');
    expect(duration(3_720)).toBe('1h02m');
  });

  it('off a terminal: one plain line every interval, nothing for a short apply', () => {
    const short = harness(false, 10);
    for (let i = 0; i < 10; i++) {
      short.advance(100);
      short.progress.step();
    }
    short.progress.finish();
    expect(short.writes).toEqual([]);

    const long = harness(false, 1000);
    for (let i = 0; i < 1000; i++) {
      long.advance(20); // 20 s in all: a line at 5, 10 and 15 s
      long.progress.step();
    }
    long.progress.finish();
    expect(long.writes).toHaveLength(3);
    for (const w of long.writes) {
      expect(w).toMatch(/^applying: [\d,]+\/1,000 changes \(\d+%\), 50\/s, about \d+s left\n$/);
      expect(w).not.toContain('\r');
    }
  });

  it('on a terminal: one line redrawn in place, erased at the end, never a newline', () => {
    const h = harness(true, 1000);
    for (let i = 0; i < 1000; i++) {
      h.advance(10);
      h.progress.step();
    }
    h.progress.finish();
    expect(h.writes.length).toBeGreaterThan(50);
    expect(h.writes.join('')).not.toContain('\n');
    expect(h.writes.every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(h.writes.at(-1)).toBe('\r\x1b[2K');
    expect(Math.max(...h.writes.map((w) => w.length - 5))).toBeLessThan(60);
  });

  it('takes the live line out of the way of other output, then redraws it', () => {
    const h = harness(true, 100);
    h.advance(200);
    h.progress.step();
    const order: string[] = [];
    h.progress.print(() => order.push(`printed after ${h.writes.length} writes`));
    expect(h.writes[1]).toBe('\r\x1b[2K');
    expect(order).toEqual(['printed after 2 writes']);
    expect(h.writes[2]?.startsWith('\r\x1b[2Kapplying: 1/100')).toBe(true);
  });
});
