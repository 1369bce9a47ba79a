import { Command, CommanderError } from 'commander';
import { FerryError, redact } from '../core/index.js';
import { type CliContext, reportError } from './output.js';
import { registerCommands } from './commands/index.js';

export const VERSION = '0.1.0';

/**
 * Builds the program for `argv`. Each command group lives in ./commands/<group>.ts and registers itself; only
 * the groups this command line needs are loaded (commands/index.ts).
 */
export async function buildProgram(ctx: CliContext, argv: readonly string[]): Promise<Command> {
  const program = new Command('ferry')
    .description('Assess, plan, migrate and prove CentOS hosts onto their successors')
    .version(VERSION)
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout(s), writeErr: (s) => ctx.stderr(s) });
  program.hook('preAction', (cmd) => {
    ctx.json = Boolean(cmd.optsWithGlobals().json);
  });
  await registerCommands(program, ctx, argv.slice(2));
  return program;
}

/**
 * A closed output pipe (`ferry migrate … | head`) or a hung-up terminal must not kill a migration half-way:
 * output that cannot be written is dropped and the work goes on (the journal and the store record it).
 */
function keepRunningWithoutOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    });
  }
  process.on('SIGHUP', () => { /* ignored: see above */ });
}

/** Entry point; returns the process exit status instead of exiting, so tests can call it. */
export async function main(argv: string[], io?: Partial<CliContext>): Promise<number> {
  if (!io) keepRunningWithoutOutput();
  // Everything printed passes redact (core): a repository URL's credentials, a password or a key in a
  // plan, a step's description, dnf's output or an error (--json included) never reach the terminal.
  const writeOut = io?.stdout ?? ((s: string) => void process.stdout.write(s));
  const writeErr = io?.stderr ?? ((s: string) => void process.stderr.write(s));
  const ctx: CliContext = { json: argv.includes('--json'), stdout: (s) => writeOut(redact(s)), stderr: (s) => writeErr(redact(s)),
    stderrIsTty: io?.stderr === undefined && process.stderr.isTTY === true };
  try {
    const program = await buildProgram(ctx, argv);
    await program.parseAsync(argv);
    return ctx.exitCode ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version
      return reportError(ctx, new FerryError('USAGE', err.message.replace(/^error: /, '')));
    }
    return reportError(ctx, err);
  }
}
