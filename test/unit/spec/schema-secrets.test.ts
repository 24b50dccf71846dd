import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../../src/spec/index.js';
import { yaml } from './helpers.js';

// Dogfood: `"password": 12345` in a definitions file was refused with "got the number 12345;
// write it in quotes: \"12345\"", repeating the password in the error.
describe('schema errors of secret fields', () => {
  it('say what the field holds, never its value', () => {
    const defs = parseSpecText(JSON.stringify({ rabbit_version: '4.3.6', users: [{ name: 'u', password: 12345, tags: [] }], vhosts: [{ name: 'v' }] }), 'd.json');
    const native = parseSpecText(yaml('version: 1', 'users:', '  u: { password: 98765, password_hash: 4321 }', 'vhosts: { v: {} }'), 't.yaml');
    const all = [...defs.diagnostics, ...native.diagnostics];
    expect(all.filter((d) => d.code === 'SCHEMA_TYPE').map((d) => d.path)).toEqual(['/users/0/password', '/users/u/password', '/users/u/password_hash']);
    for (const d of all) expect(d.message).not.toMatch(/12345|98765|4321/);
    expect(defs.diagnostics[0]?.message).toContain('got a number (its value is not shown: the field holds a secret); write it in quotes');
  });

  it('keep showing the value of other fields', () => {
    const { diagnostics } = parseSpecText(yaml('version: 1', 'vhosts:', '  v:', '    queues: { q: { durable: "yes" } }'), 't.yaml');
    expect(diagnostics[0]?.message).toContain('write true without quotes');
  });
});
