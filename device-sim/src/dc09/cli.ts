import type { Clock } from '@baken/hardware';
import { pickLang } from '../cli/lang.js';
import { parseDc09Args, UsageError } from './args.js';
import { DC09_HELP_EN } from './help.js';
import { DC09_HELP_NL } from './help-nl.js';
import { runListen } from './listen-command.js';
import { runSend, SEND_EXIT } from './send.js';

export const DC09_HELP = DC09_HELP_EN.main;

export interface Dc09CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves on Ctrl-C / SIGTERM (for `listen`). */
  stopped: Promise<unknown>;
}

const BOOLEANS = ['help', 'udp', 'tcp', 'null'];

/**
 * Runs one `baken-dc09` command; returns the exit code. Help in Dutch or English: `--lang`, else
 * BAKEN_LANG, LC_ALL/LC_MESSAGES/LANG, BAKEN_LOCALE (`../cli/lang.ts`).
 */
export async function dc09Main(
  argv0: readonly string[],
  io: Dc09CliIo,
  clock: Clock,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const { lang, args: argv } = pickLang(argv0, env);
  const help = lang === 'nl' ? DC09_HELP_NL : DC09_HELP_EN;
  const [command, ...rest] = argv;
  try {
    const args = parseDc09Args(rest, BOOLEANS);
    if (command === 'send') {
      if (args.booleans.has('help')) {
        io.out(help.send);
        return 0;
      }
      return await runSend(args, io, clock);
    }
    if (command === 'listen') {
      if (args.booleans.has('help')) {
        io.out(help.listen);
        return 0;
      }
      return await runListen(args, io, clock);
    }
    io.out(help.main);
    return command === undefined || command === '--help' || command === '-h' ? 0 : SEND_EXIT.usage;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.code}: ${e.message} (baken-dc09 ${command ?? ''} --help)`);
      return SEND_EXIT.usage;
    }
    throw e;
  }
}
