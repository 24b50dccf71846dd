export { ManagementClient, HttpError, seg, type HttpResult, type ManagementClientOptions } from './http.js';
export { readLive, QUEUE_COLUMNS, GLOBAL_PATHS } from './read.js';
export * from './normalize-kinds.js';
export {
  normalizeArgs,
  normalizeBindings,
  normalizeExchanges,
  normalizeOverview,
  normalizeQueues,
  normalizeVhosts,
} from './normalize.js';
