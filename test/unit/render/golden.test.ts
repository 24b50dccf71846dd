import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceKey } from '../../../src/model/keys.js';
import type { PlanDocument } from '../../../src/model/plan.js';
import type { Resource } from '../../../src/model/types.js';
import { driftFromPlan, renderDriftJson, renderDriftJunit, renderDriftMarkdown, renderDriftText } from '../../../src/render/drift.js';
import { renderDot, renderMermaid } from '../../../src/render/graph.js';
import { renderPlanMarkdown } from '../../../src/render/markdown.js';
import { expectGolden } from '../../helpers/golden.js';

const root = 'test/cases/render';
const cases = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const read = <T>(dir: string, file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
const mapOf = (list: readonly Resource[]): Map<string, Resource> => new Map(list.map((r) => [resourceKey(r), r]));

/** The stored plan with its keys in today's key format, so the inputs outlive a change of format. */
function rekey(plan: PlanDocument, live: ReadonlyMap<string, Resource>): PlanDocument {
  const renamed = new Map<string, string>();
  const changes = plan.changes.map((c) => {
    const r = c.after ?? c.before;
    const key = r ? resourceKey(r) : c.key;
    renamed.set(c.key, key);
    return { ...c, key };
  });
  const unmanaged = plan.unmanaged.map((u) => {
    const r = [...live.values()].find((x) => x.kind === u.kind && x.vhost === u.vhost && x.name === u.name);
    return { ...u, key: r ? resourceKey(r) : u.key };
  });
  const hazards = plan.hazards.map((h) => ({ ...h, change: renamed.get(h.change) ?? h.change }));
  return { ...plan, changes, unmanaged, hazards };
}

describe('render golden cases', () => {
  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      const declared = mapOf(read<Resource[]>(dir, 'declared.json'));
      const live = mapOf(read<Resource[]>(dir, 'live.json'));
      const plan = rekey(read<PlanDocument>(dir, 'plan.json'), live);
      const union = new Map([...live, ...declared]);
      const drift = driftFromPlan(plan);
      const highlight = {
        added: new Set(plan.changes.filter((c) => c.action === 'create' && !c.before).map((c) => c.key)),
        removed: new Set(plan.changes.filter((c) => c.action === 'delete').map((c) => c.key)),
        changed: new Set(plan.changes.filter((c) => c.action === 'update' || c.action === 'replace').map((c) => c.key)),
      };
      const markdown = renderPlanMarkdown(plan, { graph: union });
      // A graph that silently went missing must not be accepted as the new golden.
      expect(markdown.includes('```mermaid')).toBe(plan.changes.length > 0);
      expectGolden(join(dir, 'plan.md'), markdown);
      expectGolden(join(dir, 'drift.md'), renderDriftMarkdown(drift, { graph: union }));
      expectGolden(join(dir, 'drift.xml'), renderDriftJunit(drift, declared));
      expectGolden(join(dir, 'drift.txt'), renderDriftText(drift));
      expectGolden(join(dir, 'drift.json'), renderDriftJson(drift));
      expectGolden(join(dir, 'graph.mmd'), renderMermaid(union, { highlight }));
      expectGolden(join(dir, 'graph.dot'), renderDot(union, { highlight }));
    });
  }
});
