/**
 * Management API JSON → model resources. The one place where the broker's
 * `unknown` JSON is narrowed, and where live defaults are applied so that
 * live resources have the same shapes as the spec side's (see model/types).
 *
 * Implicit resources are dropped here (rabbitmq-semantics.md §5): the default
 * exchange, `amq.*` exchanges, exclusive and server-named (`amq.gen-*`) queues,
 * federation-owned exchanges and queues, and every default-exchange binding.
 * Bindings whose source is an `amq.*` exchange are user state and are kept.
 */
import { diagnostic, WarrenError } from '../model/diagnostics.js';
import { bindingKey, bindingName } from '../model/keys.js';
import {
  QUEUE_TYPES,
  type ArgValue,
  type Args,
  type BindingResource,
  type BrokerInfo,
  type DestinationType,
  type ExchangeResource,
  type QueueResource,
  type QueueType,
  type VhostResource,
} from '../model/types.js';

type Json = Record<string, unknown>;

export function unexpected(where: string, what: string): WarrenError {
  return new WarrenError(
    diagnostic('LIVE_UNEXPECTED_RESPONSE', `${where}: ${what}; is the URL a RabbitMQ management API (3.10 or later)?`),
  );
}

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function rows(json: unknown, where: string): Json[] {
  if (!Array.isArray(json)) throw unexpected(where, 'expected a JSON array');
  return json.map((row, i) => {
    if (!isRecord(row)) throw unexpected(where, `item ${i} is not an object`);
    return row;
  });
}

export function str(row: Json, key: string, where: string): string {
  const v = row[key];
  if (typeof v !== 'string') throw unexpected(where, `an item has no string '${key}' (got ${JSON.stringify(v)})`);
  return v;
}

/** A boolean flag; `null` and missing read as false (3.10 reports `exclusive: null` for quorum queues with queue totals). */
function flag(row: Json, key: string): boolean {
  return row[key] === true;
}

/** Narrows an argument table; anything JSON can carry is a valid value. */
export function normalizeArgs(value: unknown, where: string): Args {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw unexpected(where, `'arguments' is not an object (got ${JSON.stringify(value)})`);
  const out: Record<string, ArgValue> = {};
  for (const [k, v] of Object.entries(value)) out[k] = argValue(v, where);
  return out;
}

function argValue(v: unknown, where: string): ArgValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map((x) => argValue(x, where));
  if (isRecord(v)) {
    const out: Record<string, ArgValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = argValue(x, where);
    return out;
  }
  throw unexpected(where, `an argument value is not JSON data (got ${typeof v})`);
}

export function isQueueType(v: unknown): v is QueueType {
  return typeof v === 'string' && (QUEUE_TYPES as readonly string[]).includes(v);
}

/** `GET /api/overview` → broker facts. */
export function normalizeOverview(json: unknown): BrokerInfo {
  const where = 'GET /api/overview';
  if (!isRecord(json)) throw unexpected(where, 'expected a JSON object');
  const version = str(json, 'rabbitmq_version', where);
  const types = json['exchange_types'];
  const exchangeTypes = Array.isArray(types)
    ? types.flatMap((t) => (isRecord(t) && typeof t['name'] === 'string' ? [t['name']] : []))
    : [];
  return { version, exchangeTypes };
}

/** 3.10 answers tags as an array; older and some proxied answers as `"a,b"`. */
export function tagList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((t): t is string => typeof t === 'string' && t !== '');
  if (typeof v === 'string') return v.split(',').map((t) => t.trim()).filter((t) => t !== '');
  return [];
}

