/**
 * One amqplib connection per vhost, opened lazily, handing out channels.
 * The connection remembers why the broker closed it (e.g. 503 for an unknown
 * exchange type), so that steps whose channels died with it can say why.
 * With several AMQP URLs (a comma list: the nodes of a cluster) it connects
 * to the first that answers, and lists the others in `unreachable`.
 * amqps:// URLs use the target's `tls` (a CA to trust, a client certificate);
 * a failed TLS handshake is its own TLS_* error, not failed over.
 */
import type { Channel, ChannelModel, Options } from 'amqplib';
import { diagnostic, WarrenError } from '../model/diagnostics.js';
import { describeNetworkError, errorCode } from '../live/http.js';
import { FAILOVER_CONNECT_TIMEOUT_MS, knownDown, noAnswerWithin, rememberDown, splitUrls, type UnreachableEndpoint } from '../live/endpoints.js';
import { tlsConnectOptions, tlsFailure, type TlsOptions } from '../live/tls.js';
import { redactSecrets, redactUrl, safeDecode } from '../util/redact.js';
import { parseAmqpError, type AmqpFailure } from './errors.js';

/** amqplib's `connect`, loaded on first use: commands that never speak AMQP do not pay for loading it. */
export async function amqpConnect(target: AmqpTarget, socketOptions: Record<string, unknown> = {}): Promise<ChannelModel> {
  const { connect } = await import('amqplib');
  // The target's TLS material goes with every connection to it: no caller can leave it out.
  return connect(target.connect, { ...tlsConnectOptions(target.tls), ...socketOptions });
}

export interface AmqpTarget {
  readonly connect: Options.Connect;
  /** The URL for this vhost with the password masked, for messages */
  readonly redactedUrl: string;
  readonly user: string;
  readonly password: string;
  /** TLS material for an amqps:// URL (absent for amqp://) */
  readonly tls?: TlsOptions;
  /** The other URLs of the list, tried in order when this one does not answer */
  readonly fallbacks?: readonly AmqpTarget[];
}

const DEFAULT_HEARTBEAT_S = 30;
/** How long closing a connection may take before Warren drops the socket. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * The AMQP URL re-pointed at `vhost` (`/` → `%2F`), credentials kept. Query
 * parameters `heartbeat` and `frame_max`/`frameMax` are honoured. A comma list
 * gives the first URL, with the others as its `fallbacks`.
 */
export function amqpTarget(amqpUrl: string, vhost: string, tls?: TlsOptions): AmqpTarget {
  const urls = splitUrls(amqpUrl);
  if (urls.length === 0) throw new WarrenError(diagnostic('BAD_AMQP_URL', 'the AMQP URL is empty; use e.g. amqp://user:password@localhost:5672'));
  const [first, ...rest] = urls.map((u) => oneTarget(u, vhost, tls));
  return rest.length === 0 ? (first as AmqpTarget) : { ...(first as AmqpTarget), fallbacks: rest };
}

function oneTarget(amqpUrl: string, vhost: string, tlsOptions: TlsOptions | undefined): AmqpTarget {
  let u: URL;
  try {
    u = new URL(amqpUrl);
  } catch {
    throw new WarrenError(diagnostic('BAD_AMQP_URL', `the AMQP URL ${redactUrl(amqpUrl)} is not a valid URL; use e.g. amqp://user:password@localhost:5672`));
  }
  if (u.protocol !== 'amqp:' && u.protocol !== 'amqps:') {
    throw new WarrenError(diagnostic('BAD_AMQP_URL', `the AMQP URL ${redactUrl(amqpUrl)} must start with amqp:// or amqps://`));
  }
  const tls = u.protocol === 'amqps:';
  const hasUser = u.username !== '' || u.password !== '';
  const user = hasUser ? safeDecode(u.username) : 'guest';
  const password = hasUser ? safeDecode(u.password) : 'guest';
  const port = u.port === '' ? (tls ? 5671 : 5672) : Number(u.port);
  const hostname = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const heartbeat = Number(u.searchParams.get('heartbeat') ?? DEFAULT_HEARTBEAT_S);
  const frameMax = u.searchParams.get('frame_max') ?? u.searchParams.get('frameMax');
  const options: Options.Connect = {
    protocol: tls ? 'amqps' : 'amqp',
    hostname,
    port,
    username: user,
    password,
    heartbeat: Number.isFinite(heartbeat) ? heartbeat : DEFAULT_HEARTBEAT_S,
    // amqplib percent-decodes the vhost it is given
    vhost: encodeURIComponent(vhost),
    ...(frameMax !== null && Number.isFinite(Number(frameMax)) ? { frameMax: Number(frameMax) } : {}),
  };
  const auth = hasUser ? `${u.username}${u.password === '' ? '' : ':****'}@` : '';
  const redactedUrl = `${u.protocol}//${auth}${u.host}/${encodeURIComponent(vhost)}`;
  return { connect: options, redactedUrl, user, password, ...(tls && tlsOptions ? { tls: tlsOptions } : {}) };
}

export class VhostConnection {
  readonly vhost: string;
  readonly target: AmqpTarget;
  private opening: Promise<ChannelModel> | undefined;
  private model: ChannelModel | undefined;
  private readonly channels = new Set<Channel>();
  /** Why the broker closed the connection, once it did */
  closedBy: AmqpFailure | undefined;
  closed = false;
  /** Endpoints of the list that did not answer before one did */
  readonly unreachable: UnreachableEndpoint[] = [];

  constructor(vhost: string, target: AmqpTarget, private readonly connectTimeoutMs: number) {
    this.vhost = vhost;
    this.target = target;
  }

