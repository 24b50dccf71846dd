export { ManagementClient, HttpError, seg, type HttpResult, type ManagementClientOptions } from './http.js';
export { readLive, QUEUE_COLUMNS } from './read.js';
export {
  normalizeArgs,
  normalizeBindings,
  normalizeExchanges,
  normalizeOverview,
  normalizeQueues,
  normalizeVhosts,
} from './normalize.js';
