import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderDefinitions } from '../../export/definitions.js';
import { exportNative } from '../../export/native.js';
import { ManagementClient } from '../../live/http.js';
import { listVhosts, readLive } from '../../live/read.js';
import { diagnostic, WarrenError, type Diagnostic } from '../../model/diagnostics.js';
import type { ResourceMap } from '../../model/types.js';
import { EXIT, type Io } from '../context.js';
import { singleTarget } from '../targets.js';
import { endpointOptions, formatOption, type CommonOptions } from '../options.js';

interface ExportOptions extends CommonOptions {
  readonly vhost: string[];
  readonly out?: string;
  readonly schema?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerExport(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('export')
    .description('write the live broker as a spec (native YAML, or --format definitions for a definitions.json)')
    .option('--vhost <name>', 'vhost to export (repeatable; default: every vhost)', collect, [])
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .option('--schema <ref>', 'the $schema reference in the YAML modeline', './schema/topology.schema.json');
  endpointOptions(formatOption(cmd, ['yaml', 'definitions']))
    .addHelpText('after', '\nRound trip: `warren export -o t.yaml && warren plan t.yaml` plans no changes.\nExit status: 0 written, 1 error.')
    .action(async (opts: ExportOptions) => {
      const target = await singleTarget(opts, io);
      const client = new ManagementClient(target.management, { tls: target.tls });
      let text: string;
      try {
        const vhosts = opts.vhost.length > 0 ? opts.vhost : await listVhosts(client);
        const observed = await readLive(client, vhosts);
        refuseUnavailableQueues(observed.resources);
        text =
          opts.format === 'definitions'
            ? renderDefinitions(observed.resources, { vhosts })
            : exportNative(observed.resources, { vhosts, skipped: observed.skipped ?? [], ...(opts.schema ? { schema: opts.schema } : {}) });
      } finally {
        await client.close();
      }
      if (!text.endsWith('\n')) text += '\n';
      if (opts.out) await writeFile(opts.out, text);
      else io.out(text);
      setExit(EXIT.ok);
    });
}

/**
 * A classic queue whose node is down is listed without any of its bindings:
 * an export would silently lack them (and a spec applied with prune later
 * deletes them once the node is back). Refuse instead.
 */
function refuseUnavailableQueues(resources: ResourceMap): void {
  const down: Diagnostic[] = [];
  for (const r of resources.values()) {
    if (r.kind !== 'queue' || r.unavailable === undefined) continue;
    down.push(
      diagnostic(
        'QUEUE_UNAVAILABLE',
        `cannot export vhost ${JSON.stringify(r.vhost)} completely: queue ${JSON.stringify(r.name)} is unavailable (${r.unavailable}), and RabbitMQ does not list the bindings of a queue that is down; start the node and export again, or leave the vhost out (--vhost)`,
      ),
    );
  }
  if (down.length > 0) throw new WarrenError(down);
}
