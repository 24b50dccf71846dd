/**
 * Several files make one spec: vhosts merge (their metadata must agree), every
 * other resource may be declared once, and queue types are resolved against
 * the merged vhost's default_queue_type.
 *
 * Definitions files are the exception: RabbitMQ's import accepts a resource
 * twice, and ends with either declaration (measured on 3.10.8 and 4.3.6: it
 * imports concurrently, so a queue, exchange or, on 4.3, permission kept the
 * first one in one run and the last in another). Warren keeps the last one of
 * every kind, the order a sequential import would end with, with a
 * `DUPLICATE_DEFINITION` warning; a vhost listed twice too (its last entry,
 * whole). A user twice is
 * refused by the broker (`user_already_exists`), so it stays
 * `DUPLICATE_RESOURCE` here too.
 */
import type { Kind, QueueResource, QueueType, VhostResource } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { resourceKey } from '../model/keys.js';
import { OPTIONAL_FIELDS, unsetFields } from '../model/defaults.js';
import type { BindingDecl, ExchangeDecl, FileDecls, MergedQueue, Origin, OtherDecl, SpecModel, VhostDecl } from './declarations.js';
import { isGlobalKind } from '../model/types.js';
import { where } from './declarations.js';
import { q } from './describe.js';

type VhostField = 'description' | 'tags' | 'default_queue_type' | 'protected_from_deletion';
const VHOST_FIELDS: readonly VhostField[] = ['description', 'tags', 'default_queue_type', 'protected_from_deletion'];

/** Kinds the broker's import refuses twice. */
const NEVER_TWICE: ReadonlySet<Kind> = new Set<Kind>(['user', 'user_limit']);

/** What to do with a declaration: keep it, drop it, or let it replace the one already kept. */
type Verdict = 'keep' | 'drop' | 'replace';

export function mergeDecls(files: readonly FileDecls[]): { model: SpecModel; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const definitionFiles = new Set(files.filter((f) => f.definitions === true).map((f) => f.file));
  const vhosts = mergeVhosts(files.flatMap((f) => f.vhosts), definitionFiles, diagnostics);

  const seen = new Map<string, Origin>();
  // `what` is a function: the description is only needed for a duplicate, and building it for each of 10k queues showed in profiles.
  const once = (key: string, kind: Kind, what: () => string, origin: Origin): Verdict => {
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, origin);
      return 'keep';
    }
    if (definitionFiles.has(first.at.file) && definitionFiles.has(origin.at.file) && !NEVER_TWICE.has(kind)) {
      seen.set(key, origin);
      diagnostics.push(
        diagnostic(
          'DUPLICATE_DEFINITION',
          `${what()} is declared twice: at ${where(first.at)} and at ${where(origin.at)}; Warren keeps the last one (RabbitMQ's import accepts both, and may end with either: it imports concurrently); remove the other`,
          origin.at,
          'warning',
        ),
      );
      return 'replace';
    }
    diagnostics.push(
      diagnostic(
        'DUPLICATE_RESOURCE',
        `${what()} is declared twice: at ${where(first.at)} and at ${where(origin.at)}; keep one of them`,
        origin.at,
      ),
    );
    return 'drop';
  };
  /** Adds `item` to `list` as the verdict says; `at` remembers where each key's item is. */
  const put = <T>(list: T[], at: Map<string, number>, key: string, item: T, verdict: Verdict): void => {
    const i = at.get(key);
    if (verdict === 'replace' && i !== undefined) list[i] = item;
    else if (verdict === 'keep') {
      at.set(key, list.length);
      list.push(item);
    }
  };

  const exchanges: ExchangeDecl[] = [];
  const exchangeAt = new Map<string, number>();
  for (const x of files.flatMap((f) => f.exchanges)) {
    const key = resourceKey(x.resource);
    put(exchanges, exchangeAt, key, x, once(key, 'exchange', () => `exchange ${q(x.resource.name)} in vhost ${q(x.resource.vhost)}`, x.origin));
  }

  const queues: MergedQueue[] = [];
  const queueAt = new Map<string, number>();
  for (const decl of files.flatMap((f) => f.queues)) {
    const r = decl.resource;
    // The broker applies a vhost's default queue type to durable queues only (rabbitmq-semantics.md §7).
    const vhostDefault: QueueType = r.durable ? (vhosts.get(r.vhost)?.resource.default_queue_type ?? OPTIONAL_FIELDS.queue.type.value) : OPTIONAL_FIELDS.queue.type.value;
    const resource: QueueResource = { ...r, type: decl.type ?? vhostDefault };
    const key = resourceKey(resource);
    put(queues, queueAt, key, { ...decl, resource }, once(key, 'queue', () => `queue ${q(r.name)} in vhost ${q(r.vhost)}`, decl.origin));
  }

  const bindings: BindingDecl[] = [];
  const bindingAt = new Map<string, number>();
  for (const b of files.flatMap((f) => f.bindings)) {
    const key = resourceKey(b.resource);
    put(bindings, bindingAt, key, b, once(key, 'binding', () => `binding ${b.resource.name} in vhost ${q(b.resource.vhost)}`, b.origin));
  }

  const others: OtherDecl[] = [];
  const otherAt = new Map<string, number>();
  for (const o of files.flatMap((f) => f.others)) {
    const r = o.resource;
    const where = isGlobalKind(r.kind) ? '' : ` in vhost ${q(r.vhost)}`;
    const key = resourceKey(r);
    put(others, otherAt, key, o, once(key, r.kind, () => `${r.kind.replace(/_/g, ' ')} ${q(r.name)}${where}`, o.origin));
  }
  const globalKinds = [...new Set(files.flatMap((f) => f.globalKinds))];

  return { model: { vhosts, exchanges, queues, bindings, others, globalKinds }, diagnostics };
}

