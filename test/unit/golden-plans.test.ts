/**
 * Golden plan cases: each folder of test/cases/ holds a spec, the live state as
 * the management API answers it, and the expected plan in text and JSON.
 * Compared exactly; `UPDATE_GOLDEN=1` rewrites the expected files.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { GLOBAL_PATHS, bindingsPath, exchangesPath, queuesPath, readLive } from '../../src/live/read.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { buildPlan } from '../../src/plan/plan.js';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { loadSpecTexts } from '../../src/spec/index.js';
import { expectGolden } from '../helpers/golden.js';

const casesDir = resolve(import.meta.dirname, '..', 'cases');

/** live.json: the answers of the management API calls the reader makes. */
interface RecordedLive {
  readonly overview: unknown;
  readonly vhosts: unknown;
  readonly per_vhost: Record<string, { queues: unknown; exchanges: unknown; bindings: unknown }>;
  /** Answers of the whole-broker listings (GLOBAL_PATHS), by path; absent ones are empty. */
  readonly global?: Record<string, unknown>;
}

function recordedSource(live: RecordedLive): { get(path: string): Promise<unknown> } {
  const answers = new Map<string, unknown>([
    ['/api/overview', live.overview],
    ['/api/vhosts?disable_stats=true', live.vhosts],
    // Cases recorded before users, policies and parameters were read: the broker had none.
    ...Object.values(GLOBAL_PATHS).map((p): [string, unknown] => [p, live.global?.[p] ?? []]),
  ]);
  for (const [v, r] of Object.entries(live.per_vhost)) {
    answers.set(queuesPath(v), r.queues);
    answers.set(exchangesPath(v), r.exchanges);
    answers.set(bindingsPath(v), r.bindings);
  }
  return {
    get: (path) => (answers.has(path) ? Promise.resolve(answers.get(path)) : Promise.reject(new Error(`no recorded answer for GET ${path}`))),
  };
}

const cases = readdirSync(casesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(casesDir, d.name, 'spec.yaml')))
  .map((d) => d.name)
  .sort();

describe('golden plans', () => {
  it.each(cases)('%s', async (name) => {
    const dir = join(casesDir, name);
    const text = readFileSync(join(dir, 'spec.yaml'), 'utf8');
    const { desired, diagnostics } = loadSpecTexts([{ file: 'spec.yaml', text }]);
    if (!desired) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
    const live = JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')) as RecordedLive;
    const options = existsSync(join(dir, 'options.json'))
      ? (JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) as { prune?: boolean })
      : {};
    const observed = await readLive(recordedSource(live), desired.vhosts);
    const prune = options.prune === true;
    const plan = buildPlan(diff(desired, observed, { prune }), {
      warrenVersion: '0.0.0-test',
      brokerVersion: observed.broker.version,
      vhosts: desired.vhosts,
      prune,
      live: observed.resources,
    });
    expectGolden(join(dir, 'plan.txt'), renderPlanText(plan));
    expectGolden(join(dir, 'plan.json'), renderPlanJson(plan));
  });
});
