/**
 * Endpoint lists: how a comma list splits, and target config lists. (Named
 * fuzz-* because it ends with a property over arbitrary strings.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, targetEndpoints } from '../../src/config/targets.js';
import { FAILOVER_CONNECT_TIMEOUT_MS, joinUrls, noAnswerWithin, splitUrls, unreachableWarnings } from '../../src/live/endpoints.js';
import { resolveEndpoints } from '../../src/cli/context.js';

describe('endpoint lists', () => {
  it('splits a comma list only where a new URL starts', () => {
    expect(splitUrls('http://a:1, http://b:2 ,http://c:3')).toEqual(['http://a:1', 'http://b:2', 'http://c:3']);
    // a comma inside a password or a query belongs to its URL
    expect(splitUrls('amqp://u:p,w@h1:5672?x=1,2,amqp://u:p,w@h2:5672')).toEqual(['amqp://u:p,w@h1:5672?x=1,2', 'amqp://u:p,w@h2:5672']);
    expect(splitUrls('')).toEqual([]);
    expect(joinUrls(['http://a', 'http://b,http://c'])).toBe('http://a,http://b,http://c');
  });

  it('takes comma lists from flags and the environment; flags win', () => {
    const env = { WARREN_MANAGEMENT_URL: 'http://x:1,http://y:2', WARREN_AMQP_URL: 'amqp://x:1, amqp://y:2' };
    expect(resolveEndpoints({}, env)).toEqual({ management: 'http://x:1,http://y:2', amqp: 'amqp://x:1,amqp://y:2' });
    expect(resolveEndpoints({ managementUrl: 'http://z:3,http://w:4' }, env).management).toBe('http://z:3,http://w:4');
  });

  it('says which endpoint did not answer, once, without the password', () => {
    const w = unreachableWarnings([
      { api: 'amqp', url: 'amqp://ops:****@h1:5672/v', reason: 'connection refused' },
      { api: 'amqp', url: 'amqp://ops:****@h1:5672/v', reason: 'connection refused' },
      { api: 'management', url: 'http://ops:s3cret@h1:15672', reason: 'connect timed out' },
    ]);
    expect(w.map((d) => [d.code, d.severity])).toEqual([
      ['ENDPOINT_UNREACHABLE', 'warning'],
      ['ENDPOINT_UNREACHABLE', 'warning'],
    ]);
    expect(w[1]?.message).toContain('http://ops:****@h1:15672');
    expect(w.map((d) => d.message).join()).not.toContain('s3cret');
    // an endpoint that accepted the connection and said nothing (a probe or an AMQP handshake that timed out)
    expect(noAnswerWithin(FAILOVER_CONNECT_TIMEOUT_MS)).toBe('no answer within 2.5 s');
    expect(noAnswerWithin(300)).toBe('no answer within 300 ms');
    expect(unreachableWarnings([{ api: 'management', url: 'http://h2:15672', reason: noAnswerWithin(2_500) }])[0]?.message).toBe(
      'management API endpoint http://h2:15672 did not answer (no answer within 2.5 s); Warren used another endpoint of the list. Check that node',
    );
  });

  it('reads lists of URLs in target config, as YAML lists or comma strings', () => {
    const r = parseConfig(
      `targets:
  prod:
    management_url: [http://r1:15672, http://r2:15672]
    amqp_url: amqp://r1:5672,amqp://r2:5672
    username_env: U
    password_env: P
  bad:
    management_url: [http://r1:15672, 7]
    amqp_url: [http://u:secret@r1:5672]
`,
      'c.yaml',
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['CONFIG_INVALID', 8],
      ['CONFIG_CREDENTIALS_IN_URL', 9],
    ]);
    const ok = parseConfig(
      `targets:
  prod:
    management_url: [http://r1:15672, http://r2:15672]
    amqp_url: amqp://r1:5672,amqp://r2:5672
    password_env: P
`,
      'c.yaml',
    );
    const prod = ok.config?.targets.get('prod');
    expect(prod).toBeDefined();
    if (!prod) return;
    expect(targetEndpoints(prod, { P: 'p,w' })).toEqual({
      management: 'http://:p%2Cw@r1:15672/,http://:p%2Cw@r2:15672/',
      amqp: 'amqp://:p%2Cw@r1:5672,amqp://:p%2Cw@r2:5672',
    });
  });

  it('splitting never throws and never loses a URL', () => {
    fc.assert(
      fc.property(fc.array(fc.webUrl({ withQueryParameters: true }), { minLength: 1, maxLength: 4 }), fc.string(), (urls, junk) => {
        expect(splitUrls(urls.join(','))).toEqual(urls.filter((u) => u.trim() !== '').map((u) => u.trim()));
        expect(() => splitUrls(junk)).not.toThrow();
      }),
      { numRuns: 200 },
    );
    // ~4 s alone; a loaded 2-core machine (unit and integration projects in parallel) doubles it
  }, 30_000);
});
