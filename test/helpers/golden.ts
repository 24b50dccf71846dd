/**
 * Golden files: compared exactly; rewritten only when `UPDATE_GOLDEN=1`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { expect } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..');

export function updatingGolden(): boolean {
  return process.env['UPDATE_GOLDEN'] === '1';
}

/** @param path the golden file, absolute or relative to the repository root */
export function expectGolden(path: string, actual: string): void {
  const file = resolve(repoRoot, path);
  if (updatingGolden()) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  const name = relative(repoRoot, file);
  if (!existsSync(file)) throw new Error(`golden file ${name} does not exist; run the test with UPDATE_GOLDEN=1 to create it`);
  expect(actual, `${name} differs (run with UPDATE_GOLDEN=1 to accept the new output)`).toBe(readFileSync(file, 'utf8'));
}
