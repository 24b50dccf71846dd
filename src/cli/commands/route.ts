import type { Command } from 'commander';
import { ManagementClient } from '../../live/http.js';
import { readLive } from '../../live/read.js';
import { WarrenError, diagnostic } from '../../model/diagnostics.js';
import type { ArgValue, ResourceMap } from '../../model/types.js';
import { renderRouteJson, renderRouteText, routeMessage, topologyFrom } from '../../route/index.js';
import { EXIT, printDiagnostics, styleOf, type Io } from '../context.js';
import { singleTarget } from '../targets.js';
import { endpointOptions, formatOption, specOptions, type CommonOptions, type SpecOptions } from '../options.js';
import { loadOrFail } from '../pipeline.js';

interface RouteOptions extends CommonOptions, SpecOptions {
  readonly vhost?: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly header: string[];
  readonly headers?: string;
  readonly cc: string[];
  readonly bcc: string[];
  readonly deadLetter?: boolean;
  readonly brokerVersion?: string;
  readonly live?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerRoute(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('route')
    .description('show which queues a message reaches, and by which path, without publishing it')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', [])
    .requiredOption('--exchange <name>', 'exchange the message is published to ("" is the default exchange)')
    .option('--vhost <name>', "vhost (default: the spec's only vhost, else /)")
    .option('--routing-key <key>', 'routing key of the message', '')
    .option('--header <name=value>', 'a message header with a string value (repeatable)', collect, [])
    .option('--headers <json>', 'message headers as a JSON object, with typed values (5 and "5" differ)')
    .option('--cc <key>', 'an extra routing key in the CC header (repeatable); a CC array in --headers works the same', collect, [])
    .option('--bcc <key>', 'an extra routing key in the BCC header, which the broker removes before delivery (repeatable)', collect, [])
    .option('--dead-letter', 'also show where messages rejected or expired from each reached queue go')
    .option('--broker-version <version>', 'route as this RabbitMQ version does (headers compare loosely before 3.13)')
    .option('--live', "route over the live broker topology instead of the spec's (spec files then only choose the vhost)");
  specOptions(endpointOptions(formatOption(cmd, ['text', 'json'])))
    .addHelpText(
      'after',
      '\nExamples:\n  warren route examples/seed-fanout.yaml --exchange tasks_fanout --routing-key suo_piao\n' +
        '  warren route --live --vhost shop --exchange orders --routing-key order.created --format json\n' +
        '  warren route --exchange orders --routing-key order.created --headers \'{"CC":["audit.all"],"BCC":["billing"]}\'\n' +
        '\nExit status: 0 routed or unroutable (see the output), 1 error (unknown exchange, internal exchange, a CC or BCC header that is not an array, bad input).',
    )
    .action(async (files: string[], opts: RouteOptions) => {
      const headers = parseHeaders(opts);
      let resources: ResourceMap;
      let brokerVersion = opts.brokerVersion;
      let vhost = opts.vhost ?? '/';
      if (opts.live) {
        // Spec files given with --live only say which vhost: the spec's only one, as offline.
        if (files.length > 0 && opts.vhost === undefined) {
          const desired = await loadOrFail(files, io, opts);
          if (desired.vhosts.length === 1) vhost = desired.vhosts[0] ?? vhost;
        }
        const target = await singleTarget(opts, io);
        const client = new ManagementClient(target.management, { tls: target.tls });
        try {
          const observed = await readLive(client, [vhost]);
          resources = observed.resources;
          brokerVersion ??= observed.broker.version;
        } finally {
          await client.close();
        }
      } else {
        const desired = await loadOrFail(files, io, opts);
        resources = desired.resources;
        // A spec of one vhost needs no --vhost.
        if (opts.vhost === undefined && desired.vhosts.length === 1) vhost = desired.vhosts[0] ?? vhost;
      }
      const result = routeMessage(
        topologyFrom(resources),
        { vhost, exchange: opts.exchange, routingKey: opts.routingKey, cc: opts.cc, bcc: opts.bcc, ...(headers ? { headers } : {}) },
        { followDeadLetter: opts.deadLetter === true, ...(brokerVersion ? { brokerVersion } : {}) },
      );
      if (opts.format === 'json') {
        io.out(`${renderRouteJson(result)}\n`);
      } else {
        const s = styleOf(opts, io);
        io.out(`${renderRouteText(result, { style: { queue: s.green, exchange: s.cyan, dim: s.dim, error: s.red, warning: s.yellow } })}\n`);
        printDiagnostics(io, result.warnings ?? []);
      }
      if (result.errors && result.errors.length > 0) {
        if (opts.format === 'json') printDiagnostics(io, result.errors);
        setExit(EXIT.error);
        return;
      }
      setExit(EXIT.ok);
    });
}

function parseHeaders(opts: RouteOptions): Record<string, ArgValue> | undefined {
  if (opts.header.length === 0 && opts.headers === undefined) return undefined;
  const out: Record<string, ArgValue> = {};
  if (opts.headers !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.headers);
    } catch (e) {
      throw new WarrenError(diagnostic('INVALID_HEADERS', `--headers is not valid JSON (${(e as Error).message}); give an object, e.g. '{"format":"pdf","size":5}'`));
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new WarrenError(diagnostic('INVALID_HEADERS', `--headers must be a JSON object, e.g. '{"format":"pdf","size":5}'`));
    }
    Object.assign(out, parsed as Record<string, ArgValue>);
  }
  for (const h of opts.header) {
    const eq = h.indexOf('=');
    if (eq <= 0) throw new WarrenError(diagnostic('INVALID_HEADERS', `--header ${JSON.stringify(h)} is not name=value; e.g. --header format=pdf`));
    out[h.slice(0, eq)] = h.slice(eq + 1);
  }
  return out;
}
