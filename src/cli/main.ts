import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerApply } from './commands/apply.js';
import { registerPlan } from './commands/plan.js';
import { registerRoute } from './commands/route.js';
import { registerTest } from './commands/test.js';
import { registerLint } from './commands/lint.js';
import { registerDrift } from './commands/drift.js';
import { registerExport } from './commands/export.js';
import { registerConvert } from './commands/convert.js';
import { registerGraph } from './commands/graph.js';
import { registerValidate } from './commands/validate.js';
import { EXIT, printDiagnostics, toDiagnostics, type Io } from './context.js';

/** Build the program. Every command reports through `io` and `setExit`; nothing here exits the process. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('warren')
    .description('Topology-as-code for RabbitMQ: validate, plan and apply exchanges, queues and bindings')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerValidate(program, io, setExit);
  registerPlan(program, io, setExit);
  registerApply(program, io, setExit);
  registerRoute(program, io, setExit);
  registerTest(program, io, setExit);
  registerLint(program, io, setExit);
  registerDrift(program, io, setExit);
  registerExport(program, io, setExit);
  registerConvert(program, io, setExit);
  registerGraph(program, io, setExit);
  return program;
}

/** Run the CLI; resolves with the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.error;
    printDiagnostics(io, toDiagnostics(e));
    return EXIT.error;
  }
}

/**
 * A stream whose reader went away (`warren lint --list-rules | head`): later
 * writes are dropped instead of crashing with EPIPE, and the command runs to
 * its end (an apply is never cut short because nobody reads its output).
 */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

function processIo(): Io {
  return {
    out: writer(process.stdout),
    err: writer(process.stderr),
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ...(process.stderr.isTTY ? { stderrColumns: process.stderr.columns } : {}),
    cwd: process.cwd(),
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

export async function main(): Promise<void> {
  const code = await run(process.argv.slice(2), processIo());
  process.exitCode = code;
}
