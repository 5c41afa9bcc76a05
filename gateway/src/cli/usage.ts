import { pickCliLang } from '@baken/protocols';

export const MAIN_HELP = `baken-gateway — the Baken home unit (pendant and key-safe bridge to MQTT)

Usage: baken-gateway <command> [options]

Commands:
  run         start the gateway (systemd runs this)
  provision   enrol this unit with the server using a one-time token
  status      show what this unit knows right now (provisioning, outbox, devices)
  pair        pair a pendant or key safe
  check       run the installation test (REQUIREMENTS §8.5)

Options:
  -h, --help  help for any command: baken-gateway <command> --help
      --lang  nl or en (default from BAKEN_LANG or LANG)

Exit codes: 0 ok, 1 failure, 2 usage error, 3 configuration/credentials problem,
            4 provisioning failed, 69 not available in this version.
`;

export const RUN_HELP = `Usage: baken-gateway run [--config PATH]

Starts the gateway: opens the outbox, connects to the broker(s), runs the bridges, and
publishes heartbeats. Stops cleanly on SIGTERM/SIGINT (publishes offline, closes the outbox).

Options:
  -c, --config PATH   configuration file (default /etc/baken-gateway/gateway.json)
  -h, --help          this help
`;

export const PROVISION_HELP = `Usage: baken-gateway provision --server URL --token TOKEN [options]

Enrols this unit with the Baken server using a one-time enrolment token. Stores the gateway id
and MQTT credentials in the credentials file (mode 0600, readable only by its owner).

Options:
  -s, --server URL        the server's base URL, e.g. https://baken.example.org
  -t, --token TOKEN       the one-time enrolment token from the server
  -c, --config PATH       configuration file (default /etc/baken-gateway/gateway.json);
                          its credentialsFile setting says where credentials are written
      --credentials PATH  write the credentials here instead
      --hardware-id ID    override the detected hardware id (default: /etc/machine-id)
      --force             replace existing credentials
  -h, --help              this help
`;

export const STATUS_HELP = `Usage: baken-gateway status [--config PATH] [--json]

Shows provisioning, broker URLs, the outbox (depth, age of the oldest entry, drops) and the
configured devices. Safe to run while the gateway runs.

Options:
  -c, --config PATH   configuration file (default /etc/baken-gateway/gateway.json)
      --json          machine-readable output
  -h, --help          this help
`;

export const PAIR_HELP = `Usage: baken-gateway pair pendant [options]
       baken-gateway pair keysafe --serial SN (--port PATH | --ble ADDR) [options]

Pairs a device and adds it to the configuration file (run with the gateway service stopped,
then restart it).
  pendant   starts the radio, then asks for one press: the first UNPAIRED pendant whose button
            is pressed is added (BTHome v2 buttons, or Baken pendants whose key the server then
            sends). An encrypted BTHome pendant's press is seen only with its bind key (--key).
  keysafe   opens the serial port or BLE link and waits for the key safe's HELLO, which must
            report the serial number given (power-cycle the key safe during the window).

Options:
  -c, --config PATH   configuration file (default /etc/baken-gateway/gateway.json)
      --window S      seconds to wait (default 60)
      --key HEX       bind key of an encrypted BTHome pendant, 32 hex digits (pendant)
      --serial SN     key safe serial number (keysafe)
      --port PATH     serial device of a wired key safe, e.g. /dev/ttyUSB0 (keysafe)
      --ble ADDR      BLE address of a battery key safe (keysafe)
  -h, --help          this help
`;

export const CHECK_HELP = `Usage: baken-gateway check [--config PATH] [--technician NAME] [--window S] [--json]
                          [--token TOKEN]

Runs the installation test (REQUIREMENTS §8.5) with the gateway service stopped: a trial alarm
(press the pendant) must be acknowledged by the server, a trial opening of the key safe (open it
with a code; with --token the server issues a one-time trial code for it), battery and mains state, heartbeat signalling, and the server's identity (TLS
certificate and hostname, or the server's config for this unit). Prints a pass/fail report and
sends it to the server on the check topic. Exit 0 when every step passed, 1 otherwise.

Options:
  -c, --config PATH     configuration file (default /etc/baken-gateway/gateway.json)
      --technician NAME recorded in the report
      --window S        seconds for each hands-on step (default 120)
      --json            print the report as JSON
      --token TOKEN     a technician's API token, to get a trial code from the server for the
                        trial opening (or set BAKEN_INSTALLER_TOKEN; it is never printed)
  -h, --help            this help
`;

/** Every help text of the CLI, in one language. */
export interface Help {
  main: string;
  run: string;
  provision: string;
  status: string;
  pair: string;
  check: string;
}

export const HELP_EN: Help = {
  main: MAIN_HELP,
  run: RUN_HELP,
  provision: PROVISION_HELP,
  status: STATUS_HELP,
  pair: PAIR_HELP,
  check: CHECK_HELP,
};

/**
 * The help language [server/src/web/I18N.md §Command lines]: the rule every Baken command line
 * shares (`pickCliLang`: `--lang`, `BAKEN_LANG`, the locale variables, `BAKEN_LOCALE`), English when
 * nothing says otherwise.
 */
export function pickLang(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): { lang: 'nl' | 'en'; args: string[] } {
  return pickCliLang(argv, env, 'en');
}
