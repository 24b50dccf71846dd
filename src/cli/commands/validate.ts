import type { Command } from 'commander';
import type { Desired, Kind } from '../../model/types.js';
import { EXIT, type Io } from '../context.js';
import { specOptions, type SpecOptions } from '../options.js';
import { loadOrFail } from '../pipeline.js';

export function registerValidate(program: Command, io: Io, setExit: (code: number) => void): void {
  specOptions(
    program
      .command('validate')
      .description('check spec files against the schema and for broken references, without contacting the broker')
      .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', []),
  )
    .addHelpText('after', '\nExit status: 0 valid, 1 errors (each printed as file:line:column).')
    .action(async (files: string[], opts: SpecOptions) => {
      const desired = await loadOrFail(files, io, opts);
      io.out(`valid: ${summarizeDesired(desired)}\n`);
      setExit(EXIT.ok);
    });
}

/** Singular and plural of each kind, as the summary names them. */
const KIND_WORDS: Readonly<Record<Kind, readonly [string, string]>> = {
  vhost: ['vhost', 'vhosts'],
  user: ['user', 'users'],
  permission: ['permission', 'permissions'],
  topic_permission: ['topic permission', 'topic permissions'],
  vhost_limit: ['vhost limit', 'vhost limits'],
  user_limit: ['user limit', 'user limits'],
  exchange: ['exchange', 'exchanges'],
  queue: ['queue', 'queues'],
  binding: ['binding', 'bindings'],
  policy: ['policy', 'policies'],
  operator_policy: ['operator policy', 'operator policies'],
  parameter: ['parameter', 'parameters'],
  global_parameter: ['global parameter', 'global parameters'],
};

function count(n: number, kind: Kind): string {
  const [one, many] = KIND_WORDS[kind];
  return `${n} ${n === 1 ? one : many}`;
}

/** `1 vhost, 2 queues, 2 policies`: the vhosts, then each other kind in the order first declared. */
export function summarizeDesired(desired: Desired): string {
  const counts = new Map<Kind, number>();
  for (const r of desired.resources.values()) if (r.kind !== 'vhost') counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return [count(desired.vhosts.length, 'vhost'), ...[...counts].map(([kind, n]) => count(n, kind))].join(', ');
}
