import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CONFIG_FILE, parseConfig, targetEndpoints } from '../config/targets.js';
import { WarrenError, diagnostic, hasErrors } from '../model/diagnostics.js';
import { resolveEndpoints, type Endpoints, type Io } from './context.js';
import type { CommonOptions } from './options.js';

export interface ResolvedTarget {
  /** The target's name; null for the endpoints given by flags or environment */
  readonly name: string | null;
  readonly endpoints: Endpoints;
}

/**
 * The brokers a command runs against: each `--target` from the config file,
 * or else the one given by --management-url/--amqp-url, the environment, or
 * the local default.
 */
export async function resolveTargets(opts: CommonOptions, io: Io): Promise<ResolvedTarget[]> {
  const names = opts.target ?? [];
  if (names.length === 0) return [{ name: null, endpoints: resolveEndpoints(opts, io.env) }];
  if (opts.managementUrl || opts.amqpUrl) {
    throw new WarrenError(diagnostic('TARGET_CONFLICT', '--target and --management-url/--amqp-url name the broker twice; give one or the other'));
  }
  const file = opts.config ?? CONFIG_FILE;
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch {
    throw new WarrenError(diagnostic('CONFIG_NOT_FOUND', `--target needs ${file} with a targets: map (or --config FILE); it cannot be read`));
  }
  const { config, diagnostics } = parseConfig(text, file);
  if (!config || hasErrors(diagnostics)) throw new WarrenError(diagnostics.filter((d) => d.severity === 'error'));
  return names.map((name) => {
    const target = config.targets.get(name);
    if (!target) {
      const known = [...config.targets.keys()].join(', ') || 'none';
      throw new WarrenError(diagnostic('TARGET_UNKNOWN', `target \`${name}\` is not in ${file} (targets: ${known})`));
    }
    for (const env of [target.usernameEnv, target.passwordEnv]) {
      if (env !== undefined && io.env[env] === undefined) {
        throw new WarrenError(diagnostic('TARGET_CREDENTIALS_MISSING', `target \`${name}\` takes credentials from $${env}, which is not set; export it`));
      }
    }
    return { name, endpoints: targetEndpoints(target, io.env) };
  });
}

/** The one broker of a command that reads a single broker (export, route --live). */
export async function singleTarget(opts: CommonOptions, io: Io): Promise<Endpoints> {
  const targets = await resolveTargets(opts, io);
  if (targets.length !== 1 || !targets[0]) {
    throw new WarrenError(diagnostic('ONE_TARGET_ONLY', 'this command reads one broker: give at most one --target'));
  }
  return targets[0].endpoints;
}
