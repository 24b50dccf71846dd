/**
 * The lint rules: a table of data (code, default level, description, hint)
 * and one check per code. Codes are stable: renaming one breaks every
 * configuration and code-scanning history that names it.
 */
import { namedKey } from '../model/keys.js';
import type { SourceLocation } from '../model/types.js';
import type { LintContext, LintCheck, LintRuleInfo, RawFinding } from './types.js';
import { deadLetterTarget, effectiveDeadLetter } from '../route/policies.js';
import { argOrPolicy, exchangeExists, exchangeType, indexVhosts, type LintVhost } from './topology-index.js';

export const LINT_RULES: readonly LintRuleInfo[] = [
  {
    code: 'UNREACHABLE_QUEUE',
    defaultLevel: 'warning',
    title: 'a queue no binding reaches',
    description:
      'No binding from an exchange that messages can get into (a non-internal exchange, or one reached from it through exchange-to-exchange bindings, alternate or dead-letter exchanges) leads to this queue, and no reachable queue dead-letters to it through the default exchange (`x-dead-letter-exchange: ""` with `x-dead-letter-routing-key` naming it), so only a publish to the default exchange with the queue name as routing key can deliver to it.',
    hint: 'bind the queue to the exchange its producers publish to; if producers deliberately publish to the default exchange with the queue name as key, set this rule to off',
  },
  {
    code: 'EXCHANGE_WITHOUT_BINDINGS',
    defaultLevel: 'warning',
    title: 'an exchange with no bindings and no alternate exchange',
    description: 'Every message published to this exchange is dropped (or returned, with the mandatory flag): it has no binding and no alternate exchange.',
    hint: 'bind a queue or exchange to it, give it an alternate exchange (`arguments: { alternate-exchange: ... }`), or remove it',
  },
  {
    code: 'UNDECLARED_DEAD_LETTER_EXCHANGE',
    defaultLevel: 'error',
    title: 'a dead-letter exchange that is not declared',
    description: 'Messages rejected, expired or dropped by a length limit are republished to the dead-letter exchange; when it does not exist they are silently dropped.',
    hint: 'declare the exchange under `exchanges:` in the same vhost, or fix its name',
  },
  {
    code: 'UNDECLARED_ALTERNATE_EXCHANGE',
    defaultLevel: 'error',
    title: 'an alternate exchange that is not declared',
    description: 'Messages that the exchange cannot route go to its alternate exchange; when it does not exist they are silently dropped.',
    hint: 'declare the exchange under `exchanges:` in the same vhost, or fix its name',
  },
  {
    code: 'TOPIC_WILDCARD_INSIDE_WORD',
    defaultLevel: 'warning',
    title: 'a topic binding key with `*` or `#` inside a word',
    description:
      'In a topic binding key, `*` and `#` are wildcards only as a whole word between dots. Inside a word (`a.b*`, `#x`) they are literal characters, so the binding matches only routing keys that contain that exact text.',
    hint: 'make the wildcard a word of its own (`a.b.*`, `a.#`), or escape nothing: if you mean the literal character, set this rule to off',
  },
  {
    code: 'WILDCARD_ON_DIRECT_EXCHANGE',
    defaultLevel: 'warning',
    title: 'a `*` or `#` binding key on a direct exchange',
    description: 'A direct exchange compares keys for exact equality: `*` and `#` are not wildcards there, so the binding matches only a routing key that is literally `*` or `#`.',
    hint: 'use a topic exchange for patterns, or bind the exact routing keys',
  },
  {
    code: 'FANOUT_BINDING_KEY_IGNORED',
    defaultLevel: 'note',
    title: 'a routing key on a fanout binding',
    description: 'A fanout exchange ignores routing keys: every bound queue gets every message, whatever key the binding or the message carries.',
    hint: 'leave the routing key out of the binding (it is part of the binding identity only), or use a direct or topic exchange to filter by key',
  },
  {
    code: 'QUEUE_ARGUMENT_BELONGS_IN_POLICY',
    defaultLevel: 'warning',
    title: 'TTL, length or overflow set as queue arguments',
    description:
      'Queue arguments can never change: changing x-message-ttl, x-expires, x-max-length, x-max-length-bytes or x-overflow means deleting and re-declaring the queue (losing its messages). The same settings in a policy change in place.',
    hint: 'move them to a policy that applies to the queue (`message-ttl`, `expires`, `max-length`, `max-length-bytes`, `overflow`)',
  },
  {
    code: 'FANOUT_COMPETING_CONSUMERS',
    defaultLevel: 'warning',
    title: 'several services consume one queue of a fanout exchange',
    description:
      'Consumers of one queue compete: each message goes to one of them (round-robin), never to all. A fanout exchange copies a message to every bound queue, so services that each need every message need a queue each.',
    hint: 'declare one queue per service, each bound to the fanout exchange, and list one service under each `consumers:`',
  },
  {
    code: 'CLASSIC_MIRRORING_ON_4X',
    defaultLevel: 'error',
    title: 'classic queue mirroring keys on RabbitMQ 4',
    description: 'Classic queue mirroring (`ha-mode`, `ha-params`, `ha-sync-mode`, ... and the `x-ha-*` arguments) was removed in RabbitMQ 4.0: such keys no longer replicate anything.',
    hint: 'use quorum queues (`type: quorum`) for replicated queues and remove the mirroring keys',
    minBrokerVersion: '4.0',
  },
  {
    code: 'TRANSIENT_QUEUE_ON_4X',
    defaultLevel: 'warning',
    title: 'a transient, non-exclusive queue on RabbitMQ 4',
    description:
      'Non-durable classic queues that are not exclusive use the deprecated feature `transient_nonexcl_queues`: RabbitMQ 4.x (4.3 included) permits them by default, refuses them where `deprecated_features.permit.transient_nonexcl_queues = false`, and a later version will drop them.',
    hint: 'make the queue durable (remove `durable: false`)',
    minBrokerVersion: '4.0',
  },
  {
    code: 'PLAIN_TEXT_PASSWORD',
    defaultLevel: 'warning',
    title: 'a user password written in plain text',
    description:
      'RabbitMQ imports a plain-text `password` and hashes it, and so does Warren (never printing it), but the file then keeps a secret, and so does every copy and version control. Every command warns about it; set this rule to off in the spec (`lint: rules:`) to silence that.',
    hint: 'write `password: { env: NAME }` in a native spec and set that environment variable when running warren, or give `password_hash` (from `rabbitmqctl hash_password`)',
  },
];

