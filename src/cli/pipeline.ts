import { diff } from '../diff/diff.js';
import { ManagementClient } from '../live/http.js';
import { readLive } from '../live/read.js';
import { splitUrls } from '../live/endpoints.js';
import { WarrenError, hasErrors, type Diagnostic } from '../model/diagnostics.js';
import { resourceKey } from '../model/keys.js';
import type { PlanDocument } from '../model/plan.js';
import type { Desired, Observed, ResourceMap } from '../model/types.js';
import { buildPlan } from '../plan/plan.js';
import { readRunningApplications } from '../live/plugins.js';
import { readBrokerFeatures } from '../live/broker-features.js';
import { checkAgainstBroker, loadSpec, neededPlugins } from '../spec/index.js';
import { supersede } from '../spec/supersede.js';
import { safeDecode } from '../util/redact.js';
import { VERSION } from '../version.js';
import type { Endpoints, Io } from './context.js';
import { printDiagnostics } from './context.js';
import type { SpecOptions } from './options.js';

/** Load and validate the spec files (with overlays and variables); print diagnostics; throw when any is an error. */
export async function loadOrFail(files: readonly string[], io: Io, opts: SpecOptions = {}): Promise<Desired> {
  const { desired, warnings } = await loadWithWarnings(files, io, opts);
  printDiagnostics(io, warnings);
  return desired;
}

/** `loadOrFail` for a command that reports the warnings itself (errors are thrown). */
export async function loadWithWarnings(files: readonly string[], io: Io, opts: SpecOptions = {}): Promise<{ desired: Desired; warnings: Diagnostic[] }> {
  const variables = { ...io.env, ...parseVars(opts.var ?? []) };
  const { desired, diagnostics } = await loadSpec(files, { cwd: io.cwd, variables, ...(opts.file ? { overlays: opts.file } : {}) });
  if (!desired || hasErrors(diagnostics)) {
    printDiagnostics(io, diagnostics.filter((d) => d.severity === 'warning'));
    throw new WarrenError(diagnostics.filter((d) => d.severity === 'error'));
  }
  return { desired, warnings: diagnostics.filter((d) => d.severity === 'warning') };
}

export interface Planned {
  readonly desired: Desired;
  readonly observed: Observed;
  readonly plan: PlanDocument;
  /** The spec's warnings left once the broker check has said the same of a field, knowing the broker (spec/supersede). */
  readonly specWarnings: readonly Diagnostic[];
}

/**
 * spec → live → diff → plan, the common path of `plan`, `apply` and the
 * post-apply check. `specWarnings`: the warnings of loading the spec, each
 * left out where the broker check reports the same field (once, informed).
 */
export async function computePlan(desired: Desired, endpoints: Endpoints, prune: boolean, specWarnings: readonly Diagnostic[] = []): Promise<Planned> {
  const client = new ManagementClient(endpoints.management, { tls: endpoints.tls });
  try {
    // Plugins are read (one more call) only for a spec that needs one; the broker's
    // deprecated features and feature flags (two small calls) decide what it refuses.
    const [observed, plugins, features] = await Promise.all([
      readLive(client, desired.vhosts),
      neededPlugins(desired).size > 0 ? readRunningApplications(client) : undefined,
      readBrokerFeatures(client),
    ]);
    const broker = { ...observed.broker, ...features, ...(plugins?.plugins === undefined ? {} : { plugins: plugins.plugins }) };
    const result = diff(desired, observed, { prune, protectedUsers: endpointUsers(endpoints) });
    // What the plan sends: a resource already live as declared is not declared again.
    const written = new Set(result.changes.filter((c) => c.action !== 'delete').map((c) => c.key));
    const once = supersede(specWarnings, checkAgainstBroker(desired, broker, { written: (r) => written.has(resourceKey(r)) }));
    const brokerErrors: Diagnostic[] = [...once.informed, ...(plugins?.warnings ?? [])];
    // Refused: the warnings too (one may stand for a spec warning it replaced), then the errors.
    if (hasErrors(brokerErrors)) throw new BrokerRefusal([...once.spec, ...brokerErrors.filter((d) => d.severity !== 'error'), ...brokerErrors.filter((d) => d.severity === 'error')]);
    // A change the broker cannot make (a vhost default queue type on 3.10/3.11 with queues in it) stops the plan.
    if (hasErrors(result.warnings)) throw new WarrenError(result.warnings.filter((d) => d.severity === 'error'));
    const plan = buildPlan(
      // Endpoints of a list that did not answer are reported with the plan.
      { ...result, warnings: [...brokerErrors, ...result.warnings, ...client.warnings()] },
      { warrenVersion: VERSION, brokerVersion: observed.broker.version, vhosts: desired.vhosts, prune, live: observed.resources },
    );
    return { desired, observed, plan, specWarnings: once.spec };
  } finally {
    await client.close();
  }
}

/** What the broker would refuse, found before planning; it carries the spec's warnings that are left. */
export class BrokerRefusal extends WarrenError {}

/**
 * `computePlan` for a command that shows the spec's warnings itself: when the
 * plan fails before the broker check (the broker does not answer, ...), they
 * are shown as they are, then the error.
 */
export async function computePlanKeepingWarnings(desired: Desired, endpoints: Endpoints, prune: boolean, specWarnings: readonly Diagnostic[], io: Io): Promise<Planned> {
  try {
    return await computePlan(desired, endpoints, prune, specWarnings);
  } catch (err) {
    if (!(err instanceof BrokerRefusal)) printDiagnostics(io, specWarnings);
    throw err;
  }
}

/** The users Warren connects as: never deleted, their permissions never pruned. */
export function endpointUsers(endpoints: Endpoints): string[] {
  const users = new Set<string>();
  // Split as the clients split (a comma inside a password belongs to its URL), or a
  // password with a comma would leave its user unprotected from --prune.
  for (const url of [endpoints.management, endpoints.amqp].flatMap(splitUrls)) {
    try {
      const u = new URL(url);
      users.add(u.username === '' ? 'guest' : safeDecode(u.username));
    } catch {
      // an invalid URL fails later, with its own message
    }
  }
  return [...users];
}

/** Live and desired resources together (desired wins), for graphs around a plan. */
export function unionOf(live: ResourceMap, desired: ResourceMap): ResourceMap {
  const out = new Map(live);
  for (const [k, r] of desired) out.set(k, r);
  return out;
}

/** `--var name=value` pairs. */
function parseVars(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new WarrenError({ code: 'INVALID_VAR', severity: 'error', message: `--var ${JSON.stringify(p)} is not name=value; e.g. --var ENV=prod` });
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
