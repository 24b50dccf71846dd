import { diff } from '../diff/diff.js';
import { selfLockouts, type Credential } from '../diff/self-lockout.js';
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
import type { LoadOptions } from '../spec/load-files.js';
import { safeDecode } from '../util/redact.js';
import { VERSION } from '../version.js';
import { resolve } from 'node:path';
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
  const intoVhost = parseIntoVhost(opts.intoVhost ?? [], [...files, ...(opts.file ?? [])], io.cwd);
  const { desired, diagnostics } = await loadSpec(files, { cwd: io.cwd, variables, ...(opts.file ? { overlays: opts.file } : {}), ...(intoVhost && { intoVhost }) });
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
    const diffed = diff(desired, observed, { prune, protectedUsers: endpointUsers(endpoints) });
    const result = { ...diffed, warnings: [...diffed.warnings, ...selfLockouts(diffed.changes, endpointCredentials(endpoints))] };
    // What the plan sends: a resource already live as declared is not declared again.
    const written = new Set(result.changes.filter((c) => c.action !== 'delete').map((c) => c.key));
    const once = supersede(specWarnings, checkAgainstBroker(desired, broker, { written: (r) => written.has(resourceKey(r)) }));
    const brokerErrors: Diagnostic[] = [...once.informed, ...(plugins?.warnings ?? [])];
    // Refused: the warnings too (one may stand for a spec warning it replaced), then the errors.
    if (hasErrors(brokerErrors)) throw new BrokerRefusal([...once.spec, ...brokerErrors.filter((d) => d.severity !== 'error'), ...brokerErrors.filter((d) => d.severity === 'error')]);
    // A change the broker cannot make (a vhost default queue type on 3.10/3.11 with queues in it), or
    // one that locks Warren out of the broker part-way, stops the plan.
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

/** The users and passwords of the endpoint URLs (amqplib and RabbitMQ default to guest:guest). */
export function endpointCredentials(endpoints: Endpoints): Credential[] {
  const out: Credential[] = [];
  const add = (api: Credential['api'], urls: string): void => {
    for (const url of urls.split(',')) {
      try {
        const u = new URL(url);
        out.push(u.username === '' ? { api, user: 'guest', password: 'guest' } : { api, user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
      } catch {
        // an invalid URL fails later, with its own message
      }
    }
  };
  add('management', endpoints.management);
  add('amqp', endpoints.amqp);
  return out;
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

/**
 * `--into-vhost` values: `FILE=VHOST` when FILE is one of the paths given
 * (spec files, directories, -f overlays), else the vhost for every file.
 */
function parseIntoVhost(values: readonly string[], given: readonly string[], cwd: string): LoadOptions['intoVhost'] {
  if (values.length === 0) return undefined;
  const paths = new Set(given.map((p) => resolve(cwd, p)));
  const files: { path: string; vhost: string }[] = [];
  const all = new Set<string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    const path = eq > 0 ? value.slice(0, eq) : undefined;
    if (path !== undefined && paths.has(resolve(cwd, path))) files.push({ path, vhost: value.slice(eq + 1) });
    else all.add(value);
  }
  const bad = (message: string): WarrenError => new WarrenError({ code: 'INVALID_INTO_VHOST', severity: 'error', message });
  if (files.some((f) => f.vhost === '') || all.has('')) throw bad('--into-vhost needs a vhost name, e.g. --into-vhost orders or --into-vhost export.json=orders');
  if (all.size > 1) {
    throw bad(`--into-vhost names ${[...all].map((v) => JSON.stringify(v)).join(' and ')} for every file; name one, or one per file with FILE=VHOST (FILE as given on the command line)`);
  }
  const [one] = all;
  return { ...(one !== undefined && { all: one }), ...(files.length > 0 && { files }) };
}

