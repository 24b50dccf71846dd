/**
 * Semantic checks of the merged spec: references between resources, names,
 * exchange types, arguments, queue options, policy definitions and shovel or
 * federation URIs RabbitMQ would reject. Each diagnostic points at the field
 * that is wrong.
 */
import { BUILTIN_EXCHANGE_TYPES } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import type { BindingDecl, ExchangeDecl, MergedQueue, Origin, SpecModel } from './declarations.js';
import { X_MATCH_VALUES, checkArgumentValue, checkExchangeArguments, checkQueueArguments } from './arguments.js';
import { KNOWN_EXCHANGE_TYPES, MAX_NAME_BYTES, PREDECLARED_EXCHANGES, checkResourceName, checkVhostName, utf8Bytes } from './names.js';
import { q } from './describe.js';
import { closest } from './suggest.js';
import { HASH_FIX, MAX_HASH_WORDS, hashWords, tooManyHashes } from './topic-keys.js';
import { checkParameterUris, checkParameterValues, checkPolicyDefinition } from './validate-kinds.js';

interface VhostIndex {
  readonly exchanges: Map<string, ExchangeDecl>;
  readonly queues: Map<string, MergedQueue>;
}

/** All semantic diagnostics of a merged spec (errors and warnings). */
export function validateSpec(model: SpecModel): Diagnostic[] {
  const index = indexByVhost(model);
  const out: Diagnostic[] = [];
  for (const [name, { origin }] of model.vhosts) out.push(...checkVhostName(name, origin.at));
  for (const x of model.exchanges) out.push(...checkExchange(x, index));
  for (const queue of model.queues) out.push(...checkQueue(queue));
  for (const b of model.bindings) out.push(...checkBinding(b, index));
  for (const { resource: r, origin } of model.others) {
    if (r.kind === 'policy' || r.kind === 'operator_policy') out.push(...checkPolicyDefinition(r, origin));
    else if (r.kind === 'parameter') out.push(...checkParameterUris(r, origin), ...checkParameterValues(r, origin));
  }
  return out;
}

function indexByVhost(model: SpecModel): ReadonlyMap<string, VhostIndex> {
  const index = new Map<string, VhostIndex>();
  const get = (vhost: string): VhostIndex => {
    let v = index.get(vhost);
    if (!v) {
      v = { exchanges: new Map(), queues: new Map() };
      index.set(vhost, v);
    }
    return v;
  };
  for (const x of model.exchanges) get(x.resource.vhost).exchanges.set(x.resource.name, x);
  for (const queue of model.queues) get(queue.resource.vhost).queues.set(queue.resource.name, queue);
  return index;
}

