/**
 * Declarations of a RabbitMQ definitions export, with the same defaults as the
 * native format.
 *
 * Vhosts: the file's `vhosts` list declares them with their metadata; a vhost
 * that a resource names and the list lacks (or every vhost, without a list)
 * is declared implicitly, with no metadata of its own. RabbitMQ's import
 * accepts such a file when the vhost exists; Warren also creates it when it
 * does not.
 */
import type { Args, DestinationType, QueueType } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import type { FileDecls, Origin, VhostDecl } from './declarations.js';
import { emptyDecls, makeOrigin } from './declarations.js';
import type { ParsedSource } from './yaml-source.js';
import { joinPointer } from './pointer.js';
import { isQueueType } from './queue-type.js';
import { binding, exchangeDecl, queueDecl } from './resource-decls.js';
import { isRecord, q } from './describe.js';
import { UNSUPPORTED_DEFINITION_KINDS } from './definitions-schema.js';
import { readDefinitionKinds } from './from-definitions-kinds.js';
import { markUnsetUserTags } from './unset-users.js';

/** The shape `DEFINITIONS_SCHEMA` guarantees; only read after it validated. */
interface DefinitionsDoc {
  readonly vhosts?: readonly DefVhost[];
  readonly exchanges?: readonly DefExchange[];
  readonly queues?: readonly DefQueue[];
  readonly bindings?: readonly DefBinding[];
}
interface VhostMeta {
  readonly description?: string;
  readonly protected_from_deletion?: unknown;
  readonly tags?: readonly string[] | string;
  readonly default_queue_type?: string;
}
/** What Erlang writes for an empty map in some exports (the schema allows no other list there). */
type EmptyList = readonly never[];

interface DefVhost extends VhostMeta {
  readonly name: string;
  readonly metadata?: VhostMeta | EmptyList;
}
interface DefExchange {
  readonly name: string;
  readonly vhost?: string;
  readonly type: string;
  readonly durable?: boolean;
  readonly auto_delete?: boolean;
  readonly internal?: boolean;
  readonly arguments?: Args | EmptyList;
}
interface DefQueue {
  readonly name: string;
  readonly vhost?: string;
  readonly type?: QueueType;
  readonly durable?: boolean;
  readonly auto_delete?: boolean;
  readonly arguments?: Args | EmptyList;
}
interface DefBinding {
  readonly source: string;
  readonly vhost?: string;
  readonly destination: string;
  readonly destination_type: DestinationType;
  readonly routing_key?: string;
  readonly arguments?: Args | EmptyList;
}

