import { describe, expect, it } from 'vitest';
import { parseDeprecatedFeatures, parseFeatureFlags, readBrokerFeatures } from '../../../src/live/broker-features.js';
import { HttpError } from '../../../src/live/http.js';
import { WarrenError } from '../../../src/model/diagnostics.js';

/** `GET /api/deprecated-features` of a fresh 4.0.5 node (Debian trixie), as measured: no `state`. */
const ON_405 = [
  { name: 'queue_master_locator', desc: '', deprecation_phase: 'permitted_by_default', doc_url: '', provided_by: 'rabbit' },
  { name: 'global_qos', desc: '', deprecation_phase: 'permitted_by_default', doc_url: '', provided_by: 'rabbit' },
  { name: 'transient_nonexcl_queues', desc: '', deprecation_phase: 'permitted_by_default', doc_url: '', provided_by: 'rabbit' },
  { name: 'ram_node_type', desc: '', deprecation_phase: 'permitted_by_default', doc_url: '', provided_by: 'rabbit' },
  { name: 'classic_queue_mirroring', desc: '', deprecation_phase: 'removed', doc_url: '', provided_by: 'rabbit' },
];

/** The same of a fresh 4.3.6 node (Debian sid), as measured: a removed feature reports state `denied`. */
const ON_436 = [
  { name: 'queue_master_locator', state: 'denied', desc: '', deprecation_phase: 'denied_by_default', doc_url: '', provided_by: 'rabbit' },
  { name: 'global_qos', state: 'denied', deprecation_phase: 'denied_by_default' },
  { name: 'amqp_address_v1', state: 'denied', deprecation_phase: 'denied_by_default' },
  { name: 'management_metrics_collection', state: 'permitted', deprecation_phase: 'permitted_by_default', provided_by: 'rabbitmq_management_agent' },
  { name: 'transient_nonexcl_queues', state: 'permitted', deprecation_phase: 'permitted_by_default' },
  { name: 'classic_queue_mirroring', state: 'denied', deprecation_phase: 'removed' },
  { name: 'ram_node_type', state: 'denied', deprecation_phase: 'removed' },
];

describe('parseDeprecatedFeatures', () => {
  it('reads the phase when there is no state (4.0.5)', () => {
    expect(parseDeprecatedFeatures(ON_405)).toEqual({
      queue_master_locator: 'permitted',
      global_qos: 'permitted',
      transient_nonexcl_queues: 'permitted',
      ram_node_type: 'permitted',
      classic_queue_mirroring: 'removed',
    });
  });

  it('reads the state (4.3.6), except that a removed phase stays removed', () => {
    expect(parseDeprecatedFeatures(ON_436)).toEqual({
      queue_master_locator: 'denied',
      global_qos: 'denied',
      amqp_address_v1: 'denied',
      management_metrics_collection: 'permitted',
      transient_nonexcl_queues: 'permitted',
      classic_queue_mirroring: 'removed',
      ram_node_type: 'removed',
    });
  });

  it('takes the configured state over the default phase: a permit in the config shows as state permitted', () => {
    expect(parseDeprecatedFeatures([{ name: 'queue_master_locator', state: 'permitted', deprecation_phase: 'denied_by_default' }])).toEqual({ queue_master_locator: 'permitted' });
    expect(parseDeprecatedFeatures([{ name: 'transient_nonexcl_queues', state: 'denied', deprecation_phase: 'permitted_by_default' }])).toEqual({ transient_nonexcl_queues: 'denied' });
  });

  it('treats disconnected and unsupported phases as removed, and leaves out rows it cannot read', () => {
    expect(
      parseDeprecatedFeatures([
        { name: 'a', deprecation_phase: 'disconnected' },
        { name: 'b', deprecation_phase: 'unsupported', state: 'denied' },
        { name: 'c', deprecation_phase: 'some_future_phase' },
        { deprecation_phase: 'removed' },
      ]),
    ).toEqual({ a: 'removed', b: 'removed' });
  });

  it('refuses an answer that is not a list', () => {
    expect(() => parseDeprecatedFeatures({ error: 'x' })).toThrow(WarrenError);
  });
});

describe('parseFeatureFlags', () => {
  it('maps each flag to its state', () => {
    expect(
      parseFeatureFlags([
        { name: 'quorum_queue', desc: 'Support queues of type `quorum`', state: 'enabled', stability: 'stable', provided_by: 'rabbit' },
        { name: 'stream_queue', state: 'disabled', stability: 'stable' },
        { name: 'khepri_db', stability: 'experimental' },
      ]),
    ).toEqual({ quorum_queue: 'enabled', stream_queue: 'disabled' });
  });
});

describe('readBrokerFeatures', () => {
  const absent = (path: string, status: number): HttpError => new HttpError('HTTP_ERROR', `GET ${path}: ${status}`, 'GET', path, status, '');

  it('leaves out what a 3.x broker does not have (404, or 406 to a JSON-only request as 3.10.8 answers), so that the version table decides', async () => {
    for (const status of [404, 406]) {
      const client = {
        get: (path: string): Promise<unknown> =>
          path === '/api/deprecated-features' ? Promise.reject(absent(path, status)) : Promise.resolve([{ name: 'quorum_queue', state: 'enabled' }]),
      };
      expect(await readBrokerFeatures(client)).toEqual({ featureFlags: { quorum_queue: 'enabled' } });
    }
  });

  it('reads both on 4.x', async () => {
    const client = { get: (path: string): Promise<unknown> => Promise.resolve(path === '/api/deprecated-features' ? ON_436 : []) };
    const facts = await readBrokerFeatures(client);
    expect(facts.deprecatedFeatures?.['queue_master_locator']).toBe('denied');
    expect(facts.featureFlags).toEqual({});
  });

  it('passes on any other failure', async () => {
    const client = {
      get: (path: string): Promise<unknown> => Promise.reject(new HttpError('BROKER_AUTH_FAILED', 'no', 'GET', path, 401, '')),
    };
    await expect(readBrokerFeatures(client)).rejects.toThrow(HttpError);
  });
});
