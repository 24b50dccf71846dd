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

  it('keeps ca_file, cert_file and key_file as written, with their place; a non-path is an error there', () => {
    const tlsText = `targets:
  secure:
    management_url: https://rabbit:15671
    amqp_url: amqps://rabbit:5671
    ca_file: certs/ca.pem
    cert_file: /etc/warren/client.pem
    key_file: /etc/warren/client-key.pem
`;
    const r = parseConfig(tlsText, 'warren.config.yaml');
    const secure = r.config?.targets.get('secure');
    expect(secure?.caFile).toMatchObject({ path: 'certs/ca.pem', at: { file: 'warren.config.yaml', line: 5, column: 14 } });
    expect(secure?.certFile?.path).toBe('/etc/warren/client.pem');
    expect(secure?.keyFile?.path).toBe('/etc/warren/client-key.pem');
    const bad = parseConfig(tlsText.replace('ca_file: certs/ca.pem', 'ca_file: [a, b]'), 'warren.config.yaml');
    expect(bad.config).toBeNull();
    expect(bad.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([['CONFIG_INVALID', 5, '`ca_file` of target `secure` must be the path of a PEM file']]);
  });
});
