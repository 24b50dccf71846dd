/**
 * Secrets a saved plan cannot carry. A plan file never holds a secret: a
 * `{ env: NAME }` reference is saved by name and read again when the plan is
 * applied, but a literal secret (a declared `password_hash` or plain-text
 * `password`, a URI with a password written in the spec or the definitions file) is saved only as a
 * placeholder ("(sensitive)", `amqp://user:****@host`), and applying that
 * plan could not send it. Found when the plan is saved (a warning) and before
 * a saved plan changes anything (apply refuses).
 */
import type { Change } from '../model/change.js';
import type { ParamValue } from '../model/types.js';
import { isSecretPlaceholder, isSensitive } from '../util/sensitive.js';

/** What of `change` a plan file cannot carry (e.g. `password_hash`, `value.src-uri`), empty when nothing. */
export function secretsNotInPlanFile(change: Change): string[] {
  const r = change.after;
  if (r === undefined || change.action === 'delete') return [];
  if (r.kind === 'user') {
    if (!setsPassword(change)) return [];
    if (r.password.kind === 'hash' && placeholder(r.password.hash)) return ['password_hash'];
    // A password written in the spec: the plan file holds it only as "(sensitive)".
    if (r.password.kind === 'plain') return ['password'];
    return [];
  }
  if (r.kind === 'parameter' || r.kind === 'global_parameter') {
    const out: string[] = [];
    walk(r.value, 'value', out);
    return out;
  }
  return [];
}

/** True when a user change sends the declared password (a create, or a changed one), not the live one. */
export function setsPassword(change: Change): boolean {
  const u = change.after;
  return u?.kind === 'user' && u.password.kind !== 'unmanaged' && (change.action === 'create' || change.fields.some((f) => f.field === 'password'));
}

/** In memory, a secret with no variable behind it; read back from a file, its placeholder. */
function placeholder(v: unknown): boolean {
  return isSensitive(v) ? v.env === undefined : isSecretPlaceholder(v);
}

function walk(v: ParamValue, path: string, out: string[]): void {
  if (placeholder(v)) {
    out.push(path);
    return;
  }
  if (isSensitive(v)) return;
  if (Array.isArray(v)) (v as readonly ParamValue[]).forEach((x, i) => walk(x, `${path}[${i}]`, out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v as Record<string, ParamValue>)) walk(x, `${path}.${k}`, out);
}
