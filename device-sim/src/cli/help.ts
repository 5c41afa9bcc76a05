import { FAULT_NAMES } from '../faults/fault-board.js';

/** Every help text of `baken-sim`, in one language; `help-nl.ts` holds the same keys in Dutch. */
export interface SimHelp {
  main: string;
  home: string;
  interactive: string;
  scenario: string;
  fleet: string;
  fleetEnrol: string;
  /** `unknown command '{command}'` */
  unknownCommand: string;
}

const INTERACTIVE = `commands (one per line):
  press [pendant]        alarm press (repeated adverts)
  cancel [pendant]       cancel press
  fall [pendant]         fall detected
  test [pendant]         test press
  battery <pct> [pendant]  set a pendant's battery
  code <digits>          type a code on the key safe keypad
  open | close           open / close the key-safe door
  pair                   press the key safe's pairing button (KS-SERIAL §8.8: 5 minutes for KEY_INSTALL)
  take [hook] | return [hook]  take / return a key
  tamper [source]        tamper switch
  mains on|off           mains power present / lost
  fault <name> on|off [value]  faults: ${FAULT_NAMES.join(', ')}
  status                 device state and active faults
  help | quit`;

export const SIM_HELP_EN: SimHelp = {
  main: `baken-sim — simulated pendants and key safes for Baken

usage: baken-sim <command> [options]

commands:
  home       start a home's devices and drive them from stdin
  scenario   run a scenario file unattended (exit 0 pass, 1 fail, 2 bad file)
  fleet      run thousands of simulated home units against a server over MQTT
  fleet-enrol  enrol homes for a fleet through the server's API (writes a 0600 credentials file)

baken-sim <command> --help for its options; --lang nl|en (default from BAKEN_LANG or LANG).`,
  home: `usage: baken-sim home [options]

  --config <file>     home description (YAML/JSON, see SCENARIOS.md "home"); default: one
                      encrypted BTHome pendant and key safe KS-SIM-0001 on serial
  --pty               create a socat pty pair; the gateway opens the printed path
  --serial <path>     use an existing serial device (e.g. /dev/pts/N) for the key safe
  --ble bluez|mock    BLE side: the BlueZ stand-in on a private D-Bus, or in-memory (default mock)
  --nv <file>         key-safe non-volatile memory file (default: in memory)
  --keys-out <file>   write the device keys (for provisioning) to this file, mode 0600
  --no-stdin          do not read commands from stdin; run until SIGINT/SIGTERM

Prints one JSON line with what it opened, then reads commands:
${INTERACTIVE}`,
  interactive: INTERACTIVE,
  scenario: `usage: baken-sim scenario <file> [--json]

Runs the timed steps and expectations of <file> (YAML or JSON, documented in SCENARIOS.md) on a
fresh simulated home and prints a report. Exit code 0 when every expectation holds, 1 when one
fails (the report names the step), 2 when the file is invalid.

  --json    print the report as JSON`,
  fleet: `usage: baken-sim fleet --credentials FILE [options]

Runs one simulated home unit per identity in FILE (written 0600 by the server's bulk enrolment,
see device-sim/README.md "Fleet mode") against a running Baken server over real MQTT, shows one
progress line and prints a summary at the end (Ctrl-C stops cleanly).

  --credentials FILE     gateway identities (required)
  --mqtt-url URL         broker (default: the URL in FILE)
  --homes N              use the first N identities (default all)
  --processes K          worker processes (default: one per 6,000 homes; 0 = this process)
  --connect-rate R       new connections per second at start (default 500)
  --heartbeat S          heartbeat interval in seconds (default 60); load ≈ homes ÷ S per second
  --jitter F             heartbeat jitter, fraction of the interval (default 0.1)
  --alarms-per-hour X    pendant presses per home per hour, Poisson (default 0)
  --keysafe-per-day X    key-safe openings per home per day, Poisson (default 0)
  --battery-drain X      pendant battery drain, points per hour (default 0)
  --skew-share F         share of homes with a skewed clock (default 0), up to ± --skew-max-ms
  --flap-share F         share of homes whose link drops every ~--flap-every S seconds
  --storm F@T            at T seconds, a share F of the homes press within 5 s (repeatable as F@T,F@T)
  --silent N@T           at T seconds, N homes hang (connected, silent)
  --die N@T              at T seconds, N homes die with their last will
  --duration S           stop after S seconds (default: until Ctrl-C)
  --json                 print the summary as JSON`,
  fleetEnrol: `usage: baken-sim fleet-enrol --api URL --homes N --out FILE [--label TEXT] [--region NAME]

Enrols N homes through the server's API (POST /api/v1/enrolment/bulk, admins only, 50 per call)
and writes their gateway identities to FILE with mode 0600 for \`baken-sim fleet --credentials\`.
The API token is read from the environment variable BAKEN_API_TOKEN (never from the command line,
where other users could read it). Passwords are never printed. On the server's own machine,
\`npx tsx server/src/cli/enrol-fleet.ts\` does the same without the API, for any number of homes.`,
  unknownCommand: "unknown command '{command}'",
};