function checkExchange({ resource: x, origin }: ExchangeDecl, index: ReadonlyMap<string, VhostIndex>): Diagnostic[] {
  const out = checkResourceName('exchange', x.name, origin.at);
  const builtin = (BUILTIN_EXCHANGE_TYPES as readonly string[]).includes(x.type);
  if (!builtin && !/^x-./.test(x.type)) {
    const mean = closest(x.type, KNOWN_EXCHANGE_TYPES);
    out.push(
      diagnostic(
        'UNKNOWN_EXCHANGE_TYPE',
        `unknown exchange type ${q(x.type)}: use direct, fanout, topic, headers or a plugin type starting with \`x-\` (declaring an unknown type closes the whole AMQP connection)${mean !== undefined ? `; did you mean \`${mean}\`?` : ''}`,
        origin.field('type'),
      ),
    );
  }
  out.push(...checkExchangeArguments(x.arguments, (name) => origin.field('arguments', name)));
  const ae = x.arguments['alternate-exchange'];
  if (typeof ae === 'string' && !PREDECLARED_EXCHANGES.has(ae) && !index.get(x.vhost)?.exchanges.has(ae)) {
    out.push(
      diagnostic(
        'ALTERNATE_EXCHANGE_UNDECLARED',
        `alternate exchange ${q(ae)} of exchange ${q(x.name)} is not declared in vhost ${q(x.vhost)}, so unroutable messages are dropped until it exists${orDeclare(ae, index.get(x.vhost)?.exchanges.keys(), 'exchanges')}`,
        origin.field('arguments', 'alternate-exchange'),
        'warning',
      ),
    );
  }
  return out;
}

function checkQueue({ resource: queue, origin, exclusive }: MergedQueue): Diagnostic[] {
  const out = checkResourceName('queue', queue.name, origin.at);
  out.push(...checkQueueArguments(queue.type, queue.arguments, (name) => origin.field('arguments', name)));
  const kind = queue.type === 'stream' ? 'streams' : `${queue.type} queues`;
  if (queue.type !== 'classic') {
    if (!queue.durable) {
      out.push(diagnostic('INVALID_QUEUE_OPTIONS', `${kind} must be durable; remove \`durable: false\` or make it a classic queue`, origin.field('durable')));
    }
    if (queue.auto_delete) {
      out.push(diagnostic('INVALID_QUEUE_OPTIONS', `${kind} cannot be auto-delete; remove \`auto_delete: true\` or make it a classic queue`, origin.field('auto_delete')));
    }
  } else if (!queue.durable && !exclusive) {
    out.push(
      diagnostic(
        'TRANSIENT_QUEUE_DEPRECATED',
        `queue ${q(queue.name)} is transient (non-durable, not exclusive), the deprecated feature \`transient_nonexcl_queues\`: RabbitMQ 4.x permits it by default (4.3 included) but refuses it where \`deprecated_features.permit.transient_nonexcl_queues = false\`, and a later version will drop it; make the queue durable`,
        origin.field('durable'),
        'warning',
      ),
    );
  }
  if (exclusive) {
    out.push(
      diagnostic(
        'INVALID_QUEUE_OPTIONS',
        `exclusive queues belong to the connection that declares them, so Warren cannot manage them${queue.type !== 'classic' ? ` (and ${kind} cannot be exclusive)` : ''}; remove \`exclusive: true\``,
        origin.field('exclusive'),
      ),
    );
  }
  return out;
}

