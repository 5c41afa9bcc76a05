/** Help of the server's command lines (`server/src/cli/*`); options and commands stay as typed. */
export const cli = {
  'cli.auditVerify.usage':
    'usage: audit-verify --db PATH [--lang nl|en]   (verifies the hash-chained audit log, read-only; exit 0 intact, 1 broken, 2 usage)',
  'cli.enrolFleet.usage': `usage: enrol-fleet --homes N --out FILE [--db PATH] [--label TEXT] [--region NAME] [--mqtt-url URL] [--lang nl|en]

Creates N clients, each with a home and an enrolled home unit (gateway) with its own MQTT
password, directly in the server's database (the server may be running), and writes the gateway
identities to FILE with mode 0600 for \`baken-sim fleet --credentials FILE\`. Passwords are never
printed. Defaults: --db DATA_DIR/baken.sqlite from the server's configuration (BAKEN_CONFIG,
BAKEN_DATA_DIR), --label "Fleet", --mqtt-url the server's first public MQTT URL.`,
} as const;
