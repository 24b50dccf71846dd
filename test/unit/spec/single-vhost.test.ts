import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpec, loadSpecTexts, parseSpecText } from '../../../src/spec/index.js';
import { namedKey } from '../../../src/model/keys.js';
import { offlineCli } from '../../helpers/offline-cli.js';
import { only, where } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/definitions/', import.meta.url));
/** Real `GET /api/definitions/vhostfile-src` exports: 3.10 names the vhost on policies and parameters only, 4.3 nowhere. */
const EXPORTS = { '3.10': 'single-vhost-3.10.json', '4.3': 'single-vhost-4.3.json' } as const;
const text = (file: string): string => readFileSync(`${FIXTURES}${file}`, 'utf8');
const load = (file: string, name?: string): ReturnType<typeof loadSpecTexts> =>
  loadSpecTexts([{ file, text: text(file), ...(name !== undefined && { intoVhost: { name, perFile: false } }) }]);

describe('definitions export of a single vhost', () => {
  it.each(Object.entries(EXPORTS))('%s: refused as a whole without a vhost to load it into, saying how to name one', (_version, file) => {
    const { desired, diagnostics } = load(file);
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([{ code: 'DEFINITIONS_WITHOUT_VHOST', severity: 'error', file, line: 1, column: 1, path: '' }]);
    expect(diagnostics[0]?.message).toContain('--into-vhost NAME');
    expect(diagnostics[0]?.message).toContain('--into-vhost FILE=NAME');
  });

  it.each(Object.entries(EXPORTS))('%s: loads everything into the named vhost, whatever vhost an entry names', (_version, file) => {
    const { desired, diagnostics } = load(file, 'other');
    expect(diagnostics).toEqual([]);
    expect(desired?.vhosts).toEqual(['other']);
    const all = [...(desired?.resources.values() ?? [])].map((r) => `${r.kind} ${r.vhost}/${r.name}`).sort();
    expect(all).toEqual([
      'binding other/ex1 -> q1 [a.#]',
      'exchange other/ex1',
      'operator_policy other/op1',
      'parameter other/federation-upstream/up1',
      'policy other/p1',
      'queue other/q1',
      'vhost other/other',
      'vhost_limit other/max-queues',
    ].sort());
    // The vhost is declared (created when missing) without metadata: the import leaves the vhost's own as they are.
    const vhost = [...(desired?.resources.values() ?? [])].find((r) => r.kind === 'vhost');
    expect(vhost).toMatchObject({ name: 'other', unset: ['description', 'tags', 'default_queue_type', 'protected_from_deletion'] });
    expect(desired?.resources.get(namedKey('queue', 'other', 'q1'))).toMatchObject({ type: 'quorum', source: { file, path: '/queues/0' } });
  });

  it('declares the vhost of an empty export; an empty one without a vhost is an empty spec, as before', () => {
    const empty = JSON.stringify({ rabbit_version: '3.10.8', parameters: [], policies: [], queues: [], exchanges: [], bindings: [] });
    expect(loadSpecTexts([{ file: 'e.json', text: empty, intoVhost: { name: 'v', perFile: false } }]).desired?.vhosts).toEqual(['v']);
    const bare = parseSpecText(empty, 'e.json');
    expect(bare.diagnostics).toEqual([]);
    expect(bare.desired?.vhosts).toEqual([]);
  });

  it('a full export keeps its vhosts and warns that --into-vhost does not apply; a native spec warns only when named', () => {
    const full = JSON.stringify({ vhosts: [{ name: 'a' }], users: [], queues: [{ name: 'q', vhost: 'a' }] });
    const r = loadSpecTexts([{ file: 'full.json', text: full, intoVhost: { name: 'x', perFile: false } }]);
    expect(r.desired?.vhosts).toEqual(['a']);
    expect(only(r.diagnostics, 'INTO_VHOST_UNUSED').message).toContain('--into-vhost "x" does not apply to this file');
    const native = 'version: 1\nvhosts:\n  a: {}\n';
    expect(loadSpecTexts([{ file: 'n.yaml', text: native, intoVhost: { name: 'x', perFile: false } }]).diagnostics).toEqual([]);
    expect(only(loadSpecTexts([{ file: 'n.yaml', text: native, intoVhost: { name: 'x', perFile: true } }]).diagnostics, 'INTO_VHOST_UNUSED').severity).toBe('warning');
  });

  it('a file with some resources naming their vhost is not a single-vhost export: each missing vhost is reported', () => {
    const doc = JSON.stringify({ queues: [{ name: 'a', vhost: 'v' }, { name: 'b' }] });
    const { diagnostics } = loadSpecTexts([{ file: 'm.json', text: doc, intoVhost: { name: 'x', perFile: false } }]);
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['INTO_VHOST_UNUSED', 'SCHEMA_REQUIRED']);
  });

  it('loadSpec: FILE=VHOST entries (a file, or a directory) take precedence over the vhost for all files', async () => {
    const into = { all: 'all', files: [{ path: EXPORTS['4.3'], vhost: 'mine' }] };
    const { desired, diagnostics } = await loadSpec([EXPORTS['3.10'], EXPORTS['4.3']], { cwd: FIXTURES, intoVhost: into });
    expect(diagnostics).toEqual([]);
    expect([...(desired?.vhosts ?? [])].sort()).toEqual(['all', 'mine']);
    const dir = await loadSpec([`${FIXTURES}${EXPORTS['4.3']}`], { cwd: '/', intoVhost: { files: [{ path: FIXTURES, vhost: 'd' }] } });
    expect(dir.desired?.vhosts).toEqual(['d']);
  });
});

