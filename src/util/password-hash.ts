/**
 * RabbitMQ's internal password hashes (rabbit_password_hashing_*): base64 of
 * a 4-byte salt followed by hash(salt ++ utf8(password)). With the salt of a
 * live hash, Warren can tell whether a password from the environment is the
 * one the broker has, without sending or printing either.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Hashing algorithm module → node:crypto digest. */
export const HASHING_ALGORITHMS: Readonly<Record<string, string>> = {
  rabbit_password_hashing_sha256: 'sha256',
  rabbit_password_hashing_sha512: 'sha512',
  rabbit_password_hashing_md5: 'md5',
};

export const DEFAULT_HASHING_ALGORITHM = 'rabbit_password_hashing_sha256';

const SALT_BYTES = 4;

/** The hash of `password` with `salt`, as RabbitMQ stores it (base64). */
export function hashPassword(password: string, algorithm: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const digest = HASHING_ALGORITHMS[algorithm];
  if (digest === undefined) throw new Error(`unknown password hashing algorithm ${algorithm}`);
  const hash = createHash(digest).update(Buffer.concat([salt, Buffer.from(password, 'utf8')])).digest();
  return Buffer.concat([salt, hash]).toString('base64');
}

/**
 * True when `password` hashes to `storedHash` with the stored salt; undefined
 * when that cannot be told (unknown algorithm, malformed or empty hash).
 */
export function passwordMatches(password: string, storedHash: string, algorithm: string): boolean | undefined {
  const digest = HASHING_ALGORITHMS[algorithm];
  if (digest === undefined || storedHash === '') return undefined;
  const raw = Buffer.from(storedHash, 'base64');
  if (raw.length <= SALT_BYTES) return undefined;
  return hashPassword(password, algorithm, raw.subarray(0, SALT_BYTES)) === storedHash;
}
