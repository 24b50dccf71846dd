import { Option, type Command } from 'commander';

export interface CommonOptions {
  readonly managementUrl?: string;
  readonly amqpUrl?: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly target?: string[];
  readonly config?: string;
  readonly format?: string;
  readonly color?: boolean;
}

/** Options of every command that reads spec files. */
export interface SpecOptions {
  readonly file?: string[];
  readonly var?: string[];
  readonly intoVhost?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
/** A repeated URL option becomes one comma list, the form the library takes. */
const joinRepeated = (value: string, previous?: string): string => (previous === undefined ? value : `${previous},${value}`);

/** -f overlays and --var variables, shared by every command that reads spec files. */
export function specOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <file>', 'an overlay file: deep-merged over the previous -f files, in order (repeatable)', collect)
    .option('--var <name=value>', 'a value for ${name} in spec files, over the environment (repeatable)', collect)
    .option(
      '--into-vhost <vhost>',
      'the vhost to load a definitions export of one vhost (GET /api/definitions/{vhost}) into; FILE=VHOST for one file or directory only (repeatable)',
      collect,
    );
}

/** --management-url / --amqp-url, shared by every command that talks to the broker. */
export function endpointOptions(cmd: Command): Command {
  return cmd
    .option('--management-url <url>', 'management API URL with credentials; repeat or comma-separate for the nodes of a cluster, tried in order (env WARREN_MANAGEMENT_URL; default http://guest:guest@127.0.0.1:15672)', joinRepeated)
    .option('--amqp-url <url>', 'AMQP URL with credentials; repeat or comma-separate for the nodes of a cluster, tried in order (env WARREN_AMQP_URL; default amqp://guest:guest@127.0.0.1:5672)', joinRepeated)
    .option('--ca-file <file>', 'PEM certificate(s) of the CA to trust for https:// and amqps:// instead of the default ones (env WARREN_CA_FILE)')
    .option('--cert-file <file>', 'PEM client certificate for mutual TLS (env WARREN_CERT_FILE); with --key-file')
    .option('--key-file <file>', 'PEM private key of the client certificate (env WARREN_KEY_FILE)')
    .option('--target <name>', 'a broker named in warren.config.yaml (repeatable: each target in turn)', collect)
    .option('--config <file>', 'the config file that names targets', 'warren.config.yaml')
    .option('--no-color', 'no colours (also off with NO_COLOR or when output is not a terminal)');
}

export function formatOption(cmd: Command, formats: readonly string[]): Command {
  return cmd.addOption(new Option('--format <format>', 'output format').choices([...formats]).default(formats[0]));
}
