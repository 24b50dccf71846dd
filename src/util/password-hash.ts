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

/** Digest length in bytes, by hashing algorithm module. */
const DIGEST_BYTES: Readonly<Record<string, number>> = {
  rabbit_password_hashing_sha256: 32,
  rabbit_password_hashing_sha512: 64,
  rabbit_password_hashing_md5: 16,
};

export const DEFAULT_HASHING_ALGORITHM = 'rabbit_password_hashing_sha256';
const MD5_HASHING_ALGORITHM = 'rabbit_password_hashing_md5';

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

/**
 * What RabbitMQ's definitions import stores a `password_hash` as when the
 * user entry names no `hashing_algorithm` (rabbit_auth_backend_internal
 * `hashing_algorithm/2`): the file's `rabbitmq_version` (else
 * `rabbit_version`) decides; exports of 3.0 to 3.5 held MD5 hashes, anything
 * else gets the broker's default, SHA-256 unless its configuration says
 * otherwise.
 */
export function impliedHashingAlgorithm(fileVersion: unknown): string {
  return typeof fileVersion === 'string' && /^3\.[0-5]\./.test(fileVersion) ? MD5_HASHING_ALGORITHM : DEFAULT_HASHING_ALGORITHM;
}

/** Why a `password_hash` cannot be one of `algorithm`, or undefined when it can (or the algorithm is unknown). */
export type HashProblem =
  | { readonly kind: 'not_base64' }
  | { readonly kind: 'length'; readonly bytes: number; readonly expected: number; readonly fits: string | undefined };

/**
 * A stored hash is base64 of a 4-byte salt and the digest (16 bytes for MD5,
 * 32 for SHA-256, 64 for SHA-512). Anything else is refused by the broker
 * (`not_base64`, after part of an import ran) or stored as a hash no password
 * matches. `fits` names the algorithm whose length it has, if any.
 */
export function checkPasswordHash(hash: string, algorithm: string): HashProblem | undefined {
  const digest = DIGEST_BYTES[algorithm];
  if (digest === undefined) return undefined;
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(hash)) return { kind: 'not_base64' };
  const bytes = Buffer.from(hash, 'base64').length;
  if (bytes === SALT_BYTES + digest) return undefined;
  const fits = Object.keys(DIGEST_BYTES).find((a) => SALT_BYTES + (DIGEST_BYTES[a] ?? 0) === bytes);
  return { kind: 'length', bytes, expected: SALT_BYTES + digest, fits };
}

export function isKnownHashingAlgorithm(algorithm: string): boolean {
  return DIGEST_BYTES[algorithm] !== undefined;
}
