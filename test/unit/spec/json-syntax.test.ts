import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../../src/spec/index.js';
import { findJsonSyntaxError, looksLikeJson } from '../../../src/spec/json-syntax.js';
import { where } from './helpers.js';

const at = (text: string, file = 'defs.json'): { code: string; line?: number; column?: number; message?: string }[] =>
  parseSpecText(text, file).diagnostics.map((d) => ({ ...where(d), message: d.message }));

describe('a JSON spec that is not JSON', () => {
  it('is located at the real break, with JSON wording, whatever breaks it', () => {
    const cases: [string, number, number, string][] = [
      ['{\n{', 2, 1, 'expected a property name in double quotes, found `{`'],
      ['{\n  "vhosts": [\n    {"name": "a"},\n  ]\n}', 4, 3, 'trailing comma'],
      ['{\n  "rabbit_version": "3.9.0",\n}', 3, 1, 'trailing comma'],
      ['{\n  "vhosts": [{"name": "a"}]\n  "queues": []\n}', 3, 3, 'a comma is missing between two entries'],
      ['{\n  "vhosts": [{"name": "a"} {"name": "b"}]\n}', 2, 28, 'a comma is missing between two items'],
      ['{\n  "vhosts": [{"name": "a\n}', 2, 25, 'the string that starts at 2:23 is not closed'],
      ['{\n  "vhosts": [{"name": "a"}],\n  "queues": [{"name": "q"', 3, 26, 'the file ends inside the object that starts at 3:14'],
      ['{"vhosts": [', 1, 13, 'the file ends inside the list that starts at 1:12'],
    ];
    for (const [text, line, column, words] of cases) {
      const [d, ...rest] = at(text);
      expect(rest, text).toEqual([]);
      expect(d, text).toMatchObject({ code: 'JSON_SYNTAX', file: 'defs.json', line, column });
      expect(d?.message, text).toContain(words);
    }
  });

  it('agrees with JSON.parse on where the text stops being JSON', () => {
    for (const text of ['{"a": 1,}', '{"a" 1}', '[1, 2,]', '{"a": [1 2]}', '{"a": "b\nc"}', '{"a": 01}', '{"a": tru}', '{} {}', "{'a': 1}", '{"a": "\\x"}']) {
      let position = -1;
      try {
        JSON.parse(text);
      } catch (e) {
        position = Number(/at position (\d+)/.exec((e as Error).message)?.[1] ?? -1);
      }
      const found = findJsonSyntaxError(text, String);
      expect(found, text).toBeDefined();
      if (position >= 0) expect(found?.offset, text).toBe(position);
    }
    expect(findJsonSyntaxError('{"a": [1, {"b": null}], "c": -1.5e3}', String)).toBeUndefined();
  });

  it('never quotes the text of a string in the message', () => {
    const [d] = at('{"users": [{"name": "app", "password_hash": "rabbitmq_secret_2025\n}]}');
    expect(d?.code).toBe('JSON_SYNTAX');
    expect(d?.message).not.toContain('rabbitmq_secret');
    const [e] = at('{"users": [{"password": rabbitmq_secret_2025}]}');
    expect(e?.message).toContain('an unquoted word');
    expect(e?.message).not.toContain('rabbitmq_secret');
  });

  it('is JSON by its content too, while YAML that merely starts like JSON stays YAML', () => {
    expect(looksLikeJson('{\n  "rabbit_version": "3.9"')).toBe(true);
    expect(looksLikeJson('{ version: 1 }')).toBe(false);
    expect(looksLikeJson('version: 1')).toBe(false);
    expect(at('{\n{', 'defs.yaml')).toMatchObject([{ code: 'JSON_SYNTAX', line: 2, column: 1 }]);
    // YAML allows a trailing comma in a flow map: the file is read as YAML.
    expect(parseSpecText('{"version": 1, "vhosts": {"v": {},},}', 'spec.yaml').diagnostics).toEqual([]);
  });
});
