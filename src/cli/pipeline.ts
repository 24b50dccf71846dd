import { diff } from '../diff/diff.js';
import { ManagementClient } from '../live/http.js';
import { readLive } from '../live/read.js';
import { WarrenError, hasErrors, type Diagnostic } from '../model/diagnostics.js';
import type { PlanDocument } from '../model/plan.js';
import type { Desired, Observed, ResourceMap } from '../model/types.js';
import { buildPlan } from '../plan/plan.js';
import { checkAgainstBroker, loadSpec } from '../spec/index.js';
import { VERSION } from '../version.js';
import type { Endpoints, Io } from './context.js';
import { printDiagnostics } from './context.js';

/** Load and validate the spec files; print diagnostics; throw when any is an error. */
export async function loadOrFail(files: readonly string[], io: Io): Promise<Desired> {
  const { desired, diagnostics } = await loadSpec(files.length > 0 ? files : ['topology.yaml'], { cwd: io.cwd });
  printDiagnostics(io, diagnostics.filter((d) => d.severity === 'warning'));
  if (!desired || hasErrors(diagnostics)) throw new WarrenError(diagnostics.filter((d) => d.severity === 'error'));
  return desired;
}

export interface Planned {
  readonly desired: Desired;
  readonly observed: Observed;
  readonly plan: PlanDocument;
}

/** spec → live → diff → plan, the common path of `plan`, `apply` and the post-apply check. */
export async function computePlan(desired: Desired, endpoints: Endpoints, prune: boolean): Promise<Planned> {
  const client = new ManagementClient(endpoints.management);
  try {
    const observed = await readLive(client, desired.vhosts);
    const brokerErrors: Diagnostic[] = checkAgainstBroker(desired, observed.broker);
    if (hasErrors(brokerErrors)) throw new WarrenError(brokerErrors.filter((d) => d.severity === 'error'));
    const result = diff(desired, observed, { prune });
    const plan = buildPlan(
      { ...result, warnings: [...brokerErrors, ...result.warnings] },
      { warrenVersion: VERSION, brokerVersion: observed.broker.version, vhosts: desired.vhosts, prune },
    );
    return { desired, observed, plan };
  } finally {
    await client.close();
  }
}

/** Live and desired resources together (desired wins), for graphs around a plan. */
export function unionOf(live: ResourceMap, desired: ResourceMap): ResourceMap {
  const out = new Map(live);
  for (const [k, r] of desired) out.set(k, r);
  return out;
}
