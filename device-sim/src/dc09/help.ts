import { DC09_BAKEN_EVENTS } from '@baken/protocols';

/** Every help text of `baken-dc09`, in one language (`help-nl.ts` the same keys in Dutch). */
export interface Dc09Help {
  main: string;
  send: string;
  listen: string;
}

export const DC09_HELP_EN: Dc09Help = {
  main: `baken-dc09 — check an alarm-centre link (SIA DC-09) from the command line

usage: baken-dc09 <command> [options]

commands:
  send     send one test message to an alarm receiver and print its answer
  listen   run a stand-alone receiver that prints and answers what it gets

baken-dc09 <command> --help for its options; examples in docs/dc09-tools.md.
--lang nl|en chooses the language of the help (default from BAKEN_LANG or LANG).`,
  send: `usage: baken-dc09 send --receiver <host:port> --account <acct> [options]

Sends one DC-09 message to an alarm receiver, prints the answer and exits
0 ACK, 1 bad options, 2 NAK, 3 DUH, 4 no answer in time, 5 a bad answer or no connection.

  --receiver <host:port>   the alarm receiver
  --udp                    send over UDP (default TCP)
  --account <acct>         account number (as issued by the alarm centre)
  --line <hex>             line / account prefix (default 0)
  --receiver-no <hex>      receiver number R… (default: none)
  --sequence <n>           sequence number 0–9999 (default 1)
  --format cid|sia         ADM-CID (Contact ID, default) or SIA-DCS content
  --event <name>           a Baken event (${DC09_BAKEN_EVENTS.join(', ')})
  --code <code>            or any event code: Contact ID 3 digits (with --qualifier 1|3|6,
                           default 1) or a SIA code of two letters
  --zone <n>  --group <n>  zone/user and group/area (default 1 and 1)
  --data <text>            or the data block verbatim, e.g. '#1234|1101 01 001'
  --null                   send a NULL link test instead of an event
  --key <hex>              encrypt with this account key (32/48/64 hex digits) …
  --key-file <file>        … or read it from a file (first line)
  --key-format hex|ascii   ascii: the key is 16/24/32 characters used as bytes
  --timeout <s>            seconds to wait for the answer (default 10)
  --time-offset <s>        shift the message's timestamp (test the receiver's window)`,
  listen: `usage: baken-dc09 listen --port <n> [options]

A stand-alone DC-09 receiver: prints every message it gets and answers ACK, DUH (not
understood) or NAK (refused; carries this receiver's time so the sender can correct its clock).
Runs until Ctrl-C, or until --count messages were handled.

  --port <n>                 port to listen on, TCP and UDP (0: any free port, printed)
  --host <addr>              address to listen on (default 0.0.0.0: every interface)
  --tcp | --udp              only TCP or only UDP (default both)
  --account <acct>           accept this account, plain (repeatable)
  --key <acct>:<hex>         accept this account, encrypted only, with this key (repeatable)
  --key-file <acct>:<file>   … with the key read from a file (first line)
  --key-format hex|ascii     ascii: keys are 16/24/32 characters used as bytes
                             without --account/--key every account is accepted, plain only
  --window <past>:<future>   seconds a timestamp may lie behind / ahead (default 40:20)
  --count <n>                exit 0 after n messages`,
};
