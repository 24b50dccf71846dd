/** The users Warren connects as are protected from --prune, whatever their password holds. */
import { describe, expect, it } from 'vitest';
import { endpointUsers } from '../../../src/cli/pipeline.js';

describe('endpointUsers', () => {
  it('keeps a URL whole when its password holds a comma, an @, a colon, a % or non-ASCII', () => {
    const management = 'http://ops:p,w@h1:15672,http://ops2:a@b:c@h2:15672';
    const amqp = 'amqp://app:50%25%2C@h1:5672,amqp://m%C3%BCller:p%C3%A4ss@h2:5672';
    expect(endpointUsers({ management, amqp }).sort()).toEqual(['app', 'müller', 'ops', 'ops2'].sort());
  });

  it('takes guest when a URL names no user, and a malformed escape as written', () => {
    expect(endpointUsers({ management: 'http://h:15672', amqp: 'amqp://bad%zzuser:pw@h:5672' }).sort()).toEqual(['bad%zzuser', 'guest']);
  });
});
