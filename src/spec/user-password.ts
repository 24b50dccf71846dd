/**
 * The declared password of a user, from a native spec or a definitions
 * export, the way RabbitMQ's import reads it:
 * - `password_hash` is base64 of a 4-byte salt and the digest of the user's
 *   `hashing_algorithm`; without one, the algorithm the file implies (a
 *   definitions export of 3.0 to 3.5 held MD5 hashes, anything else SHA-256),
 *   unless the hash has the length of another algorithm's: then that one,
 *   with a warning (the broker would store a hash no password matches). A
 *   value that cannot be such a hash is an error here, before anything is
 *   applied (the broker would refuse it part-way through, or store a hash no
 *   password matches). Messages never repeat the value.
 * - `password` as a string is accepted (the broker hashes it), with a
 *   PLAIN_TEXT_PASSWORD warning: the file keeps a secret.
 * - both at once is an error, as for the broker.
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { UserPassword } from '../model/types.js';
import { checkPasswordHash, isKnownHashingAlgorithm } from '../util/password-hash.js';
import { isEnvRef, Sensitive } from '../util/sensitive.js';
import type { Origin } from './declarations.js';
import { q } from './describe.js';

export interface PasswordFields {
  readonly password?: unknown;
  readonly password_hash?: unknown;
  readonly hashing_algorithm?: unknown;
}

/** What the file says about algorithms beyond the user's own `hashing_algorithm`. */
export interface PasswordContext {
  readonly format: 'native' | 'definitions';
  /** The algorithm of a hash whose entry names none. */
  readonly impliedAlgorithm: string;
  /** Why that one, for messages, e.g. `the file's rabbit_version is "3.0.4"`. */
  readonly impliedBecause: string;
}

export const PLAIN_TEXT_PASSWORD = 'PLAIN_TEXT_PASSWORD';

export function declaredPassword(name: string, u: PasswordFields, origin: Origin, ctx: PasswordContext, diagnostics: Diagnostic[]): UserPassword {
  const named = typeof u.hashing_algorithm === 'string' ? u.hashing_algorithm : undefined;
  if (u.password !== undefined && u.password_hash !== undefined) {
    diagnostics.push(
      diagnostic('PASSWORD_CONFLICT', `user ${q(name)} has both \`password\` and \`password_hash\` (RabbitMQ refuses that too); keep one of them`, origin.field('password_hash')),
    );
    return { kind: 'unmanaged' };
  }
  if (isEnvRef(u.password)) return { kind: 'env', env: u.password.env };
  if (typeof u.password === 'string') {
    const at = origin.field('password');
    diagnostics.push(diagnostic(PLAIN_TEXT_PASSWORD, plainTextMessage(name, ctx), at, 'warning'));
    const algorithm = named !== undefined && isKnownHashingAlgorithm(named) ? named : undefined;
    if (named !== undefined && algorithm === undefined) diagnostics.push(unknownAlgorithm(name, named, origin, 'the broker hashes the password with its default algorithm instead'));
    return { kind: 'plain', value: new Sensitive(u.password), ...(algorithm !== undefined && { algorithm }), source: at };
  }
  if (typeof u.password_hash !== 'string') return { kind: 'unmanaged' };
  if (u.password_hash === '') return { kind: 'none' };
  let algorithm = named ?? ctx.impliedAlgorithm;
  if (!isKnownHashingAlgorithm(algorithm)) {
    diagnostics.push(unknownAlgorithm(name, algorithm, origin, 'Warren cannot check the hash, nor compare a password with it'));
  } else {
    const problem = checkPasswordHash(u.password_hash, algorithm);
    if (problem?.kind === 'length' && problem.fits !== undefined && named === undefined) {
      // No password could match it under the implied algorithm; under the one its length fits, its password does.
      diagnostics.push(
        diagnostic(
          'PASSWORD_HASH_ALGORITHM_INFERRED',
          `\`password_hash\` of user ${q(name)} has the length of a ${problem.fits} hash (${problem.bytes} bytes), and the entry names no \`hashing_algorithm\`: ` +
            `${ctx.impliedBecause}, under which no password would match it; Warren applies it as ${problem.fits}, so that the user logs in with its password; ` +
            `add \`hashing_algorithm: ${problem.fits}\` to say so`,
          origin.field('password_hash'),
          'warning',
        ),
      );
      algorithm = problem.fits;
    } else if (problem !== undefined) {
      const because = named === undefined ? ` (the entry names no \`hashing_algorithm\`, and ${ctx.impliedBecause})` : '';
      const what =
        problem.kind === 'not_base64'
          ? 'it is not base64'
          : `it decodes to ${problem.bytes} bytes, and a ${algorithm} hash has ${problem.expected} (a 4-byte salt and the digest)${because}`;
      const fix =
        problem.kind === 'length' && problem.fits !== undefined
          ? `its length fits ${problem.fits}: if that is its algorithm, add \`hashing_algorithm: ${problem.fits}\``
          : `give the hash from \`rabbitmqctl hash_password\` or a definitions export; if this is the password itself, ${ctx.format === 'native' ? 'write `password: { env: NAME }`' : 'move it to `password` (RabbitMQ hashes it)'}`;
      diagnostics.push(diagnostic('INVALID_PASSWORD_HASH', `\`password_hash\` of user ${q(name)} is not a RabbitMQ password hash: ${what}; ${fix}`, origin.field('password_hash')));
    }
  }
  return { kind: 'hash', hash: new Sensitive(u.password_hash), algorithm };
}

function plainTextMessage(name: string, ctx: PasswordContext): string {
  const env = `password: { env: ${envName(name)} }`;
  return (
    `user ${q(name)} has a plain-text password: Warren hashes it as RabbitMQ does and never prints it, but the file keeps a secret (and version control with it); ` +
    (ctx.format === 'native'
      ? `write \`${env}\` and set that environment variable when running warren`
      : `declare the user in a native spec with \`${env}\`, or give \`password_hash\` (from \`rabbitmqctl hash_password\`)`)
  );
}

function unknownAlgorithm(name: string, algorithm: string, origin: Origin, consequence: string): Diagnostic {
  return diagnostic(
    'UNKNOWN_HASHING_ALGORITHM',
    `user ${q(name)} has \`hashing_algorithm\` ${q(algorithm)}, which RabbitMQ does not ship (rabbit_password_hashing_sha256, rabbit_password_hashing_sha512, rabbit_password_hashing_md5): ${consequence}; unless a plugin of the broker provides it, the user cannot log in`,
    origin.field('hashing_algorithm'),
    'warning',
  );
}

/** `app-user` → `APP_USER_PASSWORD`, for the suggestion. */
export function envName(user: string): string {
  const base = user.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `${base === '' ? 'RABBITMQ' : base}_PASSWORD`;
}
