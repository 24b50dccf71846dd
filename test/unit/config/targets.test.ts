import { describe, expect, it } from 'vitest';
import { parseConfig, targetEndpoints } from '../../../src/config/targets.js';

describe('warren.config.yaml', () => {
  const text = `targets:
  staging:
    management_url: http://rabbit-staging:15672
    amqp_url: amqp://rabbit-staging:5672
    username_env: STAGING_USER
    password_env: STAGING_PASSWORD
  prod:
    management_url: https://admin:s3cret@rabbit-prod:15671
    amqp_url: amqps://rabbit-prod:5671
    passwrd_env: X
`;
  it('rejects credentials in URLs and unknown properties, at their place', () => {
    const r = parseConfig(text, 'warren.config.yaml');
    expect(r.config).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['CONFIG_CREDENTIALS_IN_URL', 8, 21],
      ['CONFIG_UNKNOWN_PROPERTY', 10, 5],
    ]);
    expect(r.diagnostics.map((d) => d.message).join('\n')).not.toContain('s3cret');
  });

  it('fills credentials from the environment, encoded', () => {
    const r = parseConfig(text.split('  prod:')[0] ?? '', 'c.yaml');
    const staging = r.config?.targets.get('staging');
    expect(staging).toBeDefined();
    if (!staging) return;
    expect(targetEndpoints(staging, { STAGING_USER: 'ops', STAGING_PASSWORD: 'p@ss:w/rd' })).toEqual({
      management: 'http://ops:p%40ss%3Aw%2Frd@rabbit-staging:15672/',
      amqp: 'amqp://ops:p%40ss%3Aw%2Frd@rabbit-staging:5672',
    });
  });
});
