/**
 * TLS for https:// and amqps:// endpoints: the material a user gives (a CA to
 * trust, a client certificate and key for mutual TLS), read and checked once,
 * and the plain words for a failed handshake.
 *
 * Contract:
 * - `ca` replaces Node's default trust store for Warren's connections, as
 *   curl's --cacert does: the broker's certificate must chain to it.
 * - Key contents never appear in a message; file paths do.
 * - `tlsFailure` returns a diagnostic for errors of the TLS layer only (an
 *   untrusted, expired or misnamed certificate, a refused client
 *   certificate, a handshake that failed); anything else is left to the
 *   caller's own network error.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkServerIdentity, createSecureContext, type PeerCertificate } from 'node:tls';
import { diagnostic, WarrenError, type Diagnostic } from '../model/diagnostics.js';
import type { SourceLocation } from '../model/types.js';

/** TLS material for the broker's endpoints, PEM text as Node's `tls.connect` takes it. */
export interface TlsOptions {
  /** CA certificates to trust instead of Node's defaults */
  readonly ca?: string;
  /** Client certificate (chain) for mutual TLS; with `key` */
  readonly cert?: string;
  /** The client certificate's private key */
  readonly key?: string;
  /** Where `ca` came from, for messages (a path, as given) */
  readonly caFile?: string;
  /** Where `cert` came from, for messages (a path, as given) */
  readonly certFile?: string;
}

/** The files a user names: each path with the flag, variable or config key it came from. */
export interface TlsFiles {
  readonly caFile?: TlsFileRef;
  readonly certFile?: TlsFileRef;
  readonly keyFile?: TlsFileRef;
}

export interface TlsFileRef {
  /** The path, as given; relative paths resolve against `base` */
  readonly path: string;
  /** Where the path came from: `--ca-file`, `WARREN_CA_FILE`, `ca_file of target prod` */
  readonly from: string;
  /** Directory a relative path resolves against */
  readonly base: string;
  /** Where the path is written, when in a file (warren.config.yaml) */
  readonly at?: SourceLocation;
}

/** The options for `tls.connect` (undici's `connect`, amqplib's socket options). */
export function tlsConnectOptions(tls: TlsOptions | undefined): { ca?: string; cert?: string; key?: string } {
  if (!tls) return {};
  return { ...(tls.ca !== undefined ? { ca: tls.ca } : {}), ...(tls.cert !== undefined ? { cert: tls.cert } : {}), ...(tls.key !== undefined ? { key: tls.key } : {}) };
}

/**
 * Node's hostname check, its error re-coded for undici's `connect`. undici
 * (7.x, client.js) handles ERR_TLS_CERT_ALTNAME_INVALID apart: it fails only
 * the requests queued on the connection that failed, and those waiting in the
 * pool stay pending forever (a plan, with more reads than connections, ended
 * with nothing printed). Under another code the pool fails them all.
 */
export function checkHostname(host: string, cert: PeerCertificate): Error | undefined {
  const err = checkServerIdentity(host, cert);
  if (err) Object.assign(err, { code: HOSTNAME_MISMATCH });
  return err;
}

const HOSTNAME_MISMATCH = 'WARREN_TLS_CERT_ALTNAME_INVALID';

/**
 * Reads and checks the files; undefined when none is named. Throws a
 * WarrenError (TLS_FILE_UNREADABLE, TLS_FILE_INVALID) naming the file and
 * where it came from.
 */
export async function readTlsFiles(files: TlsFiles): Promise<TlsOptions | undefined> {
  const { caFile, certFile, keyFile } = files;
  if (!caFile && !certFile && !keyFile) return undefined;
  const ca = caFile ? await readPem(caFile) : undefined;
  if (ca !== undefined && caFile) checkCa(ca, caFile);
  const certText = certFile ? await readPem(certFile) : undefined;
  // A PEM file may hold the certificate and its key together.
  const key = keyFile ? await readPem(keyFile) : certText !== undefined && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certText) ? certText : undefined;
  if (keyFile && !certFile) {
    throw new WarrenError(diagnostic('TLS_FILE_INVALID', `${keyFile.from} ${keyFile.path} names a client key without a certificate; give the certificate too (--cert-file, WARREN_CERT_FILE or cert_file)`, keyFile.at));
  }
  if (certFile && certText !== undefined) {
    if (key === undefined) {
      throw new WarrenError(diagnostic('TLS_FILE_INVALID', `${certFile.from} ${certFile.path} names a client certificate without its key; give the key too (--key-file, WARREN_KEY_FILE or key_file)`, certFile.at));
    }
    checkClientPair(certText, key, certFile, keyFile ?? certFile);
  }
  return {
    ...(ca !== undefined ? { ca, ...(caFile ? { caFile: caFile.path } : {}) } : {}),
    ...(certText !== undefined && key !== undefined ? { cert: certText, key, ...(certFile ? { certFile: certFile.path } : {}) } : {}),
  };
}