function checkBinding({ resource: b, origin }: BindingDecl, index: ReadonlyMap<string, VhostIndex>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const vhost = index.get(b.vhost);
  const inVhost = `in vhost ${q(b.vhost)}`;

  let sourceType: string | undefined;
  if (b.source === '') {
    out.push(
      diagnostic(
        'BINDING_TO_DEFAULT_EXCHANGE',
        'the default exchange "" cannot be bound: it routes to every queue by the queue name already; bind from a declared exchange',
        origin.field('source'),
      ),
    );
  } else {
    sourceType = vhost?.exchanges.get(b.source)?.resource.type ?? PREDECLARED_EXCHANGES.get(b.source);
    if (sourceType === undefined) {
      const isQueue = vhost?.queues.has(b.source) === true;
      const hint = isQueue
        ? `; ${q(b.source)} is a queue, and the source of a binding must be an exchange`
        : orDeclare(b.source, vhost?.exchanges.keys(), 'exchanges') + internalLeftOut(origin);
      out.push(diagnostic('BINDING_SOURCE_UNDECLARED', `binding source exchange ${q(b.source)} is not declared ${inVhost}${hint}`, origin.field('source')));
    }
  }

  if (b.destination_type === 'queue') {
    if (!vhost?.queues.has(b.destination)) {
      const isExchange = vhost?.exchanges.has(b.destination) === true || PREDECLARED_EXCHANGES.has(b.destination);
      const hint = isExchange
        ? `; ${q(b.destination)} is declared as an exchange: set \`destination_type: exchange\``
        : orDeclare(b.destination, vhost?.queues.keys(), 'queues');
      out.push(diagnostic('BINDING_DESTINATION_UNDECLARED', `binding destination queue ${q(b.destination)} is not declared ${inVhost}${hint}`, origin.field('destination')));
    }
  } else if (b.destination === '') {
    out.push(diagnostic('BINDING_TO_DEFAULT_EXCHANGE', 'the default exchange "" cannot be a binding destination; bind to a declared exchange', origin.field('destination')));
  } else if (!vhost?.exchanges.has(b.destination) && !PREDECLARED_EXCHANGES.has(b.destination)) {
    const hint = vhost?.queues.has(b.destination)
      ? `; ${q(b.destination)} is declared as a queue: set \`destination_type: queue\``
      : orDeclare(b.destination, vhost?.exchanges.keys(), 'exchanges') + internalLeftOut(origin);
    out.push(diagnostic('BINDING_DESTINATION_UNDECLARED', `binding destination exchange ${q(b.destination)} is not declared ${inVhost}${hint}`, origin.field('destination')));
  }

  const keyBytes = utf8Bytes(b.routing_key);
  if (keyBytes > MAX_NAME_BYTES) {
    out.push(diagnostic('NAME_TOO_LONG', `routing key is ${keyBytes} bytes long in UTF-8; RabbitMQ allows at most ${MAX_NAME_BYTES}; shorten it`, origin.field('routing_key')));
  }
  if (b.routing_key.includes('~') && Object.keys(b.arguments).length > 0) {
    out.push(
      diagnostic(
        'TILDE_ROUTING_KEY_WITH_ARGUMENTS',
        `routing key ${q(b.routing_key)} contains \`~\` and the binding has arguments: a RabbitMQ management API bug then makes every binding listing of the vhost fail with HTTP 500; remove the \`~\` or the arguments`,
        origin.field('routing_key'),
      ),
    );
  }

  if (sourceType === 'topic' && hashWords(b.routing_key) > MAX_HASH_WORDS) {
    // An error where the target is known to be 4.3+ (spec/version-check).
    out.push(diagnostic('TOPIC_KEY_TOO_MANY_HASHES', `${tooManyHashes(b.routing_key)}, older versions take it; ${HASH_FIX}`, origin.field('routing_key'), 'warning'));
  }
  if (sourceType === 'headers' && 'x-match' in b.arguments) {
    const value = b.arguments['x-match'] ?? null;
    out.push(...checkArgumentValue('x-match', value, { type: 'enum', values: X_MATCH_VALUES }, origin.field('arguments', 'x-match')));
  }
  if (sourceType === 'x-consistent-hash' && !/^[1-9]\d*$/.test(b.routing_key)) {
    out.push(
      diagnostic(
        'INVALID_ROUTING_KEY',
        `a binding to the x-consistent-hash exchange ${q(b.source)} takes its weight as routing key: an integer of at least 1 written as a string, such as "1"; got ${q(b.routing_key)}`,
        origin.field('routing_key'),
      ),
    );
  }
  return out;
}

/** `; did you mean "hipri"? (or declare it under `queues`)`, or `; declare it under `queues``. */
/**
 * In a definitions file, why an exchange a binding names may be missing: RabbitMQ 4.3's export
 * leaves internal exchanges out and keeps their bindings (measured: 4.3.6 leaves them out, 4.0.5
 * and 3.10.8 keep them), so the file is one the broker's own import refuses too (400
 * resources_missing, after importing part of it).
 */
function internalLeftOut(origin: Origin): string {
  if (!origin.at.path.startsWith('/bindings/')) return '';
  return '; if it is an internal exchange, the export left it out (RabbitMQ 4.3 exports leave internal exchanges out but keep their bindings, and its own import refuses such a file): add it to `exchanges` with "internal": true';
}

function orDeclare(name: string, candidates: Iterable<string> | undefined, section: 'exchanges' | 'queues'): string {
  const c = candidates === undefined ? undefined : closest(name, candidates);
  return c === undefined ? `; declare it under \`${section}\`` : `; did you mean ${q(c)}? (or declare it under \`${section}\`)`;
}
