/**
 * Which plugins the broker runs, for specs that need one (shovels,
 * federation): `GET /api/nodes?columns=name,running,applications`, read
 * only then (rabbitmq-semantics.md: /api/nodes is not one of the bulk reads).
 */
import type { LiveSource } from './read.js';
import { isRecord } from './normalize.js';

export const NODES_PLUGINS_PATH = '/api/nodes?columns=name,running,applications';

/**
 * The applications running on every running node: a plugin enabled on one
 * node only cannot serve a shovel or an upstream placed on another. Nodes
 * that are down (no applications listed) do not count.
 */
export async function readRunningApplications(client: LiveSource): Promise<string[]> {
  return runningApplications(await client.get(NODES_PLUGINS_PATH));
}

export function runningApplications(json: unknown): string[] {
  const nodes = (Array.isArray(json) ? json : []).filter((n) => isRecord(n) && n['running'] !== false && Array.isArray(n['applications']));
  let common: Set<string> | undefined;
  for (const n of nodes) {
    const apps = new Set<string>();
    for (const a of (n as Record<string, unknown[]>)['applications'] ?? []) if (isRecord(a) && typeof a['name'] === 'string') apps.add(a['name']);
    common = common === undefined ? apps : new Set([...common].filter((x) => apps.has(x)));
  }
  return [...(common ?? [])].sort();
}
