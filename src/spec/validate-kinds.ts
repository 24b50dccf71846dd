/**
 * Semantic checks of the kinds beside the AMQP topology that the broker would
 * refuse part-way through an apply: policy definition keys and values, and
 * the URIs of shovels and federation upstreams. Offline: a key a plugin may
 * register, or a URI behind `{ env: NAME }`, passes.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { NOT_POLICY_KEYS, POLICY_KEYS } from '../model/policy-keys.js';
import type { ArgValue, ParamValue, ParameterResource, PolicyResource, SourceLocation } from '../model/types.js';
import { redactUrl } from '../util/redact.js';
import { isSensitive } from '../util/sensitive.js';
import { checkArgumentValue, type ArgRule } from './arguments.js';
import type { Origin } from './declarations.js';
import { q } from './describe.js';
import { closest } from './suggest.js';

const NON_NEGATIVE: ArgRule = { type: 'integer', min: 0 };
const STRING: ArgRule = { type: 'string' };
const PROMOTE: ArgRule = { type: 'enum', values: ['when-synced', 'always'] };

/**
 * Value rules of the policy keys whose values RabbitMQ validates
 * (`rabbit_policies:validate_policy0/2` and the queue types' validators).
 * `delivery-limit` takes -1 (no limit) from RabbitMQ 4.0.
 */
export const POLICY_VALUE_RULES: Readonly<Record<string, ArgRule>> = {
  'alternate-exchange': STRING,
  'dead-letter-exchange': STRING,
  'dead-letter-routing-key': STRING,
  'dead-letter-strategy': { type: 'enum', values: ['at-most-once', 'at-least-once'] },
  'message-ttl': NON_NEGATIVE,
  expires: { type: 'integer', min: 1 },
  'max-length': NON_NEGATIVE,
  'max-length-bytes': NON_NEGATIVE,
  'max-in-memory-length': NON_NEGATIVE,
  'max-in-memory-bytes': NON_NEGATIVE,
  'delivery-limit': { type: 'integer', min: -1 },
  overflow: { type: 'enum', values: ['drop-head', 'reject-publish', 'reject-publish-dlx'] },
  'queue-mode': { type: 'enum', values: ['default', 'lazy'] },
  'queue-version': { type: 'enum', values: [1, 2] },
  'max-age': { type: 'duration' },
  'ha-mode': { type: 'enum', values: ['all', 'exactly', 'nodes'] },
  'ha-sync-mode': { type: 'enum', values: ['manual', 'automatic'] },
  'ha-sync-batch-size': { type: 'integer', min: 1 },
  'ha-promote-on-shutdown': PROMOTE,
  'ha-promote-on-failure': PROMOTE,
  'federation-upstream': STRING,
  'federation-upstream-set': STRING,
  // Measured on 4.3.6: other values answer 400 ("is not a valid delayed retry type", "Must be a
  // positive integer", "-1 is not a valid consumer timeout"); 0 is a valid consumer timeout.
  'delayed-retry-type': { type: 'enum', values: ['disabled', 'all', 'failed', 'returned'] },
  'delayed-retry-min': { type: 'integer', min: 1 },
  'delayed-retry-max': { type: 'integer', min: 1 },
  'consumer-timeout': NON_NEGATIVE,
};

/**
 * Where a field of a declaration is: in a native spec the value sits under
 * the declaration (`shovels/s/src-uri`), in a definitions export under its
 * `value` (`parameters/3/value/src-uri`). Falls back to the declaration.
 */
function locateField(origin: Origin, ...segments: string[]): SourceLocation {
  const direct = origin.field(...segments);
  return direct !== origin.at ? direct : origin.field('value', ...segments);
}

/**
 * Keys of a policy or operator policy definition: a key close to a known one
 * is a typo the broker refuses with 400 (an error with the fix); a key far
 * from every known one may come from a plugin (a warning). Then the values of
 * known keys against the types RabbitMQ accepts.
 */
