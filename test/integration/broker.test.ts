import { afterAll, describe, expect, it } from 'vitest';
import { deleteVhost, freshVhost, mgmt, testUrls } from '../helpers/broker.js';

interface Overview {
  rabbitmq_version: string;
  node: string;
}

describe('test broker', () => {
  const created: string[] = [];
  afterAll(async () => {
    for (const v of created) await deleteVhost(v);
  });

  it('exposes management and AMQP URLs', () => {
    const urls = testUrls();
    expect(urls.management).toMatch(/^https?:\/\//);
    expect(urls.amqp).toMatch(/^amqps?:\/\//);
  });

  it('answers GET /api/overview with a 3.x RabbitMQ', async () => {
    const res = await mgmt<Overview>('GET', '/api/overview');
    expect(res.status).toBe(200);
    expect(res.body.rabbitmq_version).toMatch(/^\d+\.\d+/);
  });

  it('creates and deletes a fresh vhost', async () => {
    const vhost = await freshVhost('smoke');
    created.push(vhost);
    expect(vhost).toMatch(/^warren-test-smoke-[0-9a-f]{8}$/);

    const got = await mgmt<{ name: string }>('GET', `/api/vhosts/${encodeURIComponent(vhost)}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toBe(vhost);

    const perms = await mgmt<Array<{ user: string; configure: string }>>(
      'GET',
      `/api/vhosts/${encodeURIComponent(vhost)}/permissions`,
    );
    expect(perms.body.some((p) => p.configure === '.*')).toBe(true);

    await deleteVhost(vhost);
    const gone = await mgmt('GET', `/api/vhosts/${encodeURIComponent(vhost)}`);
    expect(gone.status).toBe(404);
    await deleteVhost(vhost); // idempotent
  });
});
