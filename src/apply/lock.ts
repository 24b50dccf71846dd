/**
 * The apply lock: an exclusive queue on the broker itself, held for the whole
 * apply. The broker deletes it when the holding connection closes, so a
 * crashed apply never leaves a stale lock. A second apply waits for it, then
 * fails saying who holds it.
 */
import { hostname } from 'node:os';
import { diagnostic, WarrenError, type Diagnostic } from '../model/diagnostics.js';
import { unreachableWarnings, type UnreachableEndpoint } from '../live/endpoints.js';
import type { ManagementClient } from '../live/http.js';
import { seg } from '../live/http.js';
import type { TlsOptions } from '../live/tls.js';
import { amqpTarget, VhostConnection } from './amqp-connection.js';
import { parseAmqpError } from './errors.js';

/** The lock queue's name; exclusive queues are never diffed, so it never shows in a plan. */
export const LOCK_QUEUE = 'warren.apply-lock';

export interface LockHolder {
  readonly host: string;
  readonly pid: number;
  readonly started: string;
}

export interface Lock {
  /** The vhost the lock lives in */
  readonly vhost: string;
  /** AMQP endpoints of a list that did not answer while taking the lock (ENDPOINT_UNREACHABLE) */
  readonly warnings: readonly Diagnostic[];
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to wait for another apply to finish (ms) */
  readonly timeoutMs: number;
  /** Poll interval while waiting (ms) */
  readonly pollMs?: number;
  /** Told once when the lock is busy, with who holds it */
  readonly onWait?: (holder: LockHolder | undefined) => void;
  /** CA and client certificate for an amqps:// URL */
  readonly tls?: TlsOptions | undefined;
}

/**
 * Take the lock in `vhost`. Resolves once held; rejects with LOCK_TIMEOUT
 * (naming the holder) when another apply keeps it longer than the timeout.
 */
export async function acquireLock(amqpUrl: string, client: ManagementClient, vhost: string, options: LockOptions): Promise<Lock> {
  const me: LockHolder = { host: hostname(), pid: process.pid, started: new Date().toISOString() };
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  const unreachable: UnreachableEndpoint[] = [];
  for (;;) {
    const conn = new VhostConnection(vhost, amqpTarget(amqpUrl, vhost, options.tls), 10_000);
    try {
      const ch = await conn.channel().finally(() => unreachable.push(...conn.unreachable));
      await ch.assertQueue(LOCK_QUEUE, {
        exclusive: true,
        durable: false,
        autoDelete: true,
        arguments: { 'x-warren-holder': JSON.stringify(me) },
      });
      // Deleted before the close: a broker drops an exclusive queue of a closed connection
      // asynchronously (4.3 still lists it right after), and the lock must be gone when apply returns.
      const release = async (): Promise<void> => {
        await ch.deleteQueue(LOCK_QUEUE).catch(() => undefined);
        await conn.close();
      };
      return { vhost, warnings: unreachableWarnings(unreachable), release };
    } catch (err) {
      await conn.close();
      const failure = parseAmqpError(err);
      if (failure.code !== 405) throw err instanceof WarrenError ? err : new WarrenError(diagnostic('LOCK_FAILED', `cannot take the apply lock in vhost "${vhost}": ${failure.text}`));
      const holder = await lockHolder(client, vhost);
      if (!told) {
        options.onWait?.(holder);
        told = true;
      }
      if (Date.now() >= deadline) {
        const who = holder ? `${holder.host} (pid ${holder.pid}, started ${holder.started})` : 'another connection';
        throw new WarrenError(
          diagnostic(
            'LOCK_TIMEOUT',
            `another apply holds the lock on vhost "${vhost}": ${who}; waited ${Math.round(options.timeoutMs / 1000)}s. ` +
              'Wait for it to finish, or raise --lock-timeout',
          ),
        );
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
  }
}

/** Who holds the lock, from the lock queue's arguments. */
async function lockHolder(client: ManagementClient, vhost: string): Promise<LockHolder | undefined> {
  try {
    const q = (await client.get(`/api/queues/${seg(vhost)}/${seg(LOCK_QUEUE)}?disable_stats=true`)) as { arguments?: Record<string, unknown> };
    const raw = q.arguments?.['x-warren-holder'];
    return typeof raw === 'string' ? (JSON.parse(raw) as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the lock lives: the first declared vhost that exists (so two applies
 * of the same spec meet there), else the default vhost `/`.
 */
export function lockVhost(declared: readonly string[], existing: readonly string[]): string {
  const live = new Set(existing);
  return [...declared].sort().find((v) => live.has(v)) ?? '/';
}
