export const MAIN_HELP = `baken-gateway — the Baken home unit (pendant and key-safe bridge to MQTT)

Usage: baken-gateway <command> [options]

Commands:
  run         start the gateway (systemd runs this)
  provision   enrol this unit with the server using a one-time token
  status      show what this unit knows right now (provisioning, outbox, devices)
  pair        pair a pendant or key safe            (not available yet)
  check       run the installation test (§8.5)      (not available yet)

Options:
  -h, --help  help for any command: baken-gateway <command> --help

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

export const PAIR_HELP = `Usage: baken-gateway pair pendant|keysafe

Pairing comes with the pendant and key-safe bridges; not available in this version.
`;

export const CHECK_HELP = `Usage: baken-gateway check

The installation test (seed 003 §8.5) comes with the bridges; not available in this version.
`;
