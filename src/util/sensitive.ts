/**
 * Secret values inside the model: password hashes, URIs with credentials.
 *
 * A `Sensitive` never shows its value by accident: JSON, string conversion and
 * `util.inspect` all give its display form ("(sensitive)", or the URI with its
 * password masked). Only `reveal()` gives the value, and only the diff (to
 * compare) and apply (to send it to the broker) call it. So every renderer,
 * whoever writes it, is safe by construction.
 *
 * `{ env: NAME }` references (an `EnvRef`) are plain data: the name of an
 * environment variable is not a secret. They are resolved with an explicit
 * environment map (passed in, never read from `process` here).
 */
import { redactUrl, urlPassword } from './redact.js';

export const SENSITIVE_DISPLAY = '(sensitive)';

export class Sensitive {
  readonly #value: string;
  /** What every output shows instead of the value. */
  readonly display: string;
  /**
   * The environment variable the value was read from, if any: JSON (and so a
   * saved plan) then holds `{ "env": NAME }`, which apply resolves again.
   */
  readonly env: string | undefined;

  constructor(value: string, display: string = SENSITIVE_DISPLAY, env?: string) {
    this.#value = value;
    this.display = display;
    this.env = env;
  }

  /** A URI that may carry credentials: shown with its password masked. */
  static uri(value: string): Sensitive {
    return new Sensitive(value, redactUrl(value));
  }

  reveal(): string {
    return this.#value;
  }

  equals(other: Sensitive): boolean {
    return this.#value === other.#value;
  }

  toJSON(): string | EnvRef {
    return this.env === undefined ? this.display : { env: this.env };
  }

  toString(): string {
    return this.display;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Sensitive(${this.display})`;
  }
}

/**
 * What a secret became in a plan read back from a file: "(sensitive)", or a
 * URI with its password masked (`amqp://user:****@host`). Such a value can
 * never be sent to the broker.
 */
export function isSecretPlaceholder(v: unknown): boolean {
  return typeof v === 'string' && (v === SENSITIVE_DISPLAY || /:\*{4}@/.test(v));
}

export function isSensitive(v: unknown): v is Sensitive {
  return v instanceof Sensitive;
}

/** A reference to an environment variable holding a secret: `{ env: APP_PASSWORD }`. */
export interface EnvRef {
  readonly env: string;
}

export function isEnvRef(v: unknown): v is EnvRef {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Sensitive) &&
    Object.keys(v).length === 1 &&
    typeof (v as { env?: unknown }).env === 'string'
  );
}

/** Environment variables, as a plain map (the CLI passes `process.env`). */
export type EnvMap = Readonly<Record<string, string | undefined>>;

/** The value of an environment reference, or undefined when the variable is unset or empty. */
export function resolveEnv(ref: EnvRef, env: EnvMap): string | undefined {
  const v = env[ref.env];
  return v === undefined || v === '' ? undefined : v;
}

// scheme://user:password@ — the credentials that make a URI sensitive.
const URI_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]*:[^\s/?#]*@/i;

/** True for a string that is a URI with a password in it. */
export function hasCredentials(s: string): boolean {
  return URI_WITH_PASSWORD.test(s);
}

/** True when a JSON-like value holds a secret anywhere: a `Sensitive` or an environment reference. */
export function holdsSecret(v: unknown): boolean {
  if (isSensitive(v) || isEnvRef(v)) return true;
  if (Array.isArray(v)) return v.some(holdsSecret);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(holdsSecret);
  return false;
}

/**
 * A request body with every `Sensitive` in it revealed, and the revealed
 * values (with the password of each URI among them): what the broker's answer
 * must not be allowed to repeat. Only the management client calls this, as it
 * sends the body, so a secret is revealed nowhere else.
 */
export function revealForRequest(body: unknown): { body: unknown; secrets: string[] } {
  const secrets: string[] = [];
  const walk = (v: unknown): unknown => {
    if (isSensitive(v)) {
      const value = v.reveal();
      secrets.push(value);
      const pw = hasCredentials(value) ? urlPassword(value) : undefined;
      if (pw !== undefined) secrets.push(pw);
      return value;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return { body: walk(body), secrets };
}
