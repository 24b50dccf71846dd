/** A queue's explicit type: from `type`, or from the `x-queue-type` argument (which is then dropped). */
import type { ArgValue, Args, QueueType, SourceLocation } from '../model/types.js';
import { QUEUE_TYPES } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { describeValue } from './describe.js';
import { closest } from './suggest.js';

export interface ExplicitType {
  readonly type: QueueType | undefined;
  /** The arguments without `x-queue-type`. */
  readonly arguments: Args;
  readonly diagnostics: Diagnostic[];
}

export function explicitQueueType(
  declared: QueueType | undefined,
  args: Readonly<Record<string, ArgValue>>,
  argAt: () => SourceLocation,
): ExplicitType {
  if (!('x-queue-type' in args)) return { type: declared, arguments: args, diagnostics: [] };
  const { ['x-queue-type']: fromArg, ...rest } = args;
  const diagnostics: Diagnostic[] = [];
  let type = declared;
  if (typeof fromArg !== 'string' || !isQueueType(fromArg)) {
    const mean = typeof fromArg === 'string' ? closest(fromArg, QUEUE_TYPES) : undefined;
    diagnostics.push(
      diagnostic(
        'INVALID_ARGUMENT_VALUE',
        `\`x-queue-type\` must be one of ${QUEUE_TYPES.join(', ')}, got ${describeValue(fromArg)}${mean !== undefined ? `; did you mean \`${mean}\`?` : ''}`,
        argAt(),
      ),
    );
  } else if (declared !== undefined && declared !== fromArg) {
    diagnostics.push(
      diagnostic(
        'QUEUE_TYPE_CONFLICT',
        `\`type\` is ${declared} but the \`x-queue-type\` argument is ${fromArg}; keep only one of them`,
        argAt(),
      ),
    );
  } else {
    type = fromArg;
  }
  return { type, arguments: rest, diagnostics };
}

export function isQueueType(v: string): v is QueueType {
  return (QUEUE_TYPES as readonly string[]).includes(v);
}
