import type { Command } from 'commander';
import { renderDot, renderMermaid } from '../../render/graph.js';
import { EXIT, type Io } from '../context.js';
import { formatOption, specOptions, type SpecOptions } from '../options.js';
import { loadOrFail } from '../pipeline.js';

interface GraphCliOptions extends SpecOptions {
  readonly format?: string;
  readonly vhost?: string;
  readonly maxNodes?: string;
}

export function registerGraph(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('graph')
    .description('draw the topology: exchanges, queues, bindings with their keys, exchange-to-exchange, dead-letter and alternate edges')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', [])
    .option('--vhost <name>', 'only this vhost')
    .option('--max-nodes <n>', 'cap the graph at this many nodes', '500');
  specOptions(formatOption(cmd, ['mermaid', 'dot']))
    .addHelpText('after', '\nExamples:\n  warren graph examples/multi-service.yaml > shop.mmd\n  warren graph --format dot topology.yaml | dot -Tsvg > topology.svg')
    .action(async (files: string[], opts: GraphCliOptions) => {
      const desired = await loadOrFail(files, io, opts);
      const options = { maxNodes: Number.parseInt(opts.maxNodes ?? '500', 10) || 500, ...(opts.vhost ? { vhost: opts.vhost } : {}) };
      io.out(opts.format === 'dot' ? renderDot(desired.resources, options) : renderMermaid(desired.resources, options));
      setExit(EXIT.ok);
    });
}
