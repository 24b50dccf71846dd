/**
 * Which plugins the broker runs, for specs that need one (shovels,
 * federation): `GET /api/nodes?columns=name,running,applications`, read
 * only then (rabbitmq-semantics.md: /api/nodes is not one of the bulk reads).
 *
 * A node that has just started does not know yet: its applications come
 * from the management agent's statistics, which it first sends some seconds
 * after the API answers (measured on 3.10.8: no `applications` at all for
 * about 5 s after the first answer), and a list sent while the node is
 * still booting may lack plugins that are about to run. Such a node is "not
 * known yet", never "runs no plugins": the read is retried briefly, and if
 * the node still does not tell, its plugins are not checked and a warning
 * says so. A valid spec is never refused because the broker is starting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { LiveSource } from './read.js';
import { isRecord } from './normalize.js';

export const NODES_PLUGINS_PATH = '/api/nodes?columns=name,running,applications';

/** How long to wait for starting nodes to list their applications, and how often to ask. */
export const PLUGINS_WAIT_MS = 8_000;
export const PLUGINS_POLL_MS = 1_000;

/**
 * Applications every node lists once it is up: a list without them was
 * taken while the node was still booting.
 */
const ALWAYS_RUNNING = ['rabbit', 'rabbitmq_management_agent'] as const;

export interface NodeApplications {
  /**
   * Applications running on every running node that listed them; undefined
   * when no running node did (nothing to check against).
   */
  readonly applications: string[] | undefined;
  /** Running nodes that did not list their applications yet, or listed an incomplete list */
  readonly starting: string[];
}

export interface ReadPluginsOptions {
  readonly waitMs?: number;
  readonly pollMs?: number;
}

export interface RunningPlugins {
  /** What to check the spec against; undefined: nothing is known, check nothing */
  readonly plugins: string[] | undefined;
  /** `PLUGINS_NOT_KNOWN_YET` when a node still did not tell after the wait */
  readonly warnings: Diagnostic[];
}

/**
 * The applications running on every running node, waiting up to `waitMs`
 * for nodes that are still starting. Nodes that are down do not count.
 */
export async function readRunningApplications(client: LiveSource, opts: ReadPluginsOptions = {}): Promise<RunningPlugins> {
  const waitMs = opts.waitMs ?? PLUGINS_WAIT_MS;
  const pollMs = opts.pollMs ?? PLUGINS_POLL_MS;
  const deadline = Date.now() + waitMs;
  let read = nodeApplications(await client.get(NODES_PLUGINS_PATH));
  while (read.starting.length > 0 && Date.now() + pollMs <= deadline) {
    await sleep(pollMs);
    read = nodeApplications(await client.get(NODES_PLUGINS_PATH));
  }
  if (read.starting.length === 0) return { plugins: read.applications ?? [], warnings: [] };
  const nodes = read.starting.map((n) => `'${n}'`).join(', ');
  return {
    plugins: read.applications,
    warnings: [
      diagnostic(
        'PLUGINS_NOT_KNOWN_YET',
        `node(s) ${nodes} did not list their running plugins within ${Math.round(waitMs / 1000)} s (still starting?), so shovels and federation were not checked against them; ` +
          'if a plugin they need is not enabled there, apply will fail at that step: run plan again once the broker is up',
        undefined,
        'warning',
      ),
    ],
  };
}

/** `/api/nodes` → the applications common to the nodes that listed them, and the running nodes that did not (yet). */
export function nodeApplications(json: unknown): NodeApplications {
  let common: Set<string> | undefined;
  const starting: string[] = [];
  for (const n of Array.isArray(json) ? json : []) {
    if (!isRecord(n) || n['running'] === false) continue;
    const list = n['applications'];
    const apps = new Set<string>();
    if (Array.isArray(list)) for (const a of list) if (isRecord(a) && typeof a['name'] === 'string') apps.add(a['name']);
    if (!ALWAYS_RUNNING.every((a) => apps.has(a))) {
      starting.push(typeof n['name'] === 'string' ? n['name'] : '?');
      continue;
    }
    common = common === undefined ? apps : new Set([...common].filter((x) => apps.has(x)));
  }
  return { applications: common === undefined ? undefined : [...common].sort(), starting };
}
