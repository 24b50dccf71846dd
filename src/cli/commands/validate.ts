import type { Command } from 'commander';
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
      const counts = new Map<string, number>();
      for (const r of desired.resources.values()) if (r.kind !== 'vhost') counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
      const parts = [...counts].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`);
      const vhosts = `${desired.vhosts.length} vhost${desired.vhosts.length === 1 ? '' : 's'}`;
      io.out(`valid: ${[vhosts, ...parts].join(', ')}\n`);
      setExit(EXIT.ok);
    });
}