const CHECKS: Readonly<Record<string, LintCheck>> = {
  UNREACHABLE_QUEUE: unreachableQueues,
  EXCHANGE_WITHOUT_BINDINGS: exchangesWithoutBindings,
  UNDECLARED_DEAD_LETTER_EXCHANGE: (ctx) => undeclared(ctx, 'queue'),
  UNDECLARED_ALTERNATE_EXCHANGE: (ctx) => undeclared(ctx, 'exchange'),
  TOPIC_WILDCARD_INSIDE_WORD: topicWildcardInsideWord,
  WILDCARD_ON_DIRECT_EXCHANGE: wildcardOnDirect,
  FANOUT_BINDING_KEY_IGNORED: fanoutKeyIgnored,
  QUEUE_ARGUMENT_BELONGS_IN_POLICY: argumentsForPolicies,
  FANOUT_COMPETING_CONSUMERS: competingConsumers,
  CLASSIC_MIRRORING_ON_4X: classicMirroring,
  TRANSIENT_QUEUE_ON_4X: transientQueues,
  PLAIN_TEXT_PASSWORD: plainTextPasswords,
};

export function checkFor(code: string): LintCheck {
  const check = CHECKS[code];
  if (!check) throw new Error(`lint rule ${code} has no check`);
  return check;
}

const q = (s: string): string => JSON.stringify(s);

function vhosts(ctx: LintContext): LintVhost[] {
  return [...indexVhosts(ctx.desired).values()];
}

function unreachableQueues(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of vhosts(ctx)) {
    // Exchanges a message can get into: publishable ones, then whatever they lead to.
    const reached = new Set<string>([...v.exchanges.values()].filter((x) => !x.internal).map((x) => x.name));
    for (const name of ['amq.direct', 'amq.fanout', 'amq.topic', 'amq.headers', 'amq.match']) reached.add(name);
    const reachedQueues = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      const add = (set: Set<string>, name: string): void => {
        if (!set.has(name)) {
          set.add(name);
          grew = true;
        }
      };
      for (const b of v.bindings) {
        if (!reached.has(b.source)) continue;
        add(b.destination_type === 'queue' ? reachedQueues : reached, b.destination);
      }
      for (const name of [...reached]) {
        const x = v.exchanges.get(name);
        const ae = x ? argOrPolicy(v, x, 'alternate-exchange', 'alternate-exchange') : undefined;
        if (ae) add(reached, ae.value);
      }
      for (const name of [...reachedQueues]) {
        const queue = v.queues.get(name);
        // The same edge as warren graph draws (argument or policy, each key on its own): a named
        // dead-letter exchange, or the queue a dead-letter routing key names on the default exchange.
        const dl = queue ? effectiveDeadLetter(v.policies, queue) : undefined;
        const to = dl ? deadLetterTarget(dl) : undefined;
        if (to) add(to.kind === 'queue' ? reachedQueues : reached, to.name);
      }
    }
    for (const queue of v.queues.values()) {
      if (reachedQueues.has(queue.name)) continue;
      const sources = [...new Set(v.bindings.filter((b) => b.destination_type === 'queue' && b.destination === queue.name).map((b) => b.source))];
      const why =
        sources.length === 0
          ? 'no binding leads to it'
          : `it is bound only from ${sources.map((s) => `exchange ${q(s)}`).join(', ')}, which no message can get into (internal, and no binding, alternate or dead-letter exchange leads there)`;
      out.push({ message: `queue ${q(queue.name)} in vhost ${q(v.name)} is unreachable: ${why}; only the default exchange with routing key ${q(queue.name)} can deliver to it`, ...at(queue.source) });
    }
  }
  return out;
}

