import { afterEach, describe, expect, it } from 'vitest';
import { DOWN_MEMORY_MS, forgetDownEndpoints, knownDown, rememberDown } from '../../../src/live/endpoints.js';

describe('endpoints remembered as down by this process', () => {
  afterEach(() => forgetDownEndpoints());

  it('are remembered by host and port, whatever the credentials or the vhost of the URL', () => {
    rememberDown('amqp', 'amqp://app:****@10.0.0.1:5672/orders', 'connection refused', 1_000);
    expect(knownDown('amqp', 'amqp://other:secret@10.0.0.1:5672/billing', 2_000)).toBe('connection refused');
    expect(knownDown('amqp', 'amqp://app:****@10.0.0.1:5673/orders', 2_000)).toBeUndefined();
    expect(knownDown('management', 'http://10.0.0.1:5672', 2_000)).toBeUndefined();
  });

  it('are forgotten after DOWN_MEMORY_MS, so a node that came back is used again', () => {
    rememberDown('management', 'http://guest:****@127.0.0.1:15672', 'no answer within 2.5 s', 0);
    expect(knownDown('management', 'http://127.0.0.1:15672', DOWN_MEMORY_MS)).toBe('no answer within 2.5 s');
    expect(knownDown('management', 'http://127.0.0.1:15672', DOWN_MEMORY_MS + 1)).toBeUndefined();
    expect(knownDown('management', 'http://127.0.0.1:15672', 0)).toBeUndefined();
  });
});
