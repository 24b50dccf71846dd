import type { Change } from '../model/change.js';
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { UserPassword, UserResource } from '../model/types.js';
import { passwordMatches } from '../util/password-hash.js';

/** A user Warren connects as, from its management or AMQP URL. */
export interface Credential {
  readonly api: 'management' | 'amqp';
  readonly user: string;
  readonly password: string;
}

/**
 * Changes to a user Warren itself connects as that would lock the apply out
 * part-way: a password other than the one in Warren's URL (or none), or, for
 * the management user, the `administrator` tag taken away. The broker takes
 * the change, and the next request of the same apply answers 401 (measured on
 * 4.3.6 with a definitions file that carried another hash for the connecting
 * user: the user was updated, the next permission failed, the apply stopped
 * half done). A hash from another broker for the same password (another
 * salt) is no lockout: the password is checked against the hash's own salt.
 */
export function selfLockouts(changes: readonly Change[], credentials: readonly Credential[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const c of changes) {
    const after = c.after;
    if (c.action === 'delete' || after?.kind !== 'user') continue;
    for (const cred of credentials.filter((x) => x.user === after.name)) {
      const why = lockout(after, c.before?.kind === 'user' ? c.before : undefined, cred);
      if (why === undefined) continue;
      out.push(
        diagnostic(
          'CONNECTED_USER_LOCKOUT',
          `user "${after.name}" is the one Warren connects to the ${cred.api === 'management' ? 'management API' : 'broker over AMQP'} as, and the spec ${why}: ` +
            'the apply would lock itself out part-way through; apply that change as another administrator (--management-url, --amqp-url), or leave it out of the spec (the live value is kept)',
          after.source,
          'error',
        ),
      );
      break;
    }
  }
  return out;
}

function lockout(after: UserResource, before: UserResource | undefined, cred: Credential): string | undefined {
  const other = differentPassword(after.password, cred.password);
  if (other !== undefined) return other;
  const admin = (u: UserResource | undefined): boolean => u?.tags.includes('administrator') ?? false;
  if (cred.api === 'management' && admin(before) && !admin(after)) return 'takes away its `administrator` tag';
  return undefined;
}

function differentPassword(want: UserPassword, password: string): string | undefined {
  const other = 'gives it another password than the one Warren uses';
  switch (want.kind) {
    case 'unmanaged':
      return undefined;
    case 'none':
      return 'makes it passwordless (`password_hash: ""`), so it can no longer log in with a password';
    case 'hash':
      return passwordMatches(password, want.hash.reveal(), want.algorithm) === false ? other : undefined;
    case 'env':
      return want.value !== undefined && want.value.reveal() !== password ? other : undefined;
    case 'plain':
      return want.value.reveal() !== password ? other : undefined;
  }
}