function exchangesWithoutBindings(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of vhosts(ctx)) {
    const sources = new Set(v.bindings.map((b) => b.source));
    for (const x of v.exchanges.values()) {
      if (sources.has(x.name) || argOrPolicy(v, x, 'alternate-exchange', 'alternate-exchange')) continue;
      out.push({ message: `exchange ${q(x.name)} in vhost ${q(v.name)} has no bindings and no alternate exchange: every message published to it is dropped`, ...at(x.source) });
    }
  }
  return out;
}

function undeclared(ctx: LintContext, kind: 'queue' | 'exchange'): RawFinding[] {
  const out: RawFinding[] = [];
  const [argument, policyKey, what] =
    kind === 'queue' ? (['x-dead-letter-exchange', 'dead-letter-exchange', 'dead-letter exchange'] as const) : (['alternate-exchange', 'alternate-exchange', 'alternate exchange'] as const);
  for (const v of vhosts(ctx)) {
    const resources = kind === 'queue' ? [...v.queues.values()] : [...v.exchanges.values()];
    for (const r of resources) {
      const ref = argOrPolicy(v, r, argument, policyKey);
      if (!ref || exchangeExists(v, ref.value)) continue;
      const via = ref.from === 'policy' ? ' (set by a policy)' : '';
      out.push({
        message: `${what} ${q(ref.value)} of ${kind} ${q(r.name)}${via} is not declared in vhost ${q(v.name)}: messages sent there are dropped`,
        ...at(r.source, ref.from === 'argument' ? ['arguments', argument] : []),
      });
    }
  }
  return out;
}

function topicWildcardInsideWord(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of vhosts(ctx)) {
    for (const b of v.bindings) {
      if (exchangeType(v, b.source) !== 'topic') continue;
      const words = b.routing_key === '' ? [] : b.routing_key.split('.');
      const bad = words.filter((w) => w !== '*' && w !== '#' && /[*#]/.test(w));
      if (bad.length === 0) continue;
      const fixed = words.map((w) => (bad.includes(w) ? ownWord(w) : w)).join('.');
      out.push({
        message: `binding key ${q(b.routing_key)} of ${b.name} on topic exchange ${q(b.source)} has ${bad.map(q).join(', ')}: a wildcard inside a word is a literal character, so this matches only keys containing ${bad.map(q).join(', ')} as written`,
        ...at(b.sourceLocation, ['routing_key']),
        hint: `make the wildcard a word of its own, e.g. ${q(fixed)}`,
      });
    }
  }
  return out;
}

function wildcardOnDirect(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of vhosts(ctx)) {
    for (const b of v.bindings) {
      if (exchangeType(v, b.source) !== 'direct') continue;
      if (!b.routing_key.split('.').some((w) => w === '*' || w === '#')) continue;
      out.push({
        message: `binding key ${q(b.routing_key)} of ${b.name} is on direct exchange ${q(b.source)}, which matches keys exactly: it reaches the queue only for the routing key ${q(b.routing_key)} itself`,
        ...at(b.sourceLocation, ['routing_key']),
      });
    }
  }
  return out;
}

function fanoutKeyIgnored(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of vhosts(ctx)) {
    for (const b of v.bindings) {
      if (b.routing_key === '' || exchangeType(v, b.source) !== 'fanout') continue;
      out.push({
        message: `binding key ${q(b.routing_key)} of ${b.name} is ignored: fanout exchange ${q(b.source)} delivers every message to ${b.destination_type} ${q(b.destination)}, whatever its routing key`,
        ...at(b.sourceLocation, ['routing_key']),
      });
    }
  }
  return out;
}

const POLICY_ARGUMENTS: Readonly<Record<string, string>> = {
  'x-message-ttl': 'message-ttl',
  'x-expires': 'expires',
  'x-max-length': 'max-length',
  'x-max-length-bytes': 'max-length-bytes',
  'x-overflow': 'overflow',
};