async function readPem(ref: TlsFileRef): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(ref.base, ref.path));
  } catch (err) {
    const why = errorCode(err) === 'ENOENT' ? 'no such file' : errorCode(err) === 'EACCES' ? 'permission denied' : errorCode(err) === 'EISDIR' ? 'it is a directory' : 'cannot be read';
    throw new WarrenError(diagnostic('TLS_FILE_UNREADABLE', `${ref.from} ${ref.path}: ${why}; give a readable PEM file`, ref.at));
  }
  const text = bytes.toString('utf8');
  if (!text.includes('-----BEGIN ')) {
    const der = isDerCertificate(bytes) ? ' (it looks like DER: convert it with `openssl x509 -inform der -in FILE -out FILE.pem`)' : '';
    throw new WarrenError(diagnostic('TLS_FILE_INVALID', `${ref.from} ${ref.path} is not a PEM file${der}; give PEM text (-----BEGIN ...)`, ref.at));
  }
  return text;
}

function isDerCertificate(bytes: Buffer): boolean {
  try {
    new X509Certificate(bytes);
    return true;
  } catch {
    return false;
  }
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every block of a CA file must be a certificate Node can read; at least one. */
function checkCa(text: string, ref: TlsFileRef): void {
  const blocks = text.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) {
    const hint = /PRIVATE KEY-----/.test(text) ? ' (it holds a private key: give the CA certificate, not a key)' : '';
    throw new WarrenError(diagnostic('TLS_FILE_INVALID', `${ref.from} ${ref.path} holds no certificate${hint}; give the PEM certificate of the CA that signed the broker's certificate`, ref.at));
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      throw new WarrenError(diagnostic('TLS_FILE_INVALID', `${ref.from} ${ref.path}: certificate ${i + 1} of ${blocks.length} is malformed; give the PEM certificate of the CA that signed the broker's certificate`, ref.at));
    }
  }
}

/** The certificate and key must parse and belong together. */
function checkClientPair(cert: string, key: string, certRef: TlsFileRef, keyRef: TlsFileRef): void {
  const first = cert.match(CERT_BLOCK)?.[0];
  try {
    if (first === undefined) throw new Error('no certificate');
    new X509Certificate(first);
  } catch {
    throw new WarrenError(diagnostic('TLS_FILE_INVALID', `${certRef.from} ${certRef.path} holds no readable certificate; give the client certificate in PEM`, certRef.at));
  }
  try {
    createPrivateKey(key);
  } catch (err) {
    const encrypted = /ENCRYPTED/.test(key) ? ' (it is encrypted: Warren takes an unencrypted key, e.g. `openssl pkey -in KEY -out KEY.plain`)' : '';
    // The reason is OpenSSL's (e.g. `unsupported`), never the key's text.
    const reason = err instanceof Error && !encrypted ? ` (${err.message.replace(/^error:[0-9A-F]+:/, '')})` : '';
    throw new WarrenError(diagnostic('TLS_FILE_INVALID', `${keyRef.from} ${keyRef.path} is not a readable private key${encrypted || reason}; give the client certificate's key in PEM`, keyRef.at));
  }
  try {
    createSecureContext({ cert, key });
  } catch {
    throw new WarrenError(diagnostic('TLS_FILE_INVALID', `the client key ${keyRef.path} (${keyRef.from}) does not belong to the certificate ${certRef.path} (${certRef.from}); give the matching pair`, keyRef.at ?? certRef.at));
  }
}

/** Node's codes for a certificate chain that does not lead to a trusted CA. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
  'CERT_CHAIN_TOO_LONG',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
]);

/** OpenSSL alerts a server sends when it does not accept the client's certificate (or its absence). */
const CLIENT_CERT_ALERTS = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);