export function checkPolicyDefinition(p: PolicyResource, origin: Origin): Diagnostic[] {
  const out: Diagnostic[] = [];
  const what = `${p.kind === 'policy' ? 'policy' : 'operator policy'} ${q(p.name)} in vhost ${q(p.vhost)}`;
  for (const [key, value] of Object.entries(p.definition)) {
    const at = locateField(origin, 'definition', key);
    const instead = NOT_POLICY_KEYS[key];
    if (instead !== undefined) {
      out.push(diagnostic('POLICY_KEY_UNKNOWN', `${what} sets \`${key}\`, which RabbitMQ does not take in a policy: the broker refuses the whole policy; use ${instead} instead`, at));
      continue;
    }
    if (POLICY_KEYS[key] === undefined) {
      const mean = closest(key, Object.keys(POLICY_KEYS));
      out.push(
        mean !== undefined
          ? diagnostic(
              'POLICY_KEY_UNKNOWN',
              `${what} sets \`${key}\`, which is not a RabbitMQ policy key: the broker refuses the whole policy; did you mean \`${mean}\`?`,
              at,
            )
          : diagnostic(
              'POLICY_KEY_UNKNOWN',
              `${what} sets \`${key}\`, which is not a policy key Warren knows: the broker refuses the policy unless a plugin registers that key; check the spelling, or enable the plugin`,
              at,
              'warning',
            ),
      );
      continue;
    }
    const rule = POLICY_VALUE_RULES[key];
    if (rule === undefined) continue;
    for (const d of checkArgumentValue(key, value as ArgValue, rule, at)) {
      out.push(d.severity === 'error' ? { ...d, code: 'INVALID_POLICY_VALUE', message: `${what}: ${d.message}` } : d);
    }
  }
  return out;
}

/** The fields of each parameter component that hold URIs (a string or a list of them). */
const URI_FIELDS: Readonly<Record<string, readonly string[]>> = {
  shovel: ['src-uri', 'dest-uri'],
  'federation-upstream': ['uri'],
};

const COMPONENT_WORDS: Readonly<Record<string, string>> = { shovel: 'shovel', 'federation-upstream': 'federation upstream' };

/** Every URI of a shovel or federation upstream: scheme, host, port. */
export function checkParameterUris(p: ParameterResource, origin: Origin): Diagnostic[] {
  const fields = URI_FIELDS[p.component];
  const value = p.value;
  if (fields === undefined || !isParamMap(value)) return [];
  const what = `${COMPONENT_WORDS[p.component] ?? p.component} ${q(p.parameter)} in vhost ${q(p.vhost)}`;
  const out: Diagnostic[] = [];
  for (const field of fields) {
    const v = value[field];
    if (v === undefined) continue;
    const items: [ParamValue, string[]][] = Array.isArray(v) ? (v as readonly ParamValue[]).map((x, i) => [x, [field, String(i)]]) : [[v, [field]]];
    for (const [item, segments] of items) {
      // `{ env: NAME }` is resolved at apply time; other shapes are the schema's to refuse.
      const uri = typeof item === 'string' ? item : isSensitive(item) ? item.reveal() : undefined;
      if (uri === undefined) continue;
      const problem = uriProblem(uri);
      if (problem === undefined) continue;
      const label = segments.length > 1 ? `\`${field}\` #${Number(segments[1]) + 1}` : `\`${field}\``;
      out.push(diagnostic('INVALID_URI', `${label} of ${what} is ${q(maskUri(uri))}: ${problem}`, locateField(origin, ...segments)));
    }
  }
  return out;
}

/**
 * Fields of shovels and federation upstreams whose values the plugins validate when the
 * parameter is set: the broker answers 400 "Validation failed" (measured on 3.10.8 and 4.3.6:
 * "ack-mode should be one of [no-ack, on-publish, on-confirm]"), part-way through an apply.
 */
const PARAMETER_VALUE_RULES: Readonly<Record<string, Readonly<Record<string, ArgRule>>>> = {
  shovel: { 'ack-mode': { type: 'enum', values: ['no-ack', 'on-publish', 'on-confirm'] } },
  'federation-upstream': { 'ack-mode': { type: 'enum', values: ['no-ack', 'on-publish', 'on-confirm'] } },
};

