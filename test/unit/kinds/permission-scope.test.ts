import { describe, expect, it } from 'vitest';
import { broadens } from '../../../src/plan/permission-scope.js';

describe('PERMISSION_BROADENED rule', () => {
  it.each([
    ['^app\\.', '^app\\.', 'same'],
    ['^app\\.', '', 'to nothing'],
    ['^app\\.', '^app\\.orders\\.', 'suffix added'],
    ['app', '^app', 'anchored'],
    ['app', 'my-app-q', 'both sides added'],
    ['.*', '^app\\..*', 'prefix before .*'],
    ['.*', '^a$', 'anything is narrower than everything'],
    ['^.*$', 'x|y', 'alternatives are narrower than everything'],
  ])('%s → %s is not broadening (%s)', (before, after) => {
    expect(broadens(before, after)).toBe(false);
  });

  it.each([
    ['^app\\.', '.*', 'to everything'],
    ['', '^app', 'from nothing'],
    ['^app\\.', '^ap', 'shortened'],
    ['^app\\.', '^app\\.|^admin', 'alternation added'],
    ['^ab', '^ab*', 'quantifier applied to the old last atom'],
    ['^app', '(^app)|x', 'group and alternation'],
    ['^app', '[^app]', 'brackets'],
    ['^orders', '^payments', 'unrelated'],
    ['a', '\\a', 'escapes the old first character'],
  ])('%s → %s is broadening (%s)', (before, after) => {
    expect(broadens(before, after)).toBe(true);
  });
});