describe('--into-vhost on the command line', () => {
  const cli = (...args: string[]): ReturnType<typeof offlineCli> => offlineCli(FIXTURES, ...args);

  it('validate loads a single-vhost export into the named vhost; without it, says how to name one', async () => {
    const ok = await cli('validate', EXPORTS['3.10'], '--into-vhost', 'other');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('valid: 1 vhost, 1 exchange, 1 queue, 1 binding, 1 policy');
    const refused = await cli('validate', EXPORTS['4.3']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('DEFINITIONS_WITHOUT_VHOST');
    expect(refused.err).toContain('--into-vhost NAME');
  });

  it('FILE=VHOST names the vhost of one file; a value whose FILE part is no file given is a vhost name', async () => {
    const r = await cli('graph', EXPORTS['3.10'], EXPORTS['4.3'], '--into-vhost', `${EXPORTS['3.10']}=a`, '--into-vhost', 'b=c');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('subgraph v1["vhost a"]');
    expect(r.out).toContain('subgraph v2["vhost b=c"]');
  });

  it('convert takes --into-vhost (NAME or FILE=NAME) both ways; without it, says how to name the vhost', async () => {
    const native = await cli('convert', EXPORTS['3.10'], '--into-vhost', 'other');
    expect(native.code, native.err).toBe(0);
    expect(native.out).toContain('vhosts:\n  other:\n');
    expect(native.out).toContain('federation_upstreams:');
    const defs = await cli('convert', EXPORTS['4.3'], '--to', 'definitions', '--into-vhost', `${EXPORTS['4.3']}=x`);
    expect(defs.code, defs.err).toBe(0);
    expect((JSON.parse(defs.out) as { vhosts: unknown }).vhosts).toEqual([{ name: 'x' }]);
    const refused = await cli('convert', EXPORTS['4.3']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--into-vhost NAME');
  });

  it('refuses two vhosts for every file, and an empty name', async () => {
    const two = await cli('lint', EXPORTS['4.3'], '--into-vhost', 'a', '--into-vhost', 'b');
    expect(two.code).toBe(1);
    expect(two.err).toContain('INVALID_INTO_VHOST');
    expect(two.err).toContain('one per file with FILE=VHOST');
    const empty = await cli('validate', EXPORTS['4.3'], '--into-vhost', `${EXPORTS['4.3']}=`);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('--into-vhost needs a vhost name');
  });
});