/** True when `err` is a failure of the TLS layer (the request never reached the broker's API). */
export function isTlsFailure(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && (UNTRUSTED.has(code) || code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID' || code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === HOSTNAME_MISMATCH || code.startsWith('ERR_SSL_') || code === 'EPROTO');
}

/** What the user tried to reach, for messages: `localhost:15671 (management API)`. */
export interface TlsPeer {
  readonly hostPort: string;
  readonly api: 'management API' | 'AMQP';
}

/**
 * The diagnostic for a TLS failure talking to `peer`, or undefined when `err`
 * is not one. The message names host:port and the fix.
 */
export function tlsFailure(err: unknown, peer: TlsPeer, tls: TlsOptions | undefined): Diagnostic | undefined {
  if (tls?.cert !== undefined && closedBeforeAnyByte(err)) {
    // TLS 1.3: the server checks the client certificate after the client's
    // handshake is done, and its alert is lost when it closes at once (the
    // management listener does): the request sees a socket closed before a
    // single byte came back. A reused keep-alive socket has read bytes.
    return diagnostic(
      'TLS_CLIENT_CERT_REJECTED',
      `the broker at ${peer.hostPort} (${peer.api}) closed the connection right after the TLS handshake, before answering: it refuses the client certificate ${tls.certFile ?? ''}; give one signed by a CA the broker trusts`.replace(' ;', ';'),
    );
  }
  if (!isTlsFailure(err)) return undefined;
  const code = errorCode(err) ?? '';
  const at = `${peer.hostPort} (${peer.api})`;
  const reason = reasonOf(err);
  if (UNTRUSTED.has(code)) {
    const fix =
      tls?.caFile !== undefined
        ? `the CA in ${tls.caFile} did not sign it; give the CA that did with --ca-file (or WARREN_CA_FILE, or ca_file of the target in warren.config.yaml)`
        : `give the certificate of the CA that signed it with --ca-file FILE (or WARREN_CA_FILE, or ca_file of the target in warren.config.yaml)`;
    return diagnostic('TLS_CERT_UNTRUSTED', `the TLS certificate of ${at} is not trusted (${reason}); ${fix}`);
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return diagnostic('TLS_CERT_EXPIRED', `the TLS certificate of ${at} has expired; renew the broker's certificate, or check this machine's clock`);
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return diagnostic('TLS_CERT_NOT_YET_VALID', `the TLS certificate of ${at} is not valid yet; check this machine's clock, or the broker's certificate`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === HOSTNAME_MISMATCH) {
    const names = peerCertificate(err).names;
    const host = peer.hostPort.replace(/:\d+$/, '');
    const forWhat = names ? `is for ${names}, not for ${host}` : `is not for ${host}`;
    return diagnostic('TLS_HOSTNAME_MISMATCH', `the TLS certificate of ${at} ${forWhat}; connect by a name the certificate is for (in --management-url / --amqp-url or the target's URLs)`);
  }
  if (CLIENT_CERT_ALERTS.has(code)) {
    const fix =
      tls?.certFile !== undefined
        ? `the broker does not accept the client certificate ${tls.certFile}; give one signed by a CA the broker trusts`
        : `the broker wants a client certificate: give one with --cert-file and --key-file (or WARREN_CERT_FILE / WARREN_KEY_FILE, or cert_file / key_file of the target)`;
    return diagnostic('TLS_CLIENT_CERT_REJECTED', `the TLS handshake with ${at} failed (${reason}); ${fix}`);
  }
  return diagnostic('TLS_HANDSHAKE_FAILED', `the TLS handshake with ${at} failed (${reason}); check that the port speaks TLS (https:// and amqps:// need the broker's TLS listener; use http:// or amqp:// for a plain one)`);
}

/** undici's `other side closed` on a socket that never received a byte. */
function closedBeforeAnyByte(err: unknown): boolean {
  const rec = innermost(err) as { code?: unknown; socket?: { bytesRead?: unknown } } | null;
  return rec?.code === 'UND_ERR_SOCKET' && rec.socket?.bytesRead === 0;
}

/** The error's own words, without OpenSSL's numeric prefix. */
function reasonOf(err: unknown): string {
  const inner = innermost(err);
  // OpenSSL's errors carry their short reason (`wrong version number`); Node's verify errors only a message.
  const reason = (inner as { reason?: unknown } | null)?.reason;
  if (typeof reason === 'string' && reason !== '') return reason;
  const message = inner instanceof Error ? inner.message : String(inner);
  return message.replace(/^.*?error:[0-9A-F]+:/, '').replace(/:\.\.\/deps\/[\s\S]*$/, '').trim() || (errorCode(err) ?? 'unknown error');
}

/** `code` of an error, looking inside AggregateError and `cause` (as live/http's errorCode; not imported: http imports this file). */
function errorCode(err: unknown): string | undefined {
  const inner = innermost(err) as { code?: unknown } | null;
  return typeof inner === 'object' && inner !== null && typeof inner.code === 'string' ? inner.code : undefined;
}

/** The error that carries the code (undici wraps; happy eyeballs aggregates). */
function innermost(err: unknown): unknown {
  let e: unknown = err;
  for (let i = 0; i < 5 && typeof e === 'object' && e !== null; i++) {
    const rec = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof rec.code === 'string') return e;
    if (Array.isArray(rec.errors) && rec.errors.length > 0) e = rec.errors[0];
    else if (rec.cause !== undefined) e = rec.cause;
    else break;
  }
  return e;
}

/** The names of the peer's certificate, which Node attaches to a hostname mismatch. */
function peerCertificate(err: unknown): { names?: string } {
  const inner = innermost(err) as { cert?: unknown; reason?: unknown };
  const cert = inner.cert;
  const out: { names?: string } = {};
  if (typeof cert === 'object' && cert !== null) {
    const c = cert as { subjectaltname?: unknown; subject?: { CN?: unknown } };
    if (typeof c.subjectaltname === 'string') out.names = c.subjectaltname;
    else if (typeof c.subject?.CN === 'string') out.names = `CN=${c.subject.CN}`;
  }
  if (out.names === undefined && typeof inner.reason === 'string') {
    // "Host: x. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1"
    const m = /altnames: (.*)$/.exec(inner.reason);
    if (m?.[1]) out.names = m[1];
  }
  return out;
}
