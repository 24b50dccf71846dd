/**
 * `{ env: NAME }` references of a loaded spec (user passwords, URIs of
 * shovels and federation upstreams) → their values, kept as `Sensitive` so
 * that no output ever shows them. Done when the spec is loaded with the
 * environment (the same variables as `${VAR}` references); an unset variable
 * is an error at the reference. Without an environment, references stay as
 * they are (and apply refuses to send them).
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { ParamValue, Resource } from '../model/types.js';
import { redactUrl } from '../util/redact.js';
import { hasCredentials, isEnvRef, isSensitive, Sensitive, type EnvMap } from '../util/sensitive.js';

export function resolveSecrets(resources: ReadonlyMap<string, Resource>, env: EnvMap): { resources: Map<string, Resource>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const out = new Map<string, Resource>();
  for (const [key, r] of resources) {
    const missing = (name: string, what: string): void => {
      diagnostics.push(
        diagnostic(
          'SECRET_ENV_UNSET',
          `${what} of ${r.kind.replace(/_/g, ' ')} ${JSON.stringify(r.name)} is read from the environment variable ${name}, which is not set (or empty); set it before running warren`,
          r.kind === 'binding' ? r.sourceLocation : r.source,
        ),
      );
    };
    if (r.kind === 'user' && r.password.kind === 'env') {
      const value = env[r.password.env];
      if (value === undefined || value === '') {
        missing(r.password.env, 'the password');
        out.set(key, r);
      } else {
        out.set(key, { ...r, password: { kind: 'env', env: r.password.env, value: new Sensitive(value) } });
      }
    } else if (r.kind === 'parameter' || r.kind === 'global_parameter') {
      out.set(key, { ...r, value: resolveValue(r.value, env, (name) => missing(name, 'a value')) });
    } else {
      out.set(key, r);
    }
  }
  return { resources: out, diagnostics };
}

function resolveValue(v: ParamValue, env: EnvMap, missing: (name: string) => void): ParamValue {
  if (isSensitive(v)) return v;
  if (isEnvRef(v)) {
    const value = env[v.env];
    if (value === undefined || value === '') {
      missing(v.env);
      return v;
    }
    return new Sensitive(value, hasCredentials(value) ? `${redactUrl(value)} (from $${v.env})` : `(sensitive, from $${v.env})`, v.env);
  }
  if (Array.isArray(v)) return (v as readonly ParamValue[]).map((x) => resolveValue(x, env, missing));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, ParamValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, ParamValue>)) out[k] = resolveValue(x, env, missing);
    return out;
  }
  return v;
}