/** `GET /api/vhosts` → the declared vhosts that exist (`declared` null: every vhost). */
export function normalizeVhosts(json: unknown, declared: readonly string[] | null): VhostResource[] {
  const where = 'GET /api/vhosts';
  const wanted = declared ? new Set(declared) : null;
  const out: VhostResource[] = [];
  const all = rows(json, where);
  for (const row of all) {
    // 4.3 lists a vhost that is being deleted, for a moment, as its leftover stats and
    // metadata with no name (measured on 4.3.6: 2 of 2,000 listings during create/delete churn).
    if (row['name'] === undefined && all.some((r) => typeof r['name'] === 'string')) continue;
    const name = str(row, 'name', where);
    if (wanted && !wanted.has(name)) continue;
    const meta = isRecord(row['metadata']) ? row['metadata'] : {};
    const description = row['description'] ?? meta['description'];
    const dqt = row['default_queue_type'] ?? meta['default_queue_type'];
    // Reported from 4.0.6 on (true or false); earlier brokers have no deletion protection.
    const protection = row['protected_from_deletion'] ?? meta['protected_from_deletion'];
    out.push({
      kind: 'vhost',
      vhost: name,
      name,
      description: typeof description === 'string' ? description : '',
      tags: tagList(row['tags'] ?? meta['tags']),
      // 3.10 reports the string 'undefined' for a vhost without one
      default_queue_type: isQueueType(dqt) ? dqt : 'classic',
      protected_from_deletion: protection === true,
    });
  }
  return out;
}

/** Why a live queue is implicit (not user topology), or null. */
export function implicitQueue(name: string, exclusive: boolean): string | null {
  if (exclusive) return 'exclusive';
  if (name.startsWith('amq.gen-')) return 'server-named';
  if (name.startsWith('federation: ')) return 'federation';
  return null;
}

/** Why a live exchange is implicit, or null. */
export function implicitExchange(name: string, type: string): string | null {
  if (name === '') return 'default exchange';
  if (name.startsWith('amq.')) return 'predeclared';
  if (type === 'x-federation-upstream' || name.startsWith('federation: ')) return 'federation';
  return null;
}

export interface NormalizedQueues {
  readonly queues: QueueResource[];
  /** Names of implicit queues that were dropped (their bindings are dropped too). */
  readonly hidden: ReadonlySet<string>;
  /** Every dropped queue with the reason, for reports (`warren export` comments). */
  readonly skipped: readonly Skipped[];
}

/** A live resource that is not user topology, and why. */
export interface Skipped {
  readonly name: string;
  readonly reason: string;
}

/** `GET /api/queues/{vhost}` → queues; `x-queue-type` moves out of `arguments` into `type`. */
export function normalizeQueues(json: unknown, vhost: string): NormalizedQueues {
  const where = `GET /api/queues/${vhost}`;
  const queues: QueueResource[] = [];
  const hidden = new Set<string>();
  const skipped: Skipped[] = [];
  for (const row of rows(json, where)) {
    const name = str(row, 'name', where);
    const implicit = implicitQueue(name, flag(row, 'exclusive'));
    if (implicit) {
      hidden.add(name);
      skipped.push({ name, reason: implicit });
      continue;
    }
    const { 'x-queue-type': argType, ...args } = normalizeArgs(row['arguments'], `${where} (queue '${name}')`);
    const rawType = row['type'] ?? argType ?? 'classic';
    if (!isQueueType(rawType)) {
      throw unexpected(where, `queue '${name}' has type ${JSON.stringify(rawType)}, which Warren does not know (expected ${QUEUE_TYPES.join(', ')})`);
    }
    const base = {
      kind: 'queue' as const,
      vhost,
      name,
      type: rawType,
      durable: flag(row, 'durable'),
      auto_delete: flag(row, 'auto_delete'),
      arguments: args,
    };
    const messages = row['messages'];
    const consumers = row['consumers'];
    const unavailable = unavailableQueue(rawType, row['state'], row['node']);
    queues.push({
      ...base,
      ...(typeof messages === 'number' ? { messages } : {}),
      ...(typeof consumers === 'number' ? { consumers } : {}),
      ...(unavailable !== undefined ? { unavailable } : {}),
    });
  }
  return { queues, hidden, skipped };
}

export interface NormalizedExchanges {
  readonly exchanges: ExchangeResource[];
  /** Federation-owned exchanges that were dropped (their bindings are dropped too). `amq.*` is not in here. */
  readonly hidden: ReadonlySet<string>;
  /** Every dropped exchange with the reason (`amq.*` and the default exchange included). */
  readonly skipped: readonly Skipped[];
}

