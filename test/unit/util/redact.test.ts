import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl, urlPassword } from '../../../src/util/redact.js';
import { revealForRequest, Sensitive } from '../../../src/util/sensitive.js';

describe('redactUrl', () => {
  it('masks the password and keeps user, host, port and vhost', () => {
    expect(redactUrl('amqp://app:s3cret@rabbit.example:5672/%2F')).toBe('amqp://app:****@rabbit.example:5672/%2F');
    expect(redactUrl('http://guest:guest@127.0.0.1:15680')).toBe('http://guest:****@127.0.0.1:15680');
  });

  it('handles encoded and awkward passwords', () => {
    expect(redactUrl('amqps://u:p%40ss%2Fw@h/vh?heartbeat=5')).toBe('amqps://u:****@h/vh?heartbeat=5');
    expect(redactUrl('amqp://u:p@ss@h:1/v')).toBe('amqp://u:****@h:1/v');
  });

  it('masks the password of a URL that does not parse (a missing colon, a / in the password)', () => {
    expect(redactUrl('http//u:s3cret@host')).toBe('http//u:****@host');
    expect(redactUrl('amqp//u:a:b@host/v')).toBe('amqp//u:****@host/v');
    expect(redactUrl('http://u:pa/ss@host:1')).toBe('http://u:****@host:1');
    expect(redactUrl('amqp:u:pw@h')).toBe('amqp:****@h');
  });

  it('leaves URLs without a password alone', () => {
    expect(redactUrl('amqp://localhost')).toBe('amqp://localhost');
    expect(redactUrl('amqp://user@localhost/v')).toBe('amqp://user@localhost/v');
    expect(redactUrl('http://h/a@b')).toBe('http://h/a@b');
  });
});

describe('redactSecrets', () => {
  it('masks passwords of every URL inside a text', () => {
    const text = 'cannot reach http://admin:hunter2@h:15672/api (and amqp://x:y@z/%2F) "http://q:w@e"';
    expect(redactSecrets(text)).toBe('cannot reach http://admin:****@h:15672/api (and amqp://x:****@z/%2F) "http://q:****@e"');
  });

  it('masks given secrets, raw and percent-encoded, and ignores empty ones', () => {
    expect(redactSecrets('pw is p@ss/1, encoded p%40ss%2F1', ['p@ss/1', ''])).toBe('pw is ****, encoded ****');
  });

  it('extracts the decoded password of a URL', () => {
    expect(urlPassword('amqp://u:p%40ss@h')).toBe('p@ss');
    expect(urlPassword('amqp://u@h')).toBeUndefined();
    expect(urlPassword('not a url')).toBeUndefined();
  });
});

describe('secrets a request carried, in the broker\'s answer', () => {
  it('are masked in every form an answer quotes them: raw, JSON- and Erlang-escaped, as bytes', () => {
    const secret = 'pa"ss\\wörd';
    const json = JSON.stringify({ error: 'bad_request', reason: `{not_base64,<<"${secret.replace(/["\\]/g, (c) => `\\${c}`)}">>}` });
    expect(redactSecrets(json, [secret])).not.toMatch(/pa|wörd|w\\u00f6rd/);
    expect(redactSecrets(`[112,97,34,115,115,92,119,195,182,114,100]`, [secret])).toBe('[****]');
    expect(redactSecrets('["not_base64","rabbitmq_secret_2025"]', ['rabbitmq_secret_2025'])).toBe('["not_base64","****"]');
  });

  it('come from the Sensitive values of a request body, revealed only for sending', () => {
    const body = { tags: 'x', password_hash: new Sensitive('h4sh'), value: { 'src-uri': Sensitive.uri('amqp://u:pw1@h'), n: [new Sensitive('s2')] } };
    const { body: sent, secrets } = revealForRequest(body);
    expect(sent).toEqual({ tags: 'x', password_hash: 'h4sh', value: { 'src-uri': 'amqp://u:pw1@h', n: ['s2'] } });
    expect(secrets).toEqual(['h4sh', 'amqp://u:pw1@h', 'pw1', 's2']);
  });
});
