// Plain broker access for the benchmark's baselines: a keep-alive management
// API client (undici) and AMQP connections (amqplib). Deliberately not
// Warren's own code, so that the baselines measure the broker, not Warren.
import { connect } from 'amqplib';
import { Pool } from 'undici';

export class Mgmt {
  constructor(url, connections = 1) {
    const u = new URL(url);
    this.auth = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username || 'guest')}:${decodeURIComponent(u.password || 'guest')}`).toString('base64');
    this.base = u.pathname.replace(/\/+$/, '');
    // Deleting a vhost of 50k queues or importing them takes minutes on a small broker.
    this.pool = new Pool(u.origin, { connections, headersTimeout: 900_000, bodyTimeout: 900_000, keepAliveTimeout: 30_000 });
  }

  /** One request; resolves with `{ status, body }` (parsed JSON when there is a body), throws on a non-2xx status. */
  async req(method, path, body) {
    const headers = { authorization: this.auth, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.pool.request({ method, path: this.base + path, headers, body: body === undefined ? null : JSON.stringify(body) });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    }
    return { status: res.statusCode, body: text === '' ? null : JSON.parse(text), bytes: text.length };
  }

  get(path) {
    return this.req('GET', path);
  }

  close() {
    return this.pool.close();
  }
}

export const enc = encodeURIComponent;

export async function createVhost(mgmt, vhost) {
  await mgmt.req('PUT', `/api/vhosts/${enc(vhost)}`, {});
}

export async function deleteVhost(mgmt, vhost) {
  try {
    await mgmt.req('DELETE', `/api/vhosts/${enc(vhost)}`);
  } catch (err) {
    if (!/HTTP 404/.test(String(err))) throw err;
  }
}

export function amqpUrlFor(amqpUrl, vhost) {
  const u = new URL(amqpUrl);
  u.pathname = `/${enc(vhost)}`;
  return u.toString();
}

export async function amqpConnect(amqpUrl, vhost) {
  return connect(amqpUrlFor(amqpUrl, vhost), { clientProperties: { connection_name: 'warren bench baseline' } });
}
