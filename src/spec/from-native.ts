/** Declarations of a native spec (format version 1), every default applied. */
import type { Args, DestinationType, QueueType } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import type { FileDecls } from './declarations.js';
import { emptyDecls, makeOrigin } from './declarations.js';
import type { ParsedSource } from './yaml-source.js';
import { joinPointer } from './pointer.js';
import { binding, exchangeDecl, queueDecl } from './resource-decls.js';
import { readNativeKinds } from './from-native-kinds.js';
import { readNativeExtras } from './spec-extras.js';
import { OPTIONAL_FIELDS } from '../model/defaults.js';
import { markUnsetUserTags } from './unset-users.js';

/** The shape `schema/topology.schema.json` guarantees; only read after it validated. */
interface NativeDoc {
  readonly vhosts: Readonly<Record<string, NativeVhost | null>>;
}
interface NativeVhost {
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly default_queue_type?: QueueType;
  readonly protected_from_deletion?: boolean;
  readonly exchanges?: Readonly<Record<string, NativeExchange>>;
  readonly queues?: Readonly<Record<string, NativeQueue | null>>;
  readonly bindings?: readonly NativeBinding[];
}
interface NativeExchange {
  readonly type: string;
  readonly durable?: boolean;
  readonly auto_delete?: boolean;
  readonly internal?: boolean;
  readonly arguments?: Args;
}
interface NativeQueue {
  readonly type?: QueueType;
  readonly durable?: boolean;
  readonly auto_delete?: boolean;
  readonly exclusive?: boolean;
  readonly arguments?: Args;
  readonly bind?: readonly NativeBind[];
}
interface NativeBind {
  readonly exchange: string;
  readonly routing_key?: string;
  readonly arguments?: Args;
}
interface NativeBinding {
  readonly source: string;
  readonly destination: string;
  readonly destination_type?: DestinationType;
  readonly routing_key?: string;
  readonly arguments?: Args;
}

/** @param src a document that passed the native schema */
export function fromNative(src: ParsedSource): { decls: FileDecls; diagnostics: Diagnostic[] } {
  const doc = src.value as NativeDoc;
  const decls: FileDecls = { ...emptyDecls(src.file), ...readNativeExtras(src) };
  const diagnostics: Diagnostic[] = [];

  for (const [vhost, raw] of Object.entries(doc.vhosts)) {
    const v: NativeVhost = raw ?? {};
    const vpath = joinPointer('', 'vhosts', vhost);
    decls.vhosts.push({
      kind: 'vhost',
      name: vhost,
      ...(v.description !== undefined && { description: v.description }),
      ...(v.tags !== undefined && { tags: v.tags }),
      ...(v.default_queue_type !== undefined && { default_queue_type: v.default_queue_type }),
      ...(v.protected_from_deletion !== undefined && { protected_from_deletion: v.protected_from_deletion }),
      origin: makeOrigin(src, vpath, 'key'),
      explicit: true,
    });

    for (const [name, x] of Object.entries(v.exchanges ?? {})) {
      const origin = makeOrigin(src, joinPointer(vpath, 'exchanges', name), 'key');
      decls.exchanges.push(exchangeDecl(vhost, name, x, origin));
    }

    for (const [name, raw] of Object.entries(v.queues ?? {})) {
      const queue: NativeQueue = raw ?? {};
      const qpath = joinPointer(vpath, 'queues', name);
      const origin = makeOrigin(src, qpath, 'key');
      const { decl, diagnostics: typeDiagnostics } = queueDecl(vhost, name, queue, queue.exclusive ?? false, origin);
      diagnostics.push(...typeDiagnostics);
      decls.queues.push(decl);
      (queue.bind ?? []).forEach((b, i) => {
        const path = joinPointer(qpath, 'bind', i);
        const bindOrigin = makeOrigin(src, path, 'value', { source: joinPointer(path, 'exchange'), destination: origin.at });
        decls.bindings.push(binding(vhost, b.exchange, name, 'queue', b.routing_key, b.arguments, bindOrigin));
      });
    }

    (v.bindings ?? []).forEach((b, i) => {
      const origin = makeOrigin(src, joinPointer(vpath, 'bindings', i), 'value');
      decls.bindings.push(binding(vhost, b.source, b.destination, b.destination_type ?? OPTIONAL_FIELDS.binding.destination_type.value, b.routing_key, b.arguments, origin));
    });
  }
  readNativeKinds(src, decls, diagnostics);
  const users = (src.value as { users?: Readonly<Record<string, { tags?: unknown } | null>> }).users;
  markUnsetUserTags(decls, (name) => users?.[name]);
  return { decls, diagnostics };
}
