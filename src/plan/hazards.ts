import type { Change } from '../model/change.js';
import type { Hazard } from '../model/plan.js';

export const ALLOW_DATA_LOSS = '--allow-data-loss';

/**
 * Analyzers over the changes, each with a stable code. A hazard is something
 * a reviewer must see and apply refuses unless its flag is given.
 */
export function findHazards(changes: readonly Change[]): Hazard[] {
  const out: Hazard[] = [];
  for (const c of changes) {
    if (c.kind !== 'queue' || (c.action !== 'delete' && c.action !== 'replace')) continue;
    const live = c.before;
    if (!live || live.kind !== 'queue') continue;
    const verb = c.action === 'delete' ? 'deleting' : 'replacing';
    const where = `queue "${c.name}" in vhost "${c.vhost}"`;
    if (live.messages === undefined) {
      out.push({
        code: 'QUEUE_MESSAGES_UNKNOWN',
        message: `${where}: the broker did not report its message count; ${verb} it may lose messages`,
        change: c.key,
        allowed_by: ALLOW_DATA_LOSS,
      });
    } else if (live.messages > 0) {
      out.push({
        code: 'QUEUE_DATA_LOSS',
        message: `${where} holds ${live.messages} message${live.messages === 1 ? '' : 's'}; ${verb} it loses them`,
        change: c.key,
        allowed_by: ALLOW_DATA_LOSS,
      });
    }
    if (live.consumers !== undefined && live.consumers > 0) {
      out.push({
        code: 'QUEUE_HAS_CONSUMERS',
        message: `${where} has ${live.consumers} consumer${live.consumers === 1 ? '' : 's'}; ${verb} it cancels them`,
        change: c.key,
        allowed_by: ALLOW_DATA_LOSS,
      });
    }
  }
  return out;
}

/** Hazards not covered by the given allow flags. */
export function unallowedHazards(hazards: readonly Hazard[], allowed: ReadonlySet<string>): Hazard[] {
  return hazards.filter((h) => !allowed.has(h.allowed_by));
}
