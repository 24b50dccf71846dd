import { describe, expect, it } from 'vitest';
import { hashPassword, passwordMatches } from '../../../src/util/password-hash.js';

// Created by RabbitMQ 3.10.8: PUT /api/users/probe1 {"password":"s3cret"}, then GET.
const BROKER_HASH = 'rFs1fW92NRHQvutEplujao+K/++d6XNY74sh+66UOq/gqhX2';

describe('RabbitMQ password hashes', () => {
  it('recomputes a hash made by the broker from its salt', () => {
    expect(passwordMatches('s3cret', BROKER_HASH, 'rabbit_password_hashing_sha256')).toBe(true);
    expect(passwordMatches('s3cret!', BROKER_HASH, 'rabbit_password_hashing_sha256')).toBe(false);
  });

  it('hashes with a given salt the way the broker does, for sha256 and sha512', () => {
    const salt = Buffer.from(BROKER_HASH, 'base64').subarray(0, 4);
    expect(hashPassword('s3cret', 'rabbit_password_hashing_sha256', salt)).toBe(BROKER_HASH);
    const h512 = hashPassword('pw', 'rabbit_password_hashing_sha512');
    expect(Buffer.from(h512, 'base64')).toHaveLength(4 + 64);
    expect(passwordMatches('pw', h512, 'rabbit_password_hashing_sha512')).toBe(true);
  });

  it('cannot tell for an empty hash or an unknown algorithm', () => {
    expect(passwordMatches('x', '', 'rabbit_password_hashing_sha256')).toBeUndefined();
    expect(passwordMatches('x', BROKER_HASH, 'rabbit_password_hashing_bcrypt')).toBeUndefined();
  });
});
