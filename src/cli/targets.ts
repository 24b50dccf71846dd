import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CONFIG_FILE, parseConfig, targetEndpoints, type ConfigPath, type Target } from '../config/targets.js';
import { readTlsFiles, type TlsFileRef, type TlsFiles } from '../live/tls.js';
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
 * the local default. TLS files are read here, once per target: a flag
 * (--ca-file, --cert-file, --key-file) wins over the target's own key in the
 * config (ca_file, ...), which wins over the environment (WARREN_CA_FILE, ...).
 */
export async function resolveTargets(opts: CommonOptions, io: Io): Promise<ResolvedTarget[]> {
  const names = opts.target ?? [];
  if (names.length === 0) {
    const tls = await readTlsFiles(tlsFiles(opts, undefined, io, ''));
    return [{ name: null, endpoints: { ...resolveEndpoints(opts, io.env), ...(tls ? { tls } : {}) } }];
  }
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
  const configDir = dirname(resolve(io.cwd, file));
  const resolved = names.map((name) => {
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
    return { name, target, endpoints: targetEndpoints(target, io.env) };
  });
  const out: ResolvedTarget[] = [];
  for (const { name, target, endpoints } of resolved) {
    const tls = await readTlsFiles(tlsFiles(opts, target, io, configDir));
    out.push({ name, endpoints: { ...endpoints, ...(tls ? { tls } : {}) } });
  }
  return out;
}

const TLS_SOURCES = [
  { field: 'caFile', flag: '--ca-file', env: 'WARREN_CA_FILE', key: 'ca_file' },
  { field: 'certFile', flag: '--cert-file', env: 'WARREN_CERT_FILE', key: 'cert_file' },
  { field: 'keyFile', flag: '--key-file', env: 'WARREN_KEY_FILE', key: 'key_file' },
] as const;

/** Each TLS file from its flag, else the target's key (relative to the config's directory), else its variable. */
function tlsFiles(opts: CommonOptions, target: Target | undefined, io: Io, configDir: string): TlsFiles {
  const files: Partial<Record<(typeof TLS_SOURCES)[number]['field'], TlsFileRef>> = {};
  for (const s of TLS_SOURCES) {
    const flag = opts[s.field];
    const key: ConfigPath | undefined = target?.[s.field];
    const env = io.env[s.env];
    if (flag !== undefined) files[s.field] = { path: flag, from: s.flag, base: io.cwd };
    else if (key !== undefined && target) files[s.field] = { path: key.path, from: `${s.key} of target \`${target.name}\``, base: configDir, at: key.at };
    else if (env !== undefined && env !== '') files[s.field] = { path: env, from: s.env, base: io.cwd };
  }
  return files;
}

/** The one broker of a command that reads a single broker (export, route --live). */
export async function singleTarget(opts: CommonOptions, io: Io): Promise<Endpoints> {
  const targets = await resolveTargets(opts, io);
  if (targets.length !== 1 || !targets[0]) {
    throw new WarrenError(diagnostic('ONE_TARGET_ONLY', 'this command reads one broker: give at most one --target'));
  }
  return targets[0].endpoints;
}
