/**
 * Credential redaction. Every URL Warren prints, and every error message it
 * builds from one, goes through here: the password never leaves the process.
 */

const MASK = '****';

/**
 * `amqp://user:secret@host:5672/vhost` → `amqp://user:****@host:5672/vhost`.
 * The username is kept (it helps to diagnose auth failures); anything after
 * the authority is kept as written. A string that is not a URL is returned
 * with any embedded URLs redacted.
 */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return /^\S+$/.test(url) && url.includes('@') ? redactLooseUserinfo(url) : redactSecrets(url);
  const start = scheme[0].length;
  const rest = url.slice(start);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  // A `/`, `?` or `#` inside an unencoded password ends the authority early: mask up to the last `@`.
  if (at === -1) return rest.includes('@') ? redactLooseUserinfo(url) : url;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon === -1) return url;
  const user = userinfo.slice(0, colon);
  return `${url.slice(0, start)}${user}:${MASK}@${authority.slice(at + 1)}${end === -1 ? '' : rest.slice(end)}`;
}

/**
 * A string that does not parse as a URL (`http//u:pw@host`, a password with a
 * `/` in it) but carries a userinfo: everything from the first `:` that is not
 * part of a `:/` scheme separator up to the last `@` is masked, so a mistyped
 * URL is never echoed with its password.
 */
function redactLooseUserinfo(url: string): string {
  const at = url.lastIndexOf('@');
  const colon = /:(?!\/)/.exec(url.slice(0, at));
  if (!colon) return url;
  return `${url.slice(0, colon.index)}:${MASK}${url.slice(at)}`;
}

// scheme://user:password@ inside free text; the password runs up to the last
// `@` before the path, whitespace or a quote.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#'"]*):([^\s/?#'"]*)@/gi;

/**
 * Removes the password of every `scheme://user:password@` URL inside `text`,
 * plus every occurrence of the given secrets, in each form a broker's answer
 * may quote them: raw, percent-encoded, JSON-escaped, Erlang-escaped
 * (`<<"a\"b">>`, also inside a JSON string) and as Erlang's list of bytes (`[104,117,...]`, for
 * secrets of 4 bytes or more). Longer secrets first, so that one inside
 * another leaves nothing behind. Empty secrets are ignored.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
    const erlang = secret.replace(/[\\"]/g, (c) => `\\${c}`);
    forms.add(erlang);
    forms.add(JSON.stringify(erlang).slice(1, -1)); // an Erlang term inside a JSON error body
    const bytes = Buffer.from(secret, 'utf8');
    if (bytes.length >= 4) forms.add([...bytes].join(','));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(MASK);
  return out;
}

/** The decoded password of a URL, or undefined; for passing to `redactSecrets`. */
export function urlPassword(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.password === '' ? undefined : safeDecode(u.password);
  } catch {
    return undefined;
  }
}

/** Percent-decoding that keeps a malformed escape as written instead of throwing. */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
