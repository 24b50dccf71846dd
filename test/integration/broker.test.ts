import { afterAll, describe, expect, it } from 'vitest';
import { brokerAtLeast, brokerVersion, deleteVhost, freshVhost, mgmt, testUrls } from '../helpers/broker.js';

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

  it('answers GET /api/overview, and brokerVersion() is its rabbitmq_version', async () => {
    const res = await mgmt<Overview>('GET', '/api/overview');
    expect(res.status).toBe(200);
    expect(res.body.rabbitmq_version).toMatch(/^\d+\.\d+/);
    expect(brokerVersion()).toBe(res.body.rabbitmq_version);
    const [major = 0, minor = 0] = res.body.rabbitmq_version.split('.').map(Number);
    expect(brokerAtLeast(major, minor)).toBe(true);
    expect(brokerAtLeast(major, minor + 1)).toBe(false);
    expect(brokerAtLeast(major + 1)).toBe(false);
    expect(brokerAtLeast(3, 10)).toBe(true);
  });

  it('is the series WARREN_BROKER_SERIES asks for (when the suite started the broker)', () => {
    const series = process.env.WARREN_BROKER_SERIES;
    if (!series || process.env.WARREN_TEST_MANAGEMENT_URL) return;
    const want = series === 'latest' ? '4.3' : series;
    expect(brokerVersion().startsWith(`${want}.`), brokerVersion()).toBe(true);
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
