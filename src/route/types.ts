import type { Diagnostic } from '../model/diagnostics.js';
import type { ArgValue, Args } from '../model/types.js';

/** A message as published with `basic.publish`. */
export interface RouteMessage {
  readonly vhost: string;
  /** `""` is the default exchange. */
  readonly exchange: string;
  readonly routingKey: string;
  /**
   * Typed header values: the broker compares the number 5 and the string "5"
   * differently. `CC` and `BCC` here are extra routing keys, as `cc`/`bcc`
   * (an array of strings; anything else makes the broker refuse the message).
   */
  readonly headers?: Readonly<Record<string, ArgValue>>;
  /** More `CC` keys: extra routing keys, kept on the message (and reused on dead-lettering). */
  readonly cc?: readonly string[];
  /** More `BCC` keys: extra routing keys, removed from the message before routing, but reused on dead-lettering. */
  readonly bcc?: readonly string[];
}

export interface RouteOptions {
  /** The target broker's version, e.g. `3.10.8`; unknown means the newest behaviour. */
  readonly brokerVersion?: string;
  /** Also compute where messages dead-lettered from each reached queue would go. */
  readonly followDeadLetter?: boolean;
}

/** How a hop left its exchange. */
export type RouteVia = 'binding' | 'alternate-exchange' | 'default-exchange';

export interface RouteDestination {
  readonly kind: 'queue' | 'exchange';
  readonly name: string;
}

/** One step of a path: the message left `exchange` for `to`. */
export interface RouteHop {
  /** `""` for the default exchange. */
  readonly exchange: string;
  readonly type: string;
  readonly via: RouteVia;
  /**
   * The binding that matched (`via: 'binding'`), or the default exchange's
   * implicit binding whose key is the queue name (`via: 'default-exchange'`).
   * Absent for `via: 'alternate-exchange'`.
   */
  readonly binding?: { readonly routingKey: string; readonly arguments: Args };
  /** The message key (routing key or a CC/BCC key) that matched, for direct, topic and the default exchange. */
  readonly key?: string;
  /** `via: 'alternate-exchange'` only: the policy that set it; absent when it is the exchange's argument. */
  readonly policy?: string;
  readonly to: RouteDestination;
}

/** How a message reached a queue: the hops from the exchange it was published to. */
export interface RoutePath {
  readonly queue: string;
  readonly hops: readonly RouteHop[];
}

/**
 * An exchange that delivers to exactly one of its bound destinations
 * (`x-consistent-hash`, `x-random`, `x-modulus-hash`): which one depends on a
 * hash or on chance, so the simulator lists the candidates.
 */
export interface RouteOneOf {
  readonly exchange: string;
  readonly type: string;
  /** Candidate queues, sorted. */
  readonly candidates: readonly string[];
  /** Candidate exchanges (not followed further), sorted; absent when none. */
  readonly candidateExchanges?: readonly string[];
  /**
   * `x-consistent-hash` only: ring weight per candidate, from the first binding
   * to that destination (later ones do not take part in the ring).
   */
  readonly weights?: Readonly<Record<string, number>>;
  /** The hops that brought the message to this exchange (empty when published to it). */
  readonly hops: readonly RouteHop[];
}

/** Where a message goes, without dead-letter following. */
export interface RouteOutcome {
  /** Queues that each get one copy, sorted and unique. */
  readonly queues: readonly string[];
  /**
   * Every matching binding into a delivered queue, sorted by queue. A queue
   * may have several paths but gets one copy; each exchange routes once, so
   * an exchange reached twice contributes only through the first path found.
   */
  readonly paths: readonly RoutePath[];
  /** True when no queue and no one-of exchange was reached (a mandatory publish would be returned). */
  readonly unroutable: boolean;
  /** When unroutable: why, in words, one entry per dead end. Empty otherwise. */
  readonly reasons: readonly string[];
  readonly oneOf?: readonly RouteOneOf[];
  /** The publish itself fails (unknown vhost or exchange, internal exchange, key too long). */
  readonly errors?: readonly Diagnostic[];
  /** Things in the topology the simulator skipped or could not model. */
  readonly warnings?: readonly Diagnostic[];
}

/** Where a message rejected or expired from `queue` would be republished. */
export interface DeadLetterRoute {
  readonly queue: string;
  /** The dead-letter exchange (`""` is the default exchange), from the queue's argument or else its policy. */
  readonly exchange: string;
  /** The dead-letter routing key (argument, else policy) if set, else the message's routing key. */
  readonly routingKey: string;
  /** Without `x-dead-letter-routing-key`: the message's CC keys, which are routing keys again. */
  readonly cc?: readonly string[];
  /** Without `x-dead-letter-routing-key`: the message's BCC keys, routing keys again too (the header is gone, the keys are not). */
  readonly bcc?: readonly string[];
  /** The policy that set the dead-letter exchange or key; absent when both are the queue's arguments. */
  readonly policy?: string;
  /**
   * The republished message reaches `queue` again. The broker then drops it
   * for `queue` unless the cycle contains a rejection (expiry or max-length
   * only: dropped; reject/nack: delivered).
   */
  readonly cycle: boolean;
  /** One level deep: queues reached here are not followed to their own dead-letter exchanges. */
  readonly result: RouteOutcome;
}

export interface RouteResult extends RouteOutcome {
  /** With `followDeadLetter`: one entry per reached queue that has a dead-letter exchange (argument or policy), sorted by queue. */
  readonly deadLetter?: readonly DeadLetterRoute[];
}
