/** spec/: load topology files (native or definitions export), validate them, normalize to `Desired`. */
export { loadSpec, DEFAULT_SPEC_FILE, SPEC_EXTENSIONS } from './load-files.js';
export type { LoadOptions } from './load-files.js';
export { loadSpecTexts, parseSpecText } from './load-texts.js';
export { decodeSpecBytes } from './decode-utf8.js';
export type { Decoded } from './decode-utf8.js';
export type { LoadResult, SpecText } from './load-texts.js';
export { checkAgainstBroker, neededPlugins } from './broker-check.js';
export { topologySchema } from './schema-check.js';
export { QUEUE_ARGUMENTS, EXCHANGE_ARGUMENTS, X_MATCH_VALUES } from './arguments.js';
export type { ArgRule, QueueArgument } from './arguments.js';
export { PREDECLARED_EXCHANGES, PLUGIN_EXCHANGE_TYPES, MAX_NAME_BYTES } from './names.js';
