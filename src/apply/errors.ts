/**
 * Broker refusals → diagnostics in plain words: which change, what the
 * broker said (its reply code and text), and what to do about it.
 */
import { diagnostic, WarrenError, type Diagnostic } from '../model/diagnostics.js';
import type { PlannedChange } from '../model/plan.js';
import { describeNetworkError, errorCode } from '../live/http.js';
import { redactSecrets } from '../util/redact.js';

export const APPLY_STEP_FAILED = 'APPLY_STEP_FAILED';

/** A failure reported by the broker over AMQP (channel or connection close). */
export interface AmqpFailure {
  /** AMQP reply code, e.g. 406; undefined for client-side failures */
  readonly code: number | undefined;
  /** The broker's reply text, e.g. `PRECONDITION_FAILED - queue 'q' in vhost 'v' not empty` */
  readonly text: string;
}

import { describeChange } from '../model/change.js';

export { describeChange };

/** Reads amqplib's errors: `code` holds the reply code, the message ends in `with message "<reply text>"`. */
export function parseAmqpError(err: unknown): AmqpFailure {
  const message = err instanceof Error ? err.message : String(err);
  const rawCode = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const m = /with message "(.*)"\s*$/s.exec(message);
  // 4.3's deprecated-feature refusals span several lines: one line reads better in every report
  const text = (m?.[1] ?? message).replace(/\s*\n\s*/g, ' ');
  return { code: typeof rawCode === 'number' ? rawCode : undefined, text };
}

/** What to do about a refusal, in words; '' when there is nothing specific to say. */
export function adviceFor(change: Pick<PlannedChange, 'action' | 'kind'>, failure: AmqpFailure): string {
  const { code, text } = failure;
  const deleting = change.action === 'delete' || change.action === 'replace';
  switch (code) {
    case 406:
      if (/not empty/.test(text)) {
        return 'the queue holds messages; re-run with --allow-data-loss to delete it anyway, or drain it first';
      }
      if (/in use/.test(text) && change.kind === 'queue') {
        return 'the queue has consumers; stop them first, or re-run with --allow-data-loss to delete it anyway';
      }
      if (/in use/.test(text) && change.kind === 'exchange') {
        return 'the exchange is still the source of bindings; remove them first (declare them in the spec for removal, or use --prune)';
      }
      if (/inequivalent arg/.test(text)) {
        return 'the live resource no longer matches what the plan expected (it changed since the plan was made?); run plan again';
      }
      if (/limit .* is reached|limit in vhost/.test(text)) {
        return 'a vhost limit (max-queues) is reached; raise the limit or delete queues first';
      }
      return 'the broker refused the declaration as given; check the arguments against the RabbitMQ documentation';
    case 405:
      return 'the queue is exclusive to another connection; it cannot be changed while that connection is open';
    case 403:
      return 'the AMQP user lacks configure/write/read permission for this resource in the vhost, or the name is reserved (amq.*); grant permissions or rename';
    case 404:
      return deleting
        ? 'it no longer exists; run plan again'
        : 'a resource it refers to does not exist (the source or destination of a binding?); run plan again';
    case 503:
      return /unknown exchange type/.test(text)
        ? 'the exchange type is not available on the broker; enable the plugin that provides it'
        : 'the broker rejected the command and closed the connection';
    case 530:
      return 'the AMQP user has no access to the vhost; grant it permissions there (rabbitmqctl set_permissions)';
    case 320:
      return 'the broker was shut down or the connection was closed by an operator; try again';
    case 541: {
      const feature = /Feature `([^`]+)` is deprecated/.exec(text)?.[1];
      return feature === undefined
        ? ''
        : `the broker denies the deprecated feature '${feature}' (GET /api/deprecated-features); stop using it${feature === 'queue_master_locator' ? ' (use x-queue-leader-locator)' : ''}, or permit it in the broker's configuration (deprecated_features.permit.${feature} = true)`;
    }
    default:
      return '';
  }
}

/** An AMQP refusal of one change → `APPLY_STEP_FAILED`. */
export function amqpStepDiagnostic(change: PlannedChange, failure: AmqpFailure): Diagnostic {
  const advice = adviceFor(change, failure);
  const code = failure.code === undefined ? '' : ` (AMQP ${failure.code})`;
  return diagnostic(APPLY_STEP_FAILED, `${describeChange(change)} failed: ${failure.text}${code}${advice ? `; ${advice}` : ''}`);
}

/**
 * Any error thrown by a step → the diagnostic recorded for it. Broker-level
 * problems (unreachable, auth) keep their own codes; everything else is
 * `APPLY_STEP_FAILED`. Warren's own messages are built from redacted URLs;
 * foreign texts (amqplib, sockets) additionally get `secrets` masked.
 */
export function stepDiagnostic(change: PlannedChange, err: unknown, secrets: readonly string[]): Diagnostic {
  const desc = describeChange(change);
  if (err instanceof WarrenError) {
    const first = err.diagnostics[0] ?? diagnostic(APPLY_STEP_FAILED, 'unknown error');
    const message = redactSecrets(first.message);
    if (first.code === APPLY_STEP_FAILED || first.code === 'APPLY_UNSUPPORTED') return { ...first, message };
    if (first.code === 'BROKER_UNREACHABLE' || first.code === 'BROKER_AUTH_FAILED') return { ...first, message: `${desc} failed: ${message}` };
    return diagnostic(APPLY_STEP_FAILED, `${desc} failed: ${message}`);
  }
  const failure = parseAmqpError(err);
  if (failure.code === undefined && errorCode(err) !== undefined) {
    return diagnostic(APPLY_STEP_FAILED, `${desc} failed: ${redactSecrets(describeNetworkError(err), secrets)}`);
  }
  return amqpStepDiagnostic(change, { code: failure.code, text: redactSecrets(failure.text, secrets) });
}