/** The values of the shovel and federation fields the broker validates (PARAMETER_VALUE_RULES). */
export function checkParameterValues(p: ParameterResource, origin: Origin): Diagnostic[] {
  const rules = PARAMETER_VALUE_RULES[p.component];
  const value = p.value;
  if (rules === undefined || !isParamMap(value)) return [];
  const what = `${COMPONENT_WORDS[p.component] ?? p.component} ${q(p.parameter)} in vhost ${q(p.vhost)}`;
  const out: Diagnostic[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    const v = value[field];
    if (v === undefined) continue;
    for (const d of checkArgumentValue(field, v as ArgValue, rule, locateField(origin, field))) {
      out.push({ ...d, code: 'INVALID_PARAMETER_VALUE', message: `${what}: ${d.message}; the broker would refuse the parameter part-way through the apply` });
    }
  }
  return out;
}

function isParamMap(v: ParamValue): v is { readonly [key: string]: ParamValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSensitive(v) && !('env' in v && Object.keys(v).length === 1);
}

const EXAMPLE = 'such as amqp://user@host:5672/vhost';

/**
 * What is wrong with an AMQP URI as the shovel and federation plugins parse it
 * (`amqp_uri`), or undefined. `amqp://` with an empty authority is the
 * documented direct connection to the local node, so it passes.
 */
export function uriProblem(uri: string): string | undefined {
  const problem = authorityProblem(uri);
  // A `/`, `?` or `#` in the password ends the authority early, and the rest of the password reads as a port.
  if (problem !== undefined && afterAuthority(uri).includes('@')) {
    return 'the user name or password has a `/`, `?` or `#` in it, which ends the host part early; percent-encode them (%2F, %3F, %23)';
  }
  return problem;
}

/** The text after the `scheme://user:password@host:port` part ('' when none). */
function afterAuthority(uri: string): string {
  const rest = uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const end = rest.search(/[/?#]/);
  return end === -1 ? '' : rest.slice(end);
}

/**
 * The URI with its password masked, for messages: `redactUrl`, and when an
 * `@` follows the authority (a password with an unencoded `/`), everything
 * between the user name and the last `@`.
 */
export function maskUri(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri);
  if (!scheme || !afterAuthority(uri).includes('@')) return redactUrl(uri);
  const rest = uri.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const userinfo = rest.slice(0, at);
  const colon = userinfo.search(/[:/?#]/);
  const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
  return `${scheme[0]}${user}:****@${rest.slice(at + 1)}`;
}

function authorityProblem(uri: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
  if (!scheme) return `not an AMQP URI; write one ${EXAMPLE}`;
  const name = (scheme[1] as string).toLowerCase();
  if (name !== 'amqp' && name !== 'amqps') return `the scheme must be amqp or amqps, not ${q(scheme[1] as string)}; write a URI ${EXAMPLE}`;
  const rest = uri.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  if (authority === '') return undefined;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  let host: string;
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return 'the IPv6 address has no closing `]`; write it as [::1]';
    host = hostPort.slice(0, close + 1);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return `unexpected ${q(after)} after the IPv6 address; write [address]:port`;
    port = after === '' ? undefined : after.slice(1);
  } else {
    const colon = hostPort.indexOf(':');
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    port = colon === -1 ? undefined : hostPort.slice(colon + 1);
  }
  if (host === '') return `it has no host; write one ${EXAMPLE} (or amqp:// alone for the local node)`;
  if (port !== undefined && port !== '') {
    const def = name === 'amqps' ? 5671 : 5672;
    if (!/^\d+$/.test(port)) return `the port ${q(port)} is not a number; write a port from 1 to 65535, or leave it out for ${def}`;
    const n = Number(port);
    if (n < 1 || n > 65535) return `the port ${port} is out of range; write a port from 1 to 65535, or leave it out for ${def}`;
  }
  return undefined;
}