/** `GET /api/exchanges/{vhost}` → user exchanges. */
export function normalizeExchanges(json: unknown, vhost: string): NormalizedExchanges {
  const where = `GET /api/exchanges/${vhost}`;
  const exchanges: ExchangeResource[] = [];
  const hidden = new Set<string>();
  const skipped: Skipped[] = [];
  for (const row of rows(json, where)) {
    const name = str(row, 'name', where);
    const type = str(row, 'type', where);
    const why = implicitExchange(name, type);
    if (why === 'federation') hidden.add(name);
    if (why) {
      skipped.push({ name, reason: why });
      continue;
    }
    exchanges.push({
      kind: 'exchange',
      vhost,
      name,
      type,
      durable: flag(row, 'durable'),
      auto_delete: flag(row, 'auto_delete'),
      internal: flag(row, 'internal'),
      arguments: normalizeArgs(row['arguments'], `${where} (exchange '${name}')`),
    });
  }
  return { exchanges, hidden, skipped };
}

export interface HiddenNames {
  readonly queues: ReadonlySet<string>;
  readonly exchanges: ReadonlySet<string>;
}

/**
 * `GET /api/bindings/{vhost}` → bindings keyed by identity. Rows that are
 * JSON-identical (same key) are type aliases on the broker: they merge into
 * one resource listing every row's `properties_key`.
 */
export function normalizeBindings(json: unknown, vhost: string, hidden: HiddenNames): BindingResource[] {
  const where = `GET /api/bindings/${vhost}`;
  const byKey = new Map<string, { binding: BindingResource; keys: string[] }>();
  for (const row of rows(json, where)) {
    const source = str(row, 'source', where);
    if (source === '') continue; // each queue's implicit default-exchange binding
    const destination = str(row, 'destination', where);
    const destType = str(row, 'destination_type', where);
    if (destType !== 'queue' && destType !== 'exchange') {
      throw unexpected(where, `binding ${source} -> ${destination} has destination_type ${JSON.stringify(destType)}`);
    }
    const destination_type: DestinationType = destType;
    if (hidden.exchanges.has(source)) continue;
    if (destination_type === 'queue' ? hidden.queues.has(destination) : hidden.exchanges.has(destination)) continue;
    const routing_key = str(row, 'routing_key', where);
    const args = normalizeArgs(row['arguments'], `${where} (binding ${source} -> ${destination})`);
    const propertiesKey = row['properties_key'];
    const identity = { vhost, source, destination, destination_type, routing_key, arguments: args };
    const key = bindingKey(identity);
    let entry = byKey.get(key);
    if (!entry) {
      entry = {
        binding: { kind: 'binding', ...identity, name: bindingName(identity) },
        keys: [],
      };
      byKey.set(key, entry);
    }
    if (typeof propertiesKey === 'string' && !entry.keys.includes(propertiesKey)) entry.keys.push(propertiesKey);
  }
  return [...byKey.values()].map(({ binding, keys }) => ({ ...binding, properties_keys: keys }));
}

/**
 * Classic queue states in which the queue's process is not running: its node
 * is down (`down`), or it failed (`crashed`, `stopped`). The broker then lists
 * none of its bindings, and refuses to bind to it or declare it (verified on a
 * 3-node 3.10.8 cluster). Quorum queues and streams live on several nodes and
 * keep their bindings.
 */
const UNAVAILABLE_STATES = new Set(['down', 'crashed', 'stopped']);

/** Why a queue listed with `state` and `node` cannot be used now, or undefined. */
export function unavailableQueue(type: string, state: unknown, node: unknown): string | undefined {
  if (type !== 'classic' || typeof state !== 'string' || !UNAVAILABLE_STATES.has(state)) return undefined;
  const where = typeof node === 'string' && node !== '' ? node : 'its node';
  return state === 'down' ? `its node ${where} is down` : `it is ${state} on ${where}`;
}
