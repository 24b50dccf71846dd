/**
 * Targets: named brokers in `warren.config.yaml`, so pipelines say
 * `--target prod` instead of passing URLs. URLs carry no credentials; those
 * come from environment variables named in the config.
 *
 *   targets:
 *     prod:
 *       management_url: https://rabbit.prod.internal:15671
 *       amqp_url: amqps://rabbit.prod.internal:5671
 *       username_env: RABBIT_PROD_USER
 *       password_env: RABBIT_PROD_PASSWORD
 *
 * A cluster lists its nodes (a YAML list or a comma-separated string); Warren
 * uses the first that answers:
 *
 *       management_url: [https://rabbit-1:15671, https://rabbit-2:15671]
 *
 * TLS: `ca_file` (the CA to trust), `cert_file` and `key_file` (a client
 * certificate); relative paths are relative to the config file's directory.
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { SourceLocation } from '../model/types.js';
import { parseSource } from '../spec/yaml-source.js';
import { joinUrls, splitUrls } from '../live/endpoints.js';

export const CONFIG_FILE = 'warren.config.yaml';

export interface Target {
  readonly name: string;
  /** One URL, or a comma list of the nodes of a cluster */
  readonly managementUrl: string;
  /** One URL, or a comma list of the nodes of a cluster */
  readonly amqpUrl: string;
  readonly usernameEnv?: string;
  readonly passwordEnv?: string;
  /** PEM file of the CA to trust (ca_file), as written */
  readonly caFile?: ConfigPath;
  /** PEM client certificate (cert_file), as written */
  readonly certFile?: ConfigPath;
  /** PEM client key (key_file), as written */
  readonly keyFile?: ConfigPath;
}

/** A path in the config file, as written, and where it is written. */
export interface ConfigPath {
  readonly path: string;
  readonly at: SourceLocation;
}

export interface WarrenConfig {
  readonly targets: ReadonlyMap<string, Target>;
}

const TARGET_FIELDS = ['management_url', 'amqp_url', 'username_env', 'password_env', 'ca_file', 'cert_file', 'key_file'] as const;

/** Parse a config text; every problem located at file:line:column. */
export function parseConfig(text: string, file: string): { config: WarrenConfig | null; diagnostics: Diagnostic[] } {
  const src = parseSource(text, file);
  const diagnostics: Diagnostic[] = [...src.diagnostics];
  const targets = new Map<string, Target>();
  const root = src.value;
  const fail = (code: string, message: string, pointer: string, at: 'key' | 'value' = 'value'): void => {
    diagnostics.push(diagnostic(code, message, src.locateNearest(pointer, at)));
  };
  if (diagnostics.some((d) => d.severity === 'error')) return { config: null, diagnostics };
  if (!isRecord(root) || !isRecord(root['targets'])) {
    fail('CONFIG_INVALID', 'the config needs a `targets:` map of named brokers (see `warren plan --help`)', '');
    return { config: null, diagnostics };
  }
  for (const [name, raw] of Object.entries(root['targets'])) {
    const at = `/targets/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!isRecord(raw)) {
      fail('CONFIG_INVALID', `target \`${name}\` must be a map with management_url and amqp_url`, at);
      continue;
    }
    for (const key of Object.keys(raw)) {
      if (!(TARGET_FIELDS as readonly string[]).includes(key)) {
        fail('CONFIG_UNKNOWN_PROPERTY', `unknown property \`${key}\` in target \`${name}\`; allowed: ${TARGET_FIELDS.join(', ')}`, `${at}/${key}`, 'key');
      }
    }
    const url = (key: 'management_url' | 'amqp_url'): string | undefined => {
      const v = raw[key];
      const list = typeof v === 'string' ? splitUrls(v) : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]).flatMap(splitUrls) : [];
      if (list.length === 0) {
        const message = `target \`${name}\` needs \`${key}\` (a URL, or a list of URLs for the nodes of a cluster)`;
        if (v === undefined) fail('CONFIG_INVALID', message, at, 'key');
        else fail('CONFIG_INVALID', message, `${at}/${key}`);
        return undefined;
      }
      for (const one of list) {
        try {
          const u = new URL(one);
          if (u.password) {
            fail('CONFIG_CREDENTIALS_IN_URL', `\`${key}\` of target \`${name}\` contains a password; remove it and name environment variables in username_env and password_env`, `${at}/${key}`);
          }
        } catch {
          fail('CONFIG_INVALID', `\`${key}\` of target \`${name}\` is not a URL`, `${at}/${key}`);
        }
      }
      return joinUrls(list);
    };
    const managementUrl = url('management_url');
    const amqpUrl = url('amqp_url');
    const envName = (key: 'username_env' | 'password_env'): string | undefined => {
      const v = raw[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) {
        fail('CONFIG_INVALID', `\`${key}\` of target \`${name}\` must be an environment variable name`, `${at}/${key}`);
        return undefined;
      }
      return v;
    };
    const usernameEnv = envName('username_env');
    const passwordEnv = envName('password_env');
    const path = (key: 'ca_file' | 'cert_file' | 'key_file'): ConfigPath | undefined => {
      const v = raw[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v.trim() === '') {
        fail('CONFIG_INVALID', `\`${key}\` of target \`${name}\` must be the path of a PEM file`, `${at}/${key}`);
        return undefined;
      }
      return { path: v, at: src.locateNearest(`${at}/${key}`) };
    };
    const caFile = path('ca_file');
    const certFile = path('cert_file');
    const keyFile = path('key_file');
    if (managementUrl && amqpUrl) {
      targets.set(name, {
        name,
        managementUrl,
        amqpUrl,
        ...(usernameEnv ? { usernameEnv } : {}),
        ...(passwordEnv ? { passwordEnv } : {}),
        ...(caFile ? { caFile } : {}),
        ...(certFile ? { certFile } : {}),
        ...(keyFile ? { keyFile } : {}),
      });
    }
  }
  diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  if (diagnostics.some((d) => d.severity === 'error')) return { config: null, diagnostics };
  return { config: { targets }, diagnostics };
}

/** A target's URLs with the credentials from its environment variables put in. */
export function targetEndpoints(target: Target, env: Readonly<Record<string, string | undefined>>): { management: string; amqp: string } {
  const withCredentials = (raw: string): string => {
    const u = new URL(raw);
    const user = target.usernameEnv ? env[target.usernameEnv] : undefined;
    const pass = target.passwordEnv ? env[target.passwordEnv] : undefined;
    if (user !== undefined) u.username = encodeURIComponent(user);
    if (pass !== undefined) u.password = encodeURIComponent(pass);
    return u.toString();
  };
  const each = (list: string): string => splitUrls(list).map(withCredentials).join(',');
  return { management: each(target.managementUrl), amqp: each(target.amqpUrl) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
