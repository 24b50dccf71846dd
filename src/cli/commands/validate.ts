import type { Command } from 'commander';
import { EXIT, type Io } from '../context.js';
import { loadOrFail } from '../pipeline.js';

export function registerValidate(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check spec files against the schema and for broken references, without contacting the broker')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', [])
    .addHelpText('after', '\nExit status: 0 valid, 1 errors (each printed as file:line:column).')
    .action(async (files: string[]) => {
      const desired = await loadOrFail(files, io);
      let counts = { exchange: 0, queue: 0, binding: 0 };
      for (const r of desired.resources.values()) if (r.kind !== 'vhost') counts = { ...counts, [r.kind]: counts[r.kind] + 1 };
      io.out(
        `valid: ${desired.vhosts.length} vhost${desired.vhosts.length === 1 ? '' : 's'}, ${counts.exchange} exchanges, ${counts.queue} queues, ${counts.binding} bindings\n`,
      );
      setExit(EXIT.ok);
    });
}
