/**
 * A broker that has just started does not list its applications yet
 * (measured on 3.10.8: `/api/nodes` has no `applications` for about 5 s
 * after the management API first answers). A valid spec with a shovel and a
 * federation upstream, planned the moment the API answers, must not be
 * refused with PLUGIN_NOT_ENABLED.
 *
 * It restarts a private node of its own (scripts/broker.sh with its own
 * name, ports and directory, stopped afterwards), so it runs in vitest's
 * `cluster` project, after every other file. WARREN_FRESH_BROKER=0 skips it.
 * WARREN_FRESH_BROKER_NODE / _DIR rename the node and move its state;
 * WARREN_FRESH_BROKER_PORT_BASE (default 800) gives its ports: AMQP
 * 56000+base, management 15000+base, distribution 25000+base, CLI tools
 * from 35000+base.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFile, warrenAt } from '../helpers/cli.js';

const ENABLED = process.env['WARREN_FRESH_BROKER'] !== '0';
const repo = resolve(import.meta.dirname, '..', '..');
const base = Number(process.env['WARREN_FRESH_BROKER_PORT_BASE'] ?? '800');
const env = {
  WARREN_BROKER_NODE: process.env['WARREN_FRESH_BROKER_NODE'] ?? 'warren-fresh@localhost',
  WARREN_BROKER_AMQP_PORT: String(56000 + base),
  WARREN_BROKER_MGMT_PORT: String(15000 + base),
  WARREN_BROKER_DIST_PORT: String(25000 + base),
  WARREN_BROKER_CTL_PORT_MIN: String(35000 + base),
  WARREN_BROKER_DIR: process.env['WARREN_FRESH_BROKER_DIR'] ?? resolve(repo, '.broker', 'fresh'),
};
const urls = { management: `http://guest:guest@127.0.0.1:${env.WARREN_BROKER_MGMT_PORT}`, amqp: `amqp://guest:guest@127.0.0.1:${env.WARREN_BROKER_AMQP_PORT}` };

function broker(command: string): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn('bash', [resolve(repo, 'scripts', 'broker.sh'), command], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`broker.sh ${command} exited ${code}:\n${err}`))));
  });
}

/** How many running nodes list no applications right now. */
async function nodesWithoutApplications(): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${env.WARREN_BROKER_MGMT_PORT}/api/nodes?columns=name,running,applications`, {
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, accept: 'application/json' },
  });
  const nodes = (await res.json()) as Array<{ running?: boolean; applications?: unknown }>;
  return nodes.filter((n) => n.running !== false && !Array.isArray(n.applications)).length;
}

describe.runIf(ENABLED)('a broker that has just started', () => {
  beforeAll(async () => {
    await broker('stop');
  }, 120_000);
  afterAll(async () => {
    await broker('stop');
  }, 120_000);

  it('is not said to lack the shovel and federation plugins it runs', async () => {
    const file = specFile({
      version: 1,
      vhosts: {
        '/': {
          queues: { 'fresh.in': {}, 'fresh.out': {} },
          shovels: { move: { 'src-uri': 'amqp://', 'src-queue': 'fresh.in', 'dest-uri': 'amqp://', 'dest-queue': 'fresh.out' } },
          federation_upstreams: { up: { uri: 'amqp://remote.example' } },
        },
      },
    });
    await broker('start'); // returns as soon as the management API answers
    const unlisted = await nodesWithoutApplications();
    const r = await warrenAt(urls, 'plan', file);
    console.info(`[fresh-broker] nodes without applications when the plan started: ${unlisted}; plan exit ${r.code}`);
    expect(r.stderr).not.toContain('PLUGIN_NOT_ENABLED');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('shovel/move');
  }, 120_000);
});
