// The `perfgate` command: parses arguments, calls the pipeline, maps errors to exit codes.
// Progress goes to stderr; results go to files and stdout.
import { existsSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { configJsonSchema } from './config/json-schema.js';
import { ExitCode, PerfgateError, UsageError } from './errors.js';
import { checkOutputFile } from './output-file.js';
import { compareFiles, runPipeline, type RunOutcome } from './pipeline.js';
import { runDemo } from './demo/run-demo.js';
import { runProxyCommand } from './queries/proxy-command.js';
import { installSignalTeardown } from './service/index.js';
import { hideCredentialsFromProcEnviron } from './service/own-environ.js';
import { TOOL_VERSION } from './version.js';

const progress = (line: string) => process.stderr.write(`perfgate: ${line}\n`);

function parseFailOn(value: string): ('budget' | 'regression')[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) if (p !== 'budget' && p !== 'regression') throw new UsageError(`--fail-on takes budget, regression or both (comma-separated), got "${p}"`);
  return parts as ('budget' | 'regression')[];
}

const HISTORY_HELP =
  "main's recent results (a file, or a folder of *.json; repeatable): cross-run timing verdicts are judged against how much they move run to run";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function finishOutcome(outcome: RunOutcome, printReport: boolean): number {
  if (printReport) process.stdout.write(outcome.reportMarkdown + '\n');
  progress(`verdict: ${outcome.verdict}${outcome.reasons.length ? ` — ${outcome.reasons.join('; ')}` : ''}`);
  return outcome.exitCode;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('perfgate')
    .description('Performance gate for web services: HTTP load, SQL query counting, N+1 detection, A/B verdicts.')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('run')
    .description('boot the service, benchmark every scenario, count queries, write results (and compare to a baseline)')
    .option('-c, --config <file>', 'config file', 'perfgate.yml')
    .option('-o, --out <file>', 'results JSON destination', 'results.json')
    .option('-b, --baseline <file>', 'baseline results JSON to compare against')
    .option('-r, --report <file>', 'also write the markdown report here')
    .option('--fail-on <list>', 'what fails the run: budget,regression (default from config)')
    .option('--base-ref <ref>', 'git ref of the base in rerun mode (default: the PR base, else main)')
    .option('--history <path>', HISTORY_HELP, collect, [])
    .option('--confirm-ref <ref>', 'confirm timing regressions found against --baseline by re-measuring those scenarios paired with this base ref (git) on this machine; only confirmed ones fail')
    .option('--no-print', 'do not print the report on stdout')
    .option('--keep-logs', 'keep the service and build logs when the run passes (they are always kept when it fails)', false)
    .action(async (opts: { config: string; out: string; baseline?: string; report?: string; failOn?: string; baseRef?: string; history: string[]; confirmRef?: string; print: boolean; keepLogs: boolean }) => {
      const outcome = await runPipeline({
        configFile: opts.config,
        outFile: opts.out,
        baseline: { file: opts.baseline },
        reportFile: opts.report,
        failOn: opts.failOn ? parseFailOn(opts.failOn) : undefined,
        baselineRef: opts.baseRef,
        keepLogs: opts.keepLogs,
        historyFiles: opts.history,
        confirmRef: opts.confirmRef,
        progress,
      });
      process.exitCode = finishOutcome(outcome, opts.print);
    });

  program
    .command('compare')
    .description('compare two results files and report regressions and budget status')
    .argument('<base>', 'baseline results JSON')
    .argument('<head>', 'head results JSON')
    .option('-c, --config <file>', 'config file for budgets and thresholds (default: built-in thresholds, no budgets)')
    .option('-r, --report <file>', 'also write the markdown report here')
    .option('--fail-on <list>', 'what fails the run: budget,regression')
    .option('--history <path>', HISTORY_HELP, collect, [])
    .option(
      '--confirm <file>',
      "the head run's confirmation by rerun (results.confirm.json, written beside its results by `run --confirm-ref` or the action): its paired verdicts replace the cross-run ones it re-measured, as in that run",
    )
    .option('--no-print', 'do not print the report on stdout')
    .action(async (base: string, head: string, opts: { config?: string; report?: string; failOn?: string; history: string[]; confirm?: string; print: boolean }) => {
      // Named explicitly, so a wrong path is a mistake to report, not a confirmation silently left out.
      if (opts.confirm !== undefined && !existsSync(opts.confirm)) throw new UsageError(`--confirm ${opts.confirm}: no such file`);
      const outcome = await compareFiles({
        baseFile: base,
        headFile: head,
        configFile: opts.config,
        reportFile: opts.report,
        failOn: opts.failOn ? parseFailOn(opts.failOn) : undefined,
        historyFiles: opts.history,
        confirmFile: opts.confirm,
        progress,
      });
      process.exitCode = finishOutcome(outcome, opts.print);
    });

  program
    .command('proxy')
    .description('interactive N+1 inspector: relay a database connection, print each statement, summarize on Ctrl-C')
    .requiredOption('--upstream <host:port>', 'the real database server')
    .option('--listen <port>', 'local port to listen on (127.0.0.1)', '6432')
    .addOption(new Option('--protocol <protocol>', 'wire protocol').choices(['postgres', 'mysql']).default('postgres'))
    .action(async (opts: { upstream: string; listen: string; protocol: 'postgres' | 'mysql' }) => {
      process.exitCode = await runProxyCommand({ upstream: opts.upstream, listen: opts.listen, protocol: opts.protocol, progress });
    });

  program
    .command('demo')
    .description('start an embedded PostgreSQL and the example bookshop service, benchmark it and print the report')
    .option('--n-plus-one', 'switch the example\'s N+1 pattern on, to see it flagged', false)
    .option('-o, --out <file>', 'results JSON destination', 'perfgate-demo-results.json')
    .action(async (opts: { nPlusOne: boolean; out: string }) => {
      const outcome = await runDemo({ nPlusOne: opts.nPlusOne, outFile: opts.out, progress });
      process.stdout.write(outcome.reportMarkdown + '\n');
      process.exitCode = ExitCode.ok;
    });

  program
    .command('schema')
    .description('print the JSON Schema of perfgate.yml (for editor completion)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action((opts: { out?: string }) => {
      const text = JSON.stringify(configJsonSchema(), null, 2) + '\n';
      if (opts.out) {
        checkOutputFile(opts.out, '--out');
        writeFileSync(opts.out, text);
      }
      else process.stdout.write(text);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  // `perfgate proxy` handles SIGINT itself (it prints the summary); everything else that starts
  // children tears them down on a signal.
  if (argv[0] !== 'proxy') installSignalTeardown();
  // In a workflow step the CLI may have GITHUB_TOKEN in its environment; the service could read it
  // from /proc/<this pid>/environ (see service/own-environ.ts).
  hideCredentialsFromProcEnviron();
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}

/** The one place errors become exit codes. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (and help after errors)
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof PerfgateError) {
    process.stderr.write(`perfgate: error: ${error.message}\n`);
    if (error.details) process.stderr.write(`${error.details.replace(/^/gm, '  | ')}\n`);
    return error.exitCode;
  }
  process.stderr.write(`perfgate: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  return ExitCode.environment;
}

// Exit explicitly: a stray handle (a keep-alive socket, a timer in a dependency) must not keep a
// finished run alive. stdout and stderr are synchronous for files and pipes on Linux, so nothing is lost.
main(process.argv.slice(2)).then((code) => process.exit(code));
