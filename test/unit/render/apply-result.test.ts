import { describe, expect, it } from 'vitest';
import { unreachableWarnings } from '../../../src/live/endpoints.js';
import { uniqueDiagnostics, type Diagnostic } from '../../../src/model/diagnostics.js';
import { renderApplyJson } from '../../../src/render/apply-result.js';
import { exchange, queue } from '../export/fixtures.js';
import { planned, planOf } from './plans.js';

const mgmtDown = unreachableWarnings([{ api: 'management', url: 'http://ops:****@n1:15672', reason: 'connection refused' }]);
const amqpDown = unreachableWarnings([{ api: 'amqp', url: 'amqp://ops:****@n1:5672/v', reason: 'no answer within 2.5 s' }]);
const planWarning: Diagnostic = { code: 'DEFAULT_QUEUE_TYPE_IGNORED', severity: 'warning', message: 'x', file: 'a.yaml', line: 3, column: 5, path: '/vhosts/v' };

describe('renderApplyJson', () => {
  const q = queue('v', 'q');
  const plan = planOf([planned('create', q), planned('create', exchange('v', 'x'))], { warnings: [planWarning, ...mgmtDown] });

  it('carries every warning once: the plan’s, then the apply’s (unreachable management and AMQP endpoints)', () => {
    const doc = JSON.parse(
      renderApplyJson(plan, { applied: [planned('create', q)], failed: null, pending: [], alsoFailed: [], warnings: [...mgmtDown, ...amqpDown, ...amqpDown] }),
    ) as Record<string, unknown>;
    expect(doc['warnings']).toEqual([planWarning, ...mgmtDown, ...amqpDown]);
    expect((doc['warnings'] as Diagnostic[]).map((w) => w.message).join('\n')).toMatch(/AMQP endpoint amqp:\/\/ops:\*\*\*\*@n1:5672\/v did not answer \(no answer within 2\.5 s\)/);
  });

  it('adds the field and keeps every other one of format 1 as it was', () => {
    const doc = JSON.parse(renderApplyJson(plan, { applied: [], failed: null, pending: [] })) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['format_version', 'status', 'summary', 'hazards', 'warnings', 'applied', 'failed', 'also_failed', 'pending']);
    expect(doc['format_version']).toBe(1);
    // a result without warnings (a library caller's own ApplyResult) still gets the plan's
    expect(doc['warnings']).toEqual([planWarning, ...mgmtDown]);
    expect(JSON.parse(renderApplyJson(planOf([]), { applied: [], failed: null, pending: [] }))).toMatchObject({ warnings: [] });
  });
});

describe('uniqueDiagnostics', () => {
  it('drops repeats and those already shown, keeping order', () => {
    const a: Diagnostic = { code: 'A', severity: 'warning', message: 'm' };
    const b: Diagnostic = { code: 'B', severity: 'warning', message: 'm' };
    const aElsewhere: Diagnostic = { ...a, file: 'f.yaml', line: 1, column: 1 };
    expect(uniqueDiagnostics([a, b, { ...a }, aElsewhere])).toEqual([a, b, aElsewhere]);
    expect(uniqueDiagnostics([a, b, aElsewhere], [b])).toEqual([a, aElsewhere]);
  });
});