  /** A new channel; opens the connection on first use. */
  async channel(): Promise<Channel> {
    const model = await this.open();
    if (this.closed) throw this.closedError();
    const ch = await model.createChannel();
    // A broker-closed channel emits 'error'; the failed RPC already carries it.
    ch.on('error', () => undefined);
    ch.on('close', () => this.channels.delete(ch));
    this.channels.add(ch);
    return ch;
  }

  /** The error to report for a step that died with the connection. */
  closedError(): WarrenError {
    const why = this.closedBy ? `${this.closedBy.text}${this.closedBy.code === undefined ? '' : ` (AMQP ${this.closedBy.code})`}` : 'the connection was closed';
    return new WarrenError(diagnostic('APPLY_CONNECTION_CLOSED', `the broker closed the AMQP connection to vhost '${this.vhost}': ${why}`));
  }

  private open(): Promise<ChannelModel> {
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<ChannelModel> {
    const candidates = [this.target, ...(this.target.fallbacks ?? [])];
    const timeout = candidates.length > 1 ? Math.min(this.connectTimeoutMs, FAILOVER_CONNECT_TIMEOUT_MS) : this.connectTimeoutMs;
    let model: ChannelModel | undefined;
    const failures: string[] = [];
    for (const [i, target] of candidates.entries()) {
      // Found silent a moment ago by another connection of this process: skip it while another URL remains.
      const remembered = i < candidates.length - 1 ? knownDown('amqp', target.redactedUrl) : undefined;
      if (remembered !== undefined) {
        this.unreachable.push({ api: 'amqp', url: target.redactedUrl, reason: remembered });
        failures.push(`${target.redactedUrl} (${remembered})`);
        continue;
      }
      try {
        model = await amqpConnect(target, {
          timeout,
          clientProperties: { connection_name: `warren apply (${this.vhost})` },
        });
        break;
      } catch (err) {
        const error = this.connectError(err, target);
        // A refused login or vhost is the same on every node: report it, do not hide it behind failover.
        const first = error.diagnostics[0];
        if (first?.code !== 'BROKER_UNREACHABLE' || i === candidates.length - 1) {
          if (failures.length === 0 || !first) throw error;
          throw new WarrenError(diagnostic(first.code, `${first.message}; before it: ${failures.join('; ')}`));
        }
        const reason = redactSecrets(netReason(err, timeout), [target.password]);
        this.unreachable.push({ api: 'amqp', url: target.redactedUrl, reason });
        rememberDown('amqp', target.redactedUrl, reason);
        failures.push(`${target.redactedUrl} (${reason})`);
      }
    }
    if (!model) throw this.connectError(new Error('no AMQP URL'), this.target);
    model.on('error', (err: Error) => {
      this.closedBy ??= parseAmqpError(err);
    });
    model.on('close', (err?: Error) => {
      this.closed = true;
      if (err) this.closedBy ??= parseAmqpError(err);
    });
    this.model = model;
    return model;
  }

  private connectError(err: unknown, target: AmqpTarget): WarrenError {
    const url = target.redactedUrl;
    const failure = parseAmqpError(err);
    const text = redactSecrets(failure.text, [target.password]);
    if (failure.code === 403 || /ACCESS_REFUSED/.test(text)) {
      return new WarrenError(
        diagnostic('BROKER_AUTH_FAILED', `the broker at ${url} refused the login of user '${target.user}' (${text}); check the user and password where they come from: --amqp-url, WARREN_AMQP_URL, or the target's username_env / password_env in warren.config.yaml`),
      );
    }
    if (failure.code === 530 || /NOT_ALLOWED/.test(text)) {
      return new WarrenError(
        diagnostic('APPLY_STEP_FAILED', `cannot open vhost '${this.vhost}' at ${url} (${text}); grant user '${target.user}' permissions on the vhost`),
      );
    }
    const tls = tlsFailure(err, { hostPort: `${target.connect.hostname ?? ''}:${target.connect.port ?? ''}`, api: 'AMQP' }, target.tls);
    if (tls) return new WarrenError(tls);
    const netCode = errorCode(err);
    const why = netCode !== undefined ? describeNetworkError(err) : text;
    return new WarrenError(
      diagnostic('BROKER_UNREACHABLE', `cannot reach RabbitMQ over AMQP at ${url} (${why}); start the broker, or point Warren at it with --amqp-url or WARREN_AMQP_URL`),
    );
  }

  /** Closes every channel and the connection; never throws, never hangs. */
  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined);
    const model = this.model;
    if (!model || this.closed) return;
    // amqplib never settles a channel close that is in flight when the socket
    // dies (it waits for a CloseOk that cannot come): found by the fault tests,
    // where a cut during the apply hung the lock's release. Stop waiting when
    // the connection closes, or after CLOSE_TIMEOUT_MS, and drop the socket.
    let timer: NodeJS.Timeout | undefined;
    const gone = new Promise<void>((resolve) => {
      model.once('close', () => resolve());
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    });
    const orderly = (async (): Promise<void> => {
      await Promise.all([...this.channels].map((ch) => ch.close().catch(() => undefined)));
      await model.close().catch(() => undefined);
    })();
    await Promise.race([orderly, gone]);
    clearTimeout(timer);
    this.closed = true;
    (model as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
  }
}

/**
 * Plain words for a failed connect. amqplib's own timeout error carries no
 * code; its `timeout` is an idle timeout on the socket that stays armed until
 * the AMQP handshake is complete (lib/connect.js clears it in the open
 * callback), so it fires both for a TCP connect that never completes and for
 * a peer that accepts and then says nothing: "no answer" covers both.
 */
function netReason(err: unknown, timeoutMs: number): string {
  if (errorCode(err) !== undefined) return describeNetworkError(err);
  const message = err instanceof Error ? err.message : String(err);
  return /ETIMEDOUT/.test(message) ? noAnswerWithin(timeoutMs) : message;
}