function mergeVhosts(decls: readonly VhostDecl[], definitionFiles: ReadonlySet<string>, diagnostics: Diagnostic[]): SpecModel['vhosts'] {
  const groups = new Map<string, VhostDecl[]>();
  for (const d of decls) {
    const list = groups.get(d.name);
    if (list) list.push(d);
    else groups.set(d.name, [d]);
  }
  const out = new Map<string, { resource: VhostResource; origin: Origin }>();
  for (const [name, list] of groups) {
    const origin = (list.find((d) => d.explicit) ?? list[0])?.origin;
    if (origin === undefined) continue;
    const chosen: Partial<Record<VhostField, { value: string | boolean | readonly string[]; from: VhostDecl }>> = {};
    for (const d of lastListed(name, list, definitionFiles, diagnostics)) {
      for (const field of VHOST_FIELDS) {
        const value = d[field];
        if (value === undefined) continue;
        const prior = chosen[field];
        if (prior === undefined) {
          chosen[field] = { value, from: d };
        } else if (!sameValue(prior.value, value)) {
          diagnostics.push(
            diagnostic(
              'VHOST_CONFLICT',
              `vhost ${q(name)} sets \`${field}\` to ${JSON.stringify(value)} here but to ${JSON.stringify(prior.value)} at ${where(prior.from.origin.at)}; set it in one file only`,
              d.origin.field(field),
            ),
          );
        }
      }
    }
    const description = chosen.description?.value;
    const tags = chosen.tags?.value;
    const dqt = chosen.default_queue_type?.value;
    const protection = chosen.protected_from_deletion?.value;
    const unset = unsetFields('vhost', { description, tags, default_queue_type: dqt, protected_from_deletion: protection });
    const defaults = OPTIONAL_FIELDS.vhost;
    out.set(name, {
      origin,
      resource: {
        kind: 'vhost',
        vhost: name,
        name,
        description: typeof description === 'string' ? description : defaults.description.value,
        tags: Array.isArray(tags) ? [...(tags as readonly string[])] : [...defaults.tags.value],
        default_queue_type: typeof dqt === 'string' ? (dqt as QueueType) : defaults.default_queue_type.value,
        protected_from_deletion: typeof protection === 'boolean' ? protection : defaults.protected_from_deletion.value,
        ...(unset.length > 0 ? { unset } : {}),
        source: origin.at,
      },
    });
  }
  return out;
}

/**
 * The declarations of one vhost without the earlier entries of a definitions
 * file's `vhosts` list that names it again: the last entry wins, as for every
 * other kind (the broker's import ended with either: 3.10.8 kept the first in
 * one run and the last in another).
 */
function lastListed(name: string, list: readonly VhostDecl[], definitionFiles: ReadonlySet<string>, diagnostics: Diagnostic[]): VhostDecl[] {
  const listed = list.filter((d) => d.explicit && definitionFiles.has(d.origin.at.file));
  const last = listed[listed.length - 1];
  if (last === undefined || listed.length === 1) return [...list];
  for (const d of listed.slice(1)) {
    diagnostics.push(
      diagnostic(
        'DUPLICATE_DEFINITION',
        `vhost ${q(name)} is listed twice: at ${where((listed[0] as VhostDecl).origin.at)} and at ${where(d.origin.at)}; Warren keeps the last one (RabbitMQ's import accepts both, and may end with either); remove the other`,
        d.origin.at,
        'warning',
      ),
    );
  }
  return list.filter((d) => !listed.includes(d) || d === last);
}

function sameValue(a: string | boolean | readonly string[], b: string | boolean | readonly string[]): boolean {
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}
