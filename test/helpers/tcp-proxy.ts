/**
 * A small TCP proxy for fault injection: it sits between Warren and the broker
 * (AMQP or management HTTP) and can
 * - cut every connection once `cutAfterBytes` bytes (both directions, all
 *   connections together) have passed, then refuse or pass new ones;
 * - hang: accept connections and never forward a byte (a node that does not answer).
 *
 * Bytes are counted exactly: the chunk that crosses the limit is forwarded only
 * up to it, so a cut can fall inside a frame or an HTTP header.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface ProxyOptions {
  /** Where to forward, e.g. 127.0.0.1:56720 */
  readonly host: string;
  readonly port: number;
  /** Cut everything after this many bytes in total; undefined never cuts */
  readonly cutAfterBytes?: number;
  /** After the cut: `refuse` closes the listener (connection refused), `reset` accepts and destroys at once, `pass` forwards again (a blip). Default `refuse`. */
  readonly afterCut?: 'refuse' | 'reset' | 'pass';
  /** Accept connections and never forward or answer anything */
  readonly hang?: boolean;
  /** Address to listen on; default 127.0.0.1 (Linux answers on all of 127.0.0.0/8) */
  readonly listenHost?: string;
}

export interface TcpProxy {
  readonly port: number;
  /** Bytes forwarded so far (both directions) */
  bytes(): number;
  /** True once the cut happened */
  cut(): boolean;
  /** Connections accepted so far */
  connections(): number;
  close(): Promise<void>;
}

export async function startProxy(opts: ProxyOptions): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let total = 0;
  let accepted = 0;
  let isCut = false;
  let listening = true;

  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };

  const doCut = (): void => {
    if (isCut) return;
    isCut = true;
    for (const s of sockets) s.destroy();
    sockets.clear();
    if ((opts.afterCut ?? 'refuse') === 'refuse' && listening) {
      listening = false;
      server.close();
    }
  };

  /** Forward `chunk` to `to`, up to the byte budget; returns false once cut. */
  const forward = (chunk: Buffer, to: Socket): boolean => {
    const limit = opts.cutAfterBytes;
    if (isCut && opts.afterCut !== 'pass') return false;
    if (limit === undefined || isCut) {
      total += chunk.length;
      to.write(chunk);
      return true;
    }
    const room = limit - total;
    if (chunk.length < room) {
      total += chunk.length;
      to.write(chunk);
      return true;
    }
    if (room > 0) {
      total += room;
      // Let the partial chunk reach the peer before the cut, as a real break would.
      to.write(chunk.subarray(0, room), () => doCut());
      setTimeout(doCut, 20);
    } else {
      doCut();
    }
    return false;
  };

  const server: Server = createServer((client) => {
    accepted++;
    track(client);
    if (opts.hang) {
      client.on('data', () => undefined);
      return;
    }
    if (isCut && opts.afterCut === 'reset') {
      client.destroy();
      return;
    }
    const upstream = connect({ host: opts.host, port: opts.port });
    track(upstream);
    client.pause();
    upstream.on('connect', () => client.resume());
    client.on('data', (d: Buffer) => {
      if (!forward(d, upstream)) client.pause();
    });
    upstream.on('data', (d: Buffer) => {
      if (!forward(d, client)) upstream.pause();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.listenHost ?? '127.0.0.1', port: 0 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    bytes: () => total,
    cut: () => isCut,
    connections: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      if (listening) {
        listening = false;
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (connection refused). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `scheme://user:pass@host:port/path` with host:port replaced by 127.0.0.1:`port`. */
export function viaPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString().replace(/\/$/, '');
}
