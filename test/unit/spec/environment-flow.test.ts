import { describe, expect, it } from 'vitest';
import { loadSpecTexts } from '../../../src/spec/index.js';
import { MAX_SYNTAX_ERRORS, condenseSyntaxErrors } from '../../../src/spec/syntax-errors.js';

const flowSpec = `version: 1
vhosts:
  app:
    queues:
      orders:
        arguments: { x-max-length: \${MAX_LEN:-1000}, x-overflow: reject-publish }
        durable: true
      other: { durable: true }
`;

describe('an unquoted reference in a flow map', () => {
  it('is one located error that says to quote it, not a cascade of syntax errors', () => {
    for (const variables of [{ MAX_LEN: '5' }, undefined]) {
      const r = loadSpecTexts([{ file: 'a.yaml', text: flowSpec }], variables ? { variables } : {});
      expect(r.desired).toBeNull();
      expect(r.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([['VARIABLE_UNQUOTED_IN_FLOW', 'a.yaml', 6, 36]]);
      expect(r.diagnostics[0]?.message).toContain('"${MAX_LEN:-1000}"');
      expect(r.diagnostics[0]?.message).toContain('block style');
    }
  });

  it('keeps syntax errors before the flow collection and reports every reference', () => {
    const text = 'a: [\n  ]]\nb: { x: ${X} }\nc: [1, ${Y}]\n';
    const out = condenseSyntaxErrors(text, [
      { message: 'early', offset: 8 },
      { message: 'cascade', offset: 20 },
      { message: 'cascade', offset: 30 },
    ]);
    expect(out.map((e) => [e.code, e.offset])).toEqual([
      ['YAML_SYNTAX', 8],
      ['VARIABLE_UNQUOTED_IN_FLOW', text.indexOf('${X}')],
      ['VARIABLE_UNQUOTED_IN_FLOW', text.indexOf('${Y}')],
    ]);
    expect(out[1]?.message).toContain('the 2 YAML syntax errors this causes are not shown');
  });

  it('ignores references that are quoted, in comments, in block scalars or outside flow collections', () => {
    const text = [
      'a: { x: "${X}", y: \'${Y}\' }',
      'b: ${Z}',
      '# { c: ${C} }',
      'd: |',
      '  { e: ${E} }',
      'f: x{${F}}',
      'g: [oops',
    ].join('\n');
    const out = condenseSyntaxErrors(text, [{ message: 'flow sequence not closed', offset: text.length - 5 }]);
    expect(out.map((e) => e.code)).toEqual(['YAML_SYNTAX']);
  });
});

describe('YAML syntax errors', () => {
  it(`are capped at ${MAX_SYNTAX_ERRORS}, saying how many more there are`, () => {
    const text = `version: 1\nvhosts:\n${Array.from({ length: 20 }, (_, i) => `  q${i}: [ ] ]\n`).join('')}`;
    const r = loadSpecTexts([{ file: 'a.yaml', text }]);
    const syntax = r.diagnostics.filter((d) => d.code === 'YAML_SYNTAX');
    expect(syntax.length).toBe(MAX_SYNTAX_ERRORS);
    expect(syntax.at(-1)?.message).toMatch(/; \d+ more syntax errors after this one are not shown/);
  });

  it('are all shown when there are few', () => {
    const out = condenseSyntaxErrors('a: [\n', [{ message: 'one', offset: 3 }]);
    expect(out).toEqual([{ code: 'YAML_SYNTAX', message: 'one', offset: 3 }]);
  });
});
