import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseSource } from '../../spec/yaml-source.js';
import { lintSpec, parseLintConfig, renderLintJson, renderLintSarif, renderLintText, LINT_RULES, type LintConfig } from '../../lint/index.js';
import { WarrenError, diagnostic, hasErrors } from '../../model/diagnostics.js';
import { VERSION } from '../../version.js';
import { EXIT, printDiagnostics, styleOf, type Io } from '../context.js';
import { formatOption, specOptions, type CommonOptions, type SpecOptions } from '../options.js';
import { loadWithWarnings } from '../pipeline.js';

interface LintOptions extends CommonOptions, SpecOptions {
  readonly config?: string;
  readonly brokerVersion?: string;
  readonly listRules?: boolean;
}

export function registerLint(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('lint')
    .description('check the spec for topology mistakes (unreachable queues, dropped messages, literal wildcards, ...), offline')
    .argument('[files...]', 'spec files or directories (YAML, JSON or a RabbitMQ definitions.json)', [])
    .option('--config <file>', 'lint configuration (YAML or JSON): `rules: { CODE: off | note | warning | error }`; overrides the spec\'s `lint:`')
    .option('--broker-version <version>', 'the target RabbitMQ version: rules for RabbitMQ 4 run only when it is 4.0 or later, and the spec is checked against what that version takes by default')
    .option('--list-rules', 'list the rules with their codes and default levels, and exit')
    .option('--no-color', 'no colours (also off with NO_COLOR or when output is not a terminal)');
  specOptions(formatOption(cmd, ['text', 'json', 'sarif']))
    .addHelpText('after', '\nExit status: 0 no finding of severity error, 1 an error finding or a bad spec or configuration.')
    .action(async (files: string[], opts: LintOptions) => {
      if (opts.listRules) {
        for (const r of LINT_RULES) io.out(`${r.code.padEnd(34)} ${r.defaultLevel.padEnd(8)} ${r.title}${r.minBrokerVersion ? ` (RabbitMQ ${r.minBrokerVersion}+)` : ''}\n`);
        setExit(EXIT.ok);
        return;
      }
      const { desired, warnings } = await loadWithWarnings(files, io, opts);
      let config: LintConfig | undefined;
      if (opts.config !== undefined) {
        let text: string;
        try {
          text = await readFile(resolve(io.cwd, opts.config), 'utf8');
        } catch (e) {
          throw new WarrenError(diagnostic('FILE_UNREADABLE', `cannot read the lint configuration ${opts.config}: ${(e as Error).message}`));
        }
        // Parsed like a spec file, so that every problem points at its line and column.
        const source = parseSource(text, opts.config);
        if (hasErrors(source.diagnostics)) throw new WarrenError(source.diagnostics.filter((d) => d.severity === 'error'));
        const parsed = parseLintConfig(source.value, opts.config, (pointer) => source.locate(pointer, 'key'));
        if (hasErrors(parsed.diagnostics)) throw new WarrenError(parsed.diagnostics);
        config = parsed.config;
      }
      const { report, diagnostics } = lintSpec(desired, {
        diagnostics: warnings,
        ...(config ? { config } : {}),
        ...(opts.brokerVersion ? { brokerVersion: opts.brokerVersion } : {}),
      });
      if (hasErrors(diagnostics)) {
        printDiagnostics(io, warnings);
        throw new WarrenError(diagnostics);
      }
      // The text report lists the spec's and the version's problems itself; JSON and SARIF readers see them on stderr too.
      printDiagnostics(io, opts.format === 'json' || opts.format === 'sarif' ? [...report.diagnostics, ...diagnostics] : diagnostics);
      switch (opts.format) {
        case 'json':
          io.out(renderLintJson(report));
          break;
        case 'sarif':
          io.out(renderLintSarif(report, { toolVersion: VERSION, uriOf: (f) => relative(io.cwd, resolve(io.cwd, f)).split('\\').join('/') }));
          break;
        default: {
          const s = styleOf(opts, io);
          io.out(renderLintText(report, { error: s.red, warning: s.yellow, note: s.cyan, dim: s.dim }));
        }
      }
      setExit(report.summary.error > 0 ? EXIT.error : EXIT.ok);
    });
}
