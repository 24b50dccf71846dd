import type { Command } from 'commander';
import { renderTestJson, renderTestJunit, renderTestText } from '../../testing/render.js';
import { messageOf, runTopologyTests } from '../../testing/run.js';
import { probeError, proveOnBroker } from '../../testing/probe.js';
import { EXIT, printDiagnostics, styleOf, type Io } from '../context.js';
import { endpointOptions, formatOption, specOptions, type CommonOptions, type SpecOptions } from '../options.js';
import { loadOrFail } from '../pipeline.js';
import { singleTarget } from '../targets.js';

interface TestOptions extends CommonOptions, SpecOptions {
  readonly live?: boolean;
  readonly brokerVersion?: string;
}

export function registerTest(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('test')
    .description("run the spec's topology tests (`tests:`) with the routing simulator; --live also publishes them on a temporary vhost")
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', [])
    .option('--live', 'also apply the topology to a temporary vhost of the broker, publish each case (mandatory, confirmed) and require the broker to agree')
    .option('--broker-version <version>', 'route as this RabbitMQ version does (headers compare loosely before 3.13); --live uses the broker\'s own');
  specOptions(endpointOptions(formatOption(cmd, ['text', 'json', 'junit'])))
    .addHelpText(
      'after',
      '\nExamples:\n  warren test examples/seed-fanout.yaml\n  warren test topology.yaml --format junit > topology-tests.xml\n  warren test --live\n' +
        '\nExit status: 0 every test passed, 1 a test failed or an error.',
    )
    .action(async (files: string[], opts: TestOptions) => {
      const desired = await loadOrFail(files, io, opts);
      const cases = desired.tests ?? [];
      let brokerVersion = opts.brokerVersion;
      let live: Parameters<typeof runTopologyTests>[1] = {};
      if (opts.live && cases.length > 0) {
        const endpoints = await singleTarget(opts, io);
        try {
          const probed = await proveOnBroker(desired, cases.map(messageOf), endpoints);
          brokerVersion = probed.brokerVersion;
          live = { live: probed.outcomes, durationsMs: probed.durationsMs };
        } catch (err) {
          throw probeError(err);
        }
      }
      const report = runTopologyTests(desired, { ...live, ...(brokerVersion === undefined ? {} : { brokerVersion }) });
      switch (opts.format) {
        case 'json':
          io.out(renderTestJson(report));
          break;
        case 'junit':
          io.out(renderTestJunit(report));
          break;
        default: {
          const s = styleOf(opts, io);
          io.out(renderTestText(report, { pass: s.green, fail: s.red, dim: s.dim, warning: s.yellow }));
        }
      }
      if (opts.format !== 'text') printDiagnostics(io, report.warnings);
      setExit(report.summary.failed > 0 ? EXIT.error : EXIT.ok);
    });
}
