import type { Clock } from '@baken/hardware';
import { parseDc09Args, UsageError } from './args.js';
import { LISTEN_HELP, runListen } from './listen-command.js';
import { runSend, SEND_EXIT, SEND_HELP } from './send.js';

export const DC09_HELP = `baken-dc09 — check an alarm-centre link (SIA DC-09) from the command line

usage: baken-dc09 <command> [options]

commands:
  send     send one test message to an alarm receiver and print its answer
  listen   run a stand-alone receiver that prints and answers what it gets

baken-dc09 <command> --help for its options; examples in docs/dc09-tools.md.`;

export interface Dc09CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves on Ctrl-C / SIGTERM (for `listen`). */
  stopped: Promise<unknown>;
}

const BOOLEANS = ['help', 'udp', 'tcp', 'null'];

/** Runs one `baken-dc09` command; returns the exit code. */
export async function dc09Main(argv: readonly string[], io: Dc09CliIo, clock: Clock): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const args = parseDc09Args(rest, BOOLEANS);
    if (command === 'send') {
      if (args.booleans.has('help')) {
        io.out(SEND_HELP);
        return 0;
      }
      return await runSend(args, io, clock);
    }
    if (command === 'listen') {
      if (args.booleans.has('help')) {
        io.out(LISTEN_HELP);
        return 0;
      }
      return await runListen(args, io, clock);
    }
    io.out(DC09_HELP);
    return command === undefined || command === '--help' || command === '-h' ? 0 : SEND_EXIT.usage;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.code}: ${e.message} (baken-dc09 ${command ?? ''} --help)`);
      return SEND_EXIT.usage;
    }
    throw e;
  }
}
