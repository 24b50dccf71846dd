export { applyPlan, type ApplyEndpoints, type ApplyEvent, type ApplyOptions, type ApplyResult, type StepFailure } from './execute.js';
export { encodeArgs, encodeArgValue, type AmqpTable, type AmqpValue, type TypedValue } from './amqp-args.js';
export { amqpTarget, type AmqpTarget } from './amqp-connection.js';
export { adviceFor, describeChange, parseAmqpError, APPLY_STEP_FAILED, type AmqpFailure } from './errors.js';