/** @param src a document that passed `DEFINITIONS_SCHEMA` */
export function fromDefinitions(src: ParsedSource): { decls: FileDecls; diagnostics: Diagnostic[] } {
  const doc = src.value as DefinitionsDoc;
  const decls: FileDecls = { ...emptyDecls(src.file), definitions: true };
  const diagnostics: Diagnostic[] = [];

  (doc.vhosts ?? []).forEach((v, i) => {
    const origin = makeOrigin(src, joinPointer('', 'vhosts', i), 'value');
    decls.vhosts.push(vhostDecl(v, origin));
  });
  const declared = new Set(decls.vhosts.map((v) => v.name));

  const missingVhost: Origin[] = [];
  /** The vhost of a resource (declared implicitly when not listed), or undefined when it has none. */
  const vhostOf = (vhost: string | undefined, origin: Origin): string | undefined => {
    if (vhost === undefined) {
      missingVhost.push(origin);
      return undefined;
    }
    if (!declared.has(vhost)) {
      // As without a `vhosts` list: RabbitMQ's import accepts it when the vhost exists (e.g. `/`).
      declared.add(vhost);
      decls.vhosts.push({ kind: 'vhost', name: vhost, origin, explicit: false });
    }
    return vhost;
  };

  /** RabbitMQ's own import skips `amq.` names (rabbitmq-semantics.md §8): so does Warren, with a warning. */
  const reserved = (kind: string, name: string, origin: Origin): boolean => {
    if (!name.startsWith('amq.')) return false;
    diagnostics.push(
      diagnostic(
        'RESERVED_NAME_IGNORED',
        `${kind} ${q(name)} is skipped: \`amq.\` names are reserved by RabbitMQ, whose own definitions import skips them too`,
        origin.field('name'),
        'warning',
      ),
    );
    return true;
  };

  (doc.exchanges ?? []).forEach((x, i) => {
    const origin = makeOrigin(src, joinPointer('', 'exchanges', i), 'value');
    if (reserved('exchange', x.name, origin)) return;
    const vhost = vhostOf(x.vhost, origin);
    if (vhost === undefined) return;
    decls.exchanges.push(exchangeDecl(vhost, x.name, { ...x, arguments: table(x.arguments) }, origin));
  });

  (doc.queues ?? []).forEach((queue, i) => {
    const origin = makeOrigin(src, joinPointer('', 'queues', i), 'value');
    if (reserved('queue', queue.name, origin)) return;
    const vhost = vhostOf(queue.vhost, origin);
    if (vhost === undefined) return;
    const { decl, diagnostics: typeDiagnostics } = queueDecl(vhost, queue.name, { ...queue, arguments: table(queue.arguments) }, false, origin);
    diagnostics.push(...typeDiagnostics);
    decls.queues.push(decl);
  });

  (doc.bindings ?? []).forEach((b, i) => {
    const origin = makeOrigin(src, joinPointer('', 'bindings', i), 'value');
    const vhost = vhostOf(b.vhost, origin);
    if (vhost === undefined) return;
    decls.bindings.push(binding(vhost, b.source, b.destination, b.destination_type, b.routing_key, table(b.arguments), origin));
  });

  readDefinitionKinds(src, decls, vhostOf, diagnostics);
  const users = (src.value as { users?: readonly { name?: unknown; tags?: unknown }[] }).users;
  markUnsetUserTags(decls, (name) => users?.find((u) => u.name === name));

  // A file that names no vhost anywhere (the export of one vhost) is refused before, by single-vhost.ts.
  for (const origin of missingVhost) {
    diagnostics.push(diagnostic('SCHEMA_REQUIRED', 'this resource is missing the required property `vhost` (the vhost it belongs to); add it', origin.at));
  }
  return { decls, diagnostics };
}

/** An argument table; `[]` is an empty one, as for RabbitMQ's import. */
function table(args: Args | EmptyList | undefined): Args {
  return args === undefined || Array.isArray(args) ? {} : (args as Args);
}

function vhostDecl(v: DefVhost, origin: Origin): VhostDecl {
  const meta: VhostMeta | undefined = Array.isArray(v.metadata) ? undefined : (v.metadata as VhostMeta | undefined);
  const description = v.description ?? meta?.description;
  const tags = toTags(v.tags ?? meta?.tags);
  const dqt = v.default_queue_type ?? meta?.default_queue_type;
  // 4.x exports write `metadata.protected_from_deletion` once it was ever set (false after it was lifted), and the broker's import applies false too.
  const protection = typeof v.protected_from_deletion === 'boolean' ? v.protected_from_deletion : meta?.protected_from_deletion;
  // Exports always carry `description: ""` and `tags: []`: only real values count as set.
  return {
    kind: 'vhost',
    name: v.name,
    ...(description !== undefined && description !== '' && { description }),
    ...(tags.length > 0 && { tags }),
    ...(dqt !== undefined && isQueueType(dqt) && { default_queue_type: dqt }),
    ...(typeof protection === 'boolean' && { protected_from_deletion: protection }),
    origin,
    explicit: true,
  };
}

function toTags(tags: readonly string[] | string | undefined): string[] {
  if (tags === undefined) return [];
  if (typeof tags === 'string') return tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
  return [...tags];
}

/** One warning naming the non-empty kinds of the export that Warren ignores (users, policies, ...). */
export function ignoredKinds(src: ParsedSource): Diagnostic[] {
  const doc = src.value;
  if (!isRecord(doc)) return [];
  const found = UNSUPPORTED_DEFINITION_KINDS.filter((k) => {
    const v = doc[k];
    return Array.isArray(v) ? v.length > 0 : isRecord(v) && Object.keys(v).length > 0;
  });
  const first = found[0];
  if (first === undefined) return [];
  const counts = found.map((k) => {
    const v = doc[k];
    return `${k} (${Array.isArray(v) ? v.length : Object.keys(v as object).length})`;
  });
  return [
    diagnostic(
      'UNSUPPORTED_KINDS_IGNORED',
      `this definitions file also has ${counts.join(', ')}; Warren does not manage those yet and ignores them`,
      src.locateNearest(joinPointer('', first), 'key'),
      'warning',
    ),
  ];
}
