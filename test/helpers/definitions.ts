/**
 * Definitions fixtures (test/fixtures/definitions/) for integration tests,
 * with their vhost and user names made unique per run; the vhosts and users
 * are deleted after the file's tests.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { freshVhosts, mgmt, type VhostMaker } from './broker.js';
import { specFile } from './cli.js';

export const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'definitions');

export interface RenamedFixture {
  readonly path: string;
  readonly text: string;
  readonly renamed: Record<string, string>;
}

/**
 * A loader of fixtures: each of `names` (written quoted in the file) is
 * renamed to a unique name; names ending in `-vhost` are vhosts, the others users.
 */
export function definitionsFixtures(): {
  fixture: (file: string, names: readonly string[]) => RenamedFixture;
  vhost: VhostMaker;
  /** Deletes the user after the file's tests too. */
  adoptUser: (name: string) => void;
} {
  const vhost = freshVhosts();
  const users: string[] = [];
  afterAll(async () => {
    for (const u of users) await mgmt('DELETE', `/api/users/${encodeURIComponent(u)}`);
  });
  const fixture = (file: string, names: readonly string[]): RenamedFixture => {
    let text = readFileSync(join(FIXTURES, file), 'utf8');
    const renamed: Record<string, string> = {};
    const suffix = randomBytes(3).toString('hex');
    for (const name of names) {
      const unique = `${name}-${suffix}`;
      renamed[name] = unique;
      text = text.split(`"${name}"`).join(`"${unique}"`);
      if (name.endsWith('-vhost')) vhost.adopt(unique);
      else users.push(unique);
    }
    return { path: specFile(text, file), text, renamed };
  };
  return { fixture, vhost, adoptUser: (name) => void users.push(name) };
}
