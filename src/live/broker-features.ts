/**
 * The broker's own facts about what it takes, read before planning:
 * `GET /api/deprecated-features` (3.13+; absent from older brokers) and
 * `GET /api/feature-flags`. Where a broker lacks an endpoint, the facts are
 * absent and the version tables decide (model/deprecated-features).
 *
 * Shapes, measured: 4.0.5 lists `name` and `deprecation_phase` but no
 * `state`; 4.3.6 adds `state` (`permitted`, `denied`; a removed feature
 * reports `denied` with phase `removed`). Feature flags carry `name` and
 * `state` (`enabled`, `disabled`, `state_changing`) on 3.10 and 4.x.
 */
import { stateOfPhase, type DeprecatedFeatureState } from '../model/deprecated-features.js';
import { HttpError } from './http.js';
import { rows } from './normalize.js';
import type { LiveSource } from './read.js';

export const DEPRECATED_FEATURES_PATH = '/api/deprecated-features';
export const FEATURE_FLAGS_PATH = '/api/feature-flags';

export interface BrokerFeatures {
  readonly deprecatedFeatures?: Readonly<Record<string, DeprecatedFeatureState>>;
  readonly featureFlags?: Readonly<Record<string, string>>;
}

/** Both listings, in parallel; an endpoint the broker does not have leaves its field out. */
export async function readBrokerFeatures(client: LiveSource): Promise<BrokerFeatures> {
  const [deprecated, flags] = await Promise.all([getOrAbsent(client, DEPRECATED_FEATURES_PATH), getOrAbsent(client, FEATURE_FLAGS_PATH)]);
  return {
    ...(deprecated === undefined ? {} : { deprecatedFeatures: parseDeprecatedFeatures(deprecated) }),
    ...(flags === undefined ? {} : { featureFlags: parseFeatureFlags(flags) }),
  };
}

/**
 * A path the management API does not route answers 404, or 406 when the
 * request accepts only JSON (the static file handler takes it: measured on
 * 3.10.8 and 4.3.6).
 */
const ABSENT = new Set([404, 406]);

async function getOrAbsent(client: LiveSource, path: string): Promise<unknown> {
  try {
    return await client.get(path);
  } catch (err) {
    if (err instanceof HttpError && ABSENT.has(err.status)) return undefined;
    throw err;
  }
}

/**
 * Feature → state. A `removed` (or `disconnected`, `unsupported`) phase wins
 * over the state, which 4.3.6 reports as `denied` for removed features: no
 * configuration brings those back. Else the state when there is one, else
 * the phase's default. Rows whose state and phase are both unknown are left
 * out (the version table then answers for them).
 */
export function parseDeprecatedFeatures(json: unknown): Record<string, DeprecatedFeatureState> {
  const out: Record<string, DeprecatedFeatureState> = {};
  for (const row of rows(json, `GET ${DEPRECATED_FEATURES_PATH}`)) {
    const name = row['name'];
    if (typeof name !== 'string') continue;
    const phase = typeof row['deprecation_phase'] === 'string' ? stateOfPhase(row['deprecation_phase']) : undefined;
    const state = row['state'];
    const reported: DeprecatedFeatureState | undefined = state === 'permitted' || state === 'denied' || state === 'removed' ? state : undefined;
    const resolved = phase === 'removed' ? 'removed' : (reported ?? phase);
    if (resolved !== undefined) out[name] = resolved;
  }
  return out;
}

/** Feature flag → state as the broker reports it. */
export function parseFeatureFlags(json: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows(json, `GET ${FEATURE_FLAGS_PATH}`)) {
    if (typeof row['name'] === 'string' && typeof row['state'] === 'string') out[row['name']] = row['state'];
  }
  return out;
}
