import type { Change, DiffOptions, DiffResult, Unmanaged } from '../model/change.js';
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { namedKey, resourceKey } from '../model/keys.js';
import type { BindingResource, Desired, Observed, Resource } from '../model/types.js';
import { compareFields } from './compare.js';

/**
 * Pure diff of the desired topology against the live one, in the vhosts the
 * spec declares. Joins on resource keys only; every default has been applied
 * on both sides already (spec/normalize, live/normalize).
 */
export function diff(desired: Desired, observed: Observed, options: DiffOptions): DiffResult {
  const changes: Change[] = [];
  const warnings: Diagnostic[] = [];
  const replaced = new Map<string, string>(); // namedKey -> label, for bindings that the broker drops with them

  for (const [key, want] of desired.resources) {
    if (want.kind === 'binding') continue;
    const live = observed.resources.get(key);
    if (!live) {
      changes.push(make('create', want, undefined, [], [`${want.kind} is declared but does not exist`]));
      continue;
    }
    const fields = compareFields(live, want);
    if (want.kind === 'vhost' && live.kind === 'vhost' && want.default_queue_type !== live.default_queue_type) {
      warnings.push(
        diagnostic(
          'VHOST_DEFAULT_QUEUE_TYPE_DIFFERS',
          `vhost "${want.name}" has default queue type "${live.default_queue_type}" on the broker but "${want.default_queue_type}" in the spec; ` +
            'Warren declares every queue with an explicit type, so managed queues are not affected; the vhost setting itself is left as it is',
          want.source,
          'warning',
        ),
      );
    }
    if (fields.length === 0) continue;
    const forcing = fields.filter((f) => f.forces_replacement);
    if (forcing.length > 0) {
      changes.push(make('replace', want, live, fields, [`${forcing.map((f) => f.field).join(', ')} cannot be changed in place`]));
      replaced.set(key, `${want.kind} "${want.name}"`);
    } else {
      changes.push(make('update', want, live, fields, [`${fields.map((f) => f.field).join(', ')} changed`]));
    }
  }

  for (const [key, want] of desired.resources) {
    if (want.kind !== 'binding') continue;
    const live = observed.resources.get(key);
    if (!live) {
      changes.push(make('create', want, undefined, [], ['binding is declared but does not exist']));
      continue;
    }
    const dropped = droppedBy(want, replaced);
    if (dropped) changes.push(make('create', want, live, [], [`re-created: ${dropped} is replaced, which drops its bindings`]));
  }

  const unmanaged: Unmanaged[] = [];
  const inScope = new Set(desired.vhosts);
  for (const [key, live] of observed.resources) {
    if (desired.resources.has(key) || !inScope.has(live.vhost)) continue;
    const dropped = live.kind === 'binding' ? droppedBy(live, replaced) : undefined;
    if (options.prune) {
      changes.push(make('delete', undefined, live, [], ['not declared in the spec (--prune)']));
    } else if (dropped) {
      warnings.push(
        diagnostic(
          'UNMANAGED_BINDING_DROPPED',
          `binding ${live.name} in vhost "${live.vhost}" is not declared, and the broker drops it when ${dropped} is replaced; declare it to keep it`,
          undefined,
          'warning',
        ),
      );
    } else {
      unmanaged.push(unmanagedOf(key, live));
    }
  }
  return { changes, unmanaged, warnings };
}

function droppedBy(b: BindingResource, replaced: ReadonlyMap<string, string>): string | undefined {
  return (
    replaced.get(namedKey('exchange', b.vhost, b.source)) ??
    replaced.get(namedKey(b.destination_type, b.vhost, b.destination))
  );
}

function make(
  action: Change['action'],
  after: Resource | undefined,
  before: Resource | undefined,
  fields: Change['fields'],
  reasons: string[],
): Change {
  const r = (after ?? before) as Resource;
  const base = { action, kind: r.kind, vhost: r.vhost, name: r.name, key: resourceKey(r), fields, reasons };
  return { ...base, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

function unmanagedOf(key: string, r: Resource): Unmanaged {
  const u = { kind: r.kind, vhost: r.vhost, name: r.name, key };
  return r.kind === 'queue' && r.messages !== undefined ? { ...u, messages: r.messages } : u;
}
