import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { definitionsToNative, describeSkipped, nativeToDefinitions } from '../../export/convert.js';
import { WarrenError, diagnostic } from '../../model/diagnostics.js';
import { decodeSpecBytes } from '../../spec/index.js';
import { EXIT, printDiagnostics, type Io } from '../context.js';
import { resolve } from 'node:path';

interface ConvertOptions {
  readonly to?: 'native' | 'definitions';
  readonly out?: string;
  readonly intoVhost?: string;
}

export function registerConvert(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('convert')
    .description('turn a RabbitMQ definitions.json into a native spec, or a native spec into a definitions.json')
    .argument('<file>', 'the file to convert')
    .addOption(new Option('--to <format>', 'target format (default: the other one)').choices(['native', 'definitions']))
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .option('--into-vhost <vhost>', 'the vhost to load a definitions export of one vhost (GET /api/definitions/{vhost}) into; FILE=VHOST also works')
    .addHelpText(
      'after',
      '\nWhat the output leaves out is listed on standard error, one line each. Password hashes are\nwritten only with --out (standard output ends up in logs).\nExit status: 0 converted, 1 error.',
    )
    .action(async (file: string, opts: ConvertOptions) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(resolve(io.cwd, file));
      } catch (e) {
        throw new WarrenError(diagnostic('FILE_NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`));
      }
      const decoded = decodeSpecBytes(bytes, file);
      if (!decoded.ok) throw new WarrenError(decoded.diagnostic);
      const text = decoded.text;
      const to = opts.to ?? (looksLikeDefinitions(text) ? 'native' : 'definitions');
      // Password hashes go only to a file the user names: standard output ends up in logs.
      const intoVhost = opts.intoVhost?.startsWith(`${file}=`) === true ? opts.intoVhost.slice(file.length + 1) : opts.intoVhost;
      if (intoVhost === '') throw new WarrenError(diagnostic('INVALID_INTO_VHOST', '--into-vhost needs a vhost name, e.g. --into-vhost orders'));
      const options = { secrets: opts.out !== undefined, ...(intoVhost !== undefined && { intoVhost }) };
      const result = to === 'native' ? definitionsToNative(text, file, options) : nativeToDefinitions(text, file, options);
      printDiagnostics(io, result.diagnostics);
      for (const s of result.skipped) io.err(`warren convert: ${describeSkipped(s)}\n`);
      if (result.output === null) {
        setExit(EXIT.error);
        return;
      }
      if (opts.out) await writeFile(resolve(io.cwd, opts.out), result.output);
      else io.out(result.output);
      setExit(EXIT.ok);
    });
}

/** A definitions export has top-level arrays or a broker version; a native spec has `version: 1`. */
function looksLikeDefinitions(text: string): boolean {
  return /"rabbit(mq)?_version"|^\s*[{[]|"(queues|exchanges|bindings)"\s*:\s*\[/.test(text) && !/^version:\s*1/m.test(text);
}
