/** Offline routing simulator: where the broker would deliver a message, and why. */
export { routeMessage, MAX_ROUTING_KEY_BYTES } from './route.js';
export { topologyFrom, defaultExchange, lookupExchange } from './topology.js';
export { effectivePolicy, effectiveAlternateExchange, effectiveDeadLetter, deadLetterTarget, sortPolicies } from './policies.js';
export type { EffectiveSetting, EffectiveDeadLetter, DeadLetterTarget } from './policies.js';
export type { RouteTopology, VhostTopology, SourceBindings, IndexedBinding } from './topology.js';
export { splitTopicKey, matchTopicWords, topicMatches, hasTopicWildcard } from './topic.js';
export { headersMatch, headersComparisonFor, argValuesEqual, xMatchMode, X_MATCH_MODES } from './headers.js';
export type { HeadersComparison, XMatchMode } from './headers.js';
export { renderRouteText, renderRouteJson } from './render.js';
export { senderSelectedKeys, routingHeaders, SENDER_SELECTED_HEADERS } from './sender-selected.js';
export type { SenderSelectedKeys } from './sender-selected.js';
export type { RouteTextStyle, RenderRouteTextOptions } from './render.js';
export type {
  RouteMessage,
  RouteOptions,
  RouteResult,
  RouteOutcome,
  RoutePath,
  RouteHop,
  RouteVia,
  RouteDestination,
  RouteOneOf,
  DeadLetterRoute,
} from './types.js';