function argumentsForPolicies(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of vhosts(ctx)) {
    for (const queue of v.queues.values()) {
      const keys = Object.keys(queue.arguments).filter((k) => k in POLICY_ARGUMENTS);
      if (keys.length === 0) continue;
      const definition = Object.fromEntries(keys.map((k) => [POLICY_ARGUMENTS[k] as string, queue.arguments[k] ?? null]));
      out.push({
        message: `queue ${q(queue.name)} sets ${keys.join(', ')} as ${keys.length === 1 ? 'a queue argument' : 'queue arguments'}, which cannot change without deleting and re-declaring the queue`,
        ...at(queue.source, ['arguments', keys[0] as string]),
        hint: `set them in a policy instead, e.g. pattern ${q(`^${escapeRegExp(queue.name)}$`)}, apply-to queues, definition ${JSON.stringify(definition)}, and remove the arguments`,
      });
    }
  }
  return out;
}

function competingConsumers(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  const consumers = ctx.desired.consumers;
  if (!consumers || consumers.size === 0) return out;
  for (const v of vhosts(ctx)) {
    for (const x of v.exchanges.values()) {
      if (x.type !== 'fanout') continue;
      const queues = [...new Set(v.bindings.filter((b) => b.source === x.name && b.destination_type === 'queue').map((b) => b.destination))];
      for (const name of queues) {
        const services = [...new Set(consumers.get(namedKey('queue', v.name, name)) ?? [])];
        if (services.length < 2) continue;
        const only = queues.length === 1 ? `fanout exchange ${q(x.name)} is bound to the single queue ${q(name)}` : `queue ${q(name)} of fanout exchange ${q(x.name)}`;
        out.push({
          message: `${only}, and ${services.map(q).join(', ')} all consume from it: consumers of one queue compete, so each service gets only some of the messages, not a copy of each`,
          ...at(v.queues.get(name)?.source, ['consumers']),
          hint: `give each service its own queue bound to ${q(x.name)}: ${services.map((s) => q(`${name}.${s}`)).join(', ')}`,
        });
      }
    }
  }
  return out;
}

const MIRRORING_KEYS = ['ha-mode', 'ha-params', 'ha-sync-mode', 'ha-sync-batch-size', 'ha-promote-on-shutdown', 'ha-promote-on-failure', 'queue-master-locator'];

function classicMirroring(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of vhosts(ctx)) {
    for (const queue of v.queues.values()) {
      const keys = Object.keys(queue.arguments).filter((k) => k.startsWith('x-ha-') || MIRRORING_KEYS.includes(k));
      if (keys.length > 0) out.push({ message: `queue ${q(queue.name)} sets classic mirroring arguments ${keys.join(', ')}, which RabbitMQ 4 ignores`, ...at(queue.source, ['arguments', keys[0] as string]) });
    }
    for (const p of v.policies) {
      const keys = Object.keys(p.definition).filter((k) => MIRRORING_KEYS.includes(k) && k !== 'queue-master-locator');
      if (keys.length > 0) out.push({ message: `policy ${q(p.name)} in vhost ${q(v.name)} sets classic mirroring keys ${keys.join(', ')}, removed in RabbitMQ 4.0`, ...at(p.source, ['definition', keys[0] as string]) });
    }
  }
  return out;
}

function transientQueues(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const v of vhosts(ctx)) {
    for (const queue of v.queues.values()) {
      if (queue.type !== 'classic' || queue.durable) continue;
      out.push({ message: `queue ${q(queue.name)} is a transient (non-durable) classic queue, deprecated from RabbitMQ 4.0 and refused by default from 4.3`, ...at(queue.source, ['durable']) });
    }
  }
  return out;
}

/** `b*` → `b.*`, `#x` → `#.x`: the wildcard as a word of its own, on the side it was written. */
function ownWord(word: string): string {
  const wildcard = word.includes('#') ? '#' : '*';
  const rest = word.replace(/[*#]+/g, '');
  if (rest === '') return wildcard;
  return /^[*#]/.test(word) ? `${wildcard}.${rest}` : `${rest}.${wildcard}`;
}

function at(source: SourceLocation | undefined, field: readonly string[] = []): Pick<RawFinding, 'at' | 'path'> {
  if (!source) return {};
  const path = field.length > 0 ? `${source.path}/${field.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` : undefined;
  return path === undefined ? { at: source } : { at: source, path };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function plainTextPasswords(ctx: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const r of ctx.desired.resources.values()) {
    if (r.kind !== 'user' || r.password.kind !== 'plain') continue;
    const at = r.password.source ?? r.source;
    out.push({ message: `user ${q(r.name)} has a plain-text password: the file keeps a secret`, ...(at ? { at } : {}) });
  }
  return out;
}
