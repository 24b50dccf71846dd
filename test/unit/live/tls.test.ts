/**
 * TLS options: reading and checking the files, and the classification of a
 * failed handshake. The expired and not-yet-valid certificates
 * (test/fixtures/tls) are served by a local TLS server: only the handshake
 * matters, and no broker can serve them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpTarget, VhostConnection } from '../../../src/apply/amqp-connection.js';
import { ManagementClient } from '../../../src/live/http.js';
import { readTlsFiles, tlsFailure, type TlsFileRef, type TlsOptions } from '../../../src/live/tls.js';
import { WarrenError, type Diagnostic } from '../../../src/model/diagnostics.js';

const fixtures = resolve(import.meta.dirname, '..', '..', 'fixtures', 'tls');
const fixture = (name: string): string => join(fixtures, name);
const dir = mkdtempSync(join(tmpdir(), 'warren-tls-unit-'));
const write = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const ref = (path: string, from = '--ca-file'): TlsFileRef => ({ path, from, base: dir });

async function failure(p: Promise<unknown>): Promise<Diagnostic> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WarrenError && err.diagnostics[0]) return err.diagnostics[0];
    throw err;
  }
  throw new Error('expected a WarrenError');
}

describe('readTlsFiles', () => {
  const ca = readFileSync(fixture('ca.pem'), 'utf8');
  const cert = readFileSync(fixture('expired.pem'), 'utf8');
  const key = readFileSync(fixture('server-key.pem'), 'utf8');
  const keyBody = key.split('\n')[1] ?? 'unreachable';

  it('reads nothing when no file is named, and the text of each one named', async () => {
    expect(await readTlsFiles({})).toBeUndefined();
    const read = await readTlsFiles({ caFile: ref(fixture('ca.pem')), certFile: ref(fixture('expired.pem'), '--cert-file'), keyFile: ref(fixture('server-key.pem'), '--key-file') });
    expect(read).toEqual({ ca, caFile: fixture('ca.pem'), cert, key, certFile: fixture('expired.pem') });
  });

  it('takes the key from the certificate file when it holds both', async () => {
    const both = write('both.pem', cert + key);
    const read = await readTlsFiles({ certFile: ref(both, '--cert-file') });
    expect(read?.key).toBe(cert + key);
  });

  it('resolves a relative path against its base', async () => {
    write('relative-ca.pem', ca);
    expect((await readTlsFiles({ caFile: { path: 'relative-ca.pem', from: 'ca_file of target `prod`', base: dir } }))?.ca).toBe(ca);
  });

  it('names an unreadable file, where it came from, and its place in the config', async () => {
    const at = { file: 'warren.config.yaml', line: 5, column: 14, path: '/targets/prod/ca_file' };
    const d = await failure(readTlsFiles({ caFile: { path: 'nope.pem', from: 'ca_file of target `prod`', base: dir, at } }));
    expect(d).toMatchObject({ code: 'TLS_FILE_UNREADABLE', file: 'warren.config.yaml', line: 5, column: 14 });
    expect(d.message).toBe('ca_file of target `prod` nope.pem: no such file; give a readable PEM file');
    expect((await failure(readTlsFiles({ caFile: ref(dir) }))).message).toContain('it is a directory');
  });

  it('rejects a CA file that is not a PEM certificate, with a hint, never showing a key', async () => {
    const asKey = await failure(readTlsFiles({ caFile: ref(fixture('server-key.pem')) }));
    expect(asKey.code).toBe('TLS_FILE_INVALID');
    expect(asKey.message).toContain('holds a private key');
    expect(asKey.message).not.toContain(keyBody);
    const der = Buffer.from((ca.split('-----')[2] ?? '').replace(/\s+/g, ''), 'base64');
    const asDer = await failure(readTlsFiles({ caFile: ref(write('ca.der', der)) }));
    expect(asDer.message).toContain('openssl x509 -inform der');
    const garbled = await failure(readTlsFiles({ caFile: ref(write('garbled.pem', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n')) }));
    expect(garbled.message).toContain('certificate 1 of 1 is malformed');
    expect((await failure(readTlsFiles({ caFile: ref(write('text.txt', 'hello')) }))).message).toContain('is not a PEM file');
  });

  it('wants a client certificate and its key together, and matching', async () => {
    const alone = await failure(readTlsFiles({ certFile: ref(fixture('expired.pem'), '--cert-file') }));
    expect(alone.message).toContain('without its key');
    const keyAlone = await failure(readTlsFiles({ keyFile: ref(fixture('server-key.pem'), '--key-file') }));
    expect(keyAlone.message).toContain('without a certificate');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const mismatch = await failure(readTlsFiles({ certFile: ref(fixture('expired.pem'), '--cert-file'), keyFile: ref(write('other-key.pem', other), 'WARREN_KEY_FILE') }));
    expect(mismatch.message).toContain('does not belong to the certificate');
    expect(mismatch.message).toContain('(WARREN_KEY_FILE)');
    expect(mismatch.message).not.toContain(other.split('\n')[1] ?? 'unreachable');
    const broken = await failure(readTlsFiles({ certFile: ref(fixture('expired.pem'), '--cert-file'), keyFile: ref(write('broken-key.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), '--key-file') }));
    expect(broken.message).toContain('is not a readable private key');
  });
});

describe('a failed TLS handshake', () => {
  const servers: Server[] = [];
  const ports = new Map<string, number>();
  const options: TlsOptions = { ca: readFileSync(fixture('ca.pem'), 'utf8'), caFile: 'fixture-ca.pem' };
  beforeAll(async () => {
    for (const name of ['expired', 'future']) {
      const server = createServer({ cert: readFileSync(fixture(`${name}.pem`)), key: readFileSync(fixture('server-key.pem')) }, (s) => s.end());
      server.on('tlsClientError', () => undefined);
      await new Promise<void>((ok) => server.listen({ host: '127.0.0.1', port: 0 }, ok));
      servers.push(server);
      ports.set(name, (server.address() as AddressInfo).port);
    }
  });
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((ok) => s.close(() => ok()));
  });

  it.each([
    ['expired', 'TLS_CERT_EXPIRED', 'has expired'],
    ['future', 'TLS_CERT_NOT_YET_VALID', 'is not valid yet'],
  ])('to a server whose certificate is %s: %s over https and amqps, at once', async (name, code, words) => {
    const port = ports.get(name) ?? 0;
    const http = new ManagementClient(`https://u:secret@localhost:${port}`, { tls: options, retries: 2 });
    const t0 = Date.now();
    const overHttp = await failure(http.get('/api/overview'));
    await http.close();
    expect(overHttp).toMatchObject({ code });
    expect(overHttp.message).toBe(`the TLS certificate of localhost:${port} (management API) ${words}; ${code === 'TLS_CERT_EXPIRED' ? "renew the broker's certificate, or check this machine's clock" : "check this machine's clock, or the broker's certificate"}`);
    // Not retried: a certificate does not change between attempts (the backoff alone is 0.5 s).
    expect(Date.now() - t0).toBeLessThan(400);
    const conn = new VhostConnection('/', amqpTarget(`amqps://u:secret@localhost:${port}`, '/', options), 5_000);
    const overAmqp = await failure(conn.channel());
    await conn.close();
    expect(overAmqp).toMatchObject({ code });
    expect(overAmqp.message).toContain(`localhost:${port} (AMQP)`);
  });

  it('of a certificate from another CA is TLS_CERT_UNTRUSTED, naming the CA file given', () => {
    // (Against the broker, with and without a CA: test/integration/tls.test.ts.)
    const err = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(tlsFailure(err, { hostPort: 'h:1', api: 'AMQP' }, { ca: 'C', caFile: 'other-ca.pem' })?.message).toBe(
      'the TLS certificate of h:1 (AMQP) is not trusted (unable to verify the first certificate); the CA in other-ca.pem did not sign it; give the CA that did with --ca-file (or WARREN_CA_FILE, or ca_file of the target in warren.config.yaml)',
    );
  });

  it('leaves errors that are not of TLS to the caller', () => {
    const peer = { hostPort: 'h:1', api: 'management API' } as const;
    expect(tlsFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), peer, undefined)).toBeUndefined();
    // A socket closed before a byte: a refused client certificate only when one was sent.
    const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET', socket: { bytesRead: 0 } });
    expect(tlsFailure(closed, peer, undefined)).toBeUndefined();
    expect(tlsFailure(closed, peer, { cert: 'C', key: 'K', certFile: 'me.pem' })?.code).toBe('TLS_CLIENT_CERT_REJECTED');
    expect(tlsFailure({ ...closed, socket: { bytesRead: 10 } }, peer, { cert: 'C', key: 'K' })).toBeUndefined();
  });
});
