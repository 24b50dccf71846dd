import { Option, type Command } from 'commander';

export interface CommonOptions {
  readonly managementUrl?: string;
  readonly amqpUrl?: string;
  readonly format?: string;
  readonly color?: boolean;
}

/** --management-url / --amqp-url, shared by every command that talks to the broker. */
export function endpointOptions(cmd: Command): Command {
  return cmd
    .option('--management-url <url>', 'management API URL with credentials (env WARREN_MANAGEMENT_URL; default http://guest:guest@127.0.0.1:15672)')
    .option('--amqp-url <url>', 'AMQP URL with credentials (env WARREN_AMQP_URL; default amqp://guest:guest@127.0.0.1:5672)')
    .option('--no-color', 'no colours (also off with NO_COLOR or when output is not a terminal)');
}

export function formatOption(cmd: Command, formats: readonly string[]): Command {
  return cmd.addOption(new Option('--format <format>', 'output format').choices([...formats]).default(formats[0]));
}
