import { type Static, Type } from '@sinclair/typebox';

const Url = (description: string) => Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://[^\\s]+$', description });

/** Paired devices the bridges serve; bridges ignore (and count) anything not listed. */
export const DeviceConfig = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128, description: 'device id as registered on the server' }),
    kind: Type.Union([Type.Literal('pendant'), Type.Literal('keysafe')]),
    /** BLE address `AA:BB:CC:DD:EE:FF` (pendant, BLE key safe). */
    address: Type.Optional(Type.String({ pattern: '^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$' })),
    /** Serial device path (wired key safe), e.g. `/dev/ttyUSB0`. */
    serialPath: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type DeviceConfig = Static<typeof DeviceConfig>;

/**
 * The gateway's configuration file (JSON). Unknown keys are errors (a typo must not silently fall
 * back to a default). Defaults are filled in by `loadConfig`.
 */
export const GatewayConfigSchema = Type.Object(
  {
    mqtt: Type.Object(
      {
        /** Overrides the URL received at provisioning. */
        primaryUrl: Type.Optional(Url('primary broker, mqtts:// in production')),
        secondaryUrl: Type.Optional(Url('secondary (fallback) broker')),
        /** PEM file of a private CA for mqtts://. */
        caFile: Type.Optional(Type.String({ minLength: 1 })),
        failoverAfterMs: Type.Integer({ minimum: 1_000, default: 120_000 }),
        probeIntervalMs: Type.Integer({ minimum: 1_000, default: 30_000 }),
        backoffInitialMs: Type.Integer({ minimum: 100, default: 1_000 }),
        backoffMaxMs: Type.Integer({ minimum: 1_000, default: 60_000 }),
        keepaliveS: Type.Integer({ minimum: 5, maximum: 3_600, default: 30 }),
        connectTimeoutMs: Type.Integer({ minimum: 1_000, default: 10_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    dataDir: Type.String({ minLength: 1, default: '/var/lib/baken-gateway' }),
    credentialsFile: Type.String({ minLength: 1, default: '/var/lib/baken-gateway/credentials.json' }),
    heartbeat: Type.Object(
      { intervalMs: Type.Integer({ minimum: 5_000, maximum: 3_600_000, default: 60_000 }) },
      { additionalProperties: false, default: {} },
    ),
    outbox: Type.Object(
      {
        maxEntries: Type.Integer({ minimum: 100, default: 100_000 }),
        maxBytes: Type.Integer({ minimum: 65_536, default: 64 * 1024 * 1024 }),
        windowSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
        ackTimeoutMs: Type.Integer({ minimum: 1_000, default: 30_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      {
        level: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    devices: Type.Array(DeviceConfig, { default: [] }),
    /** Server-pushed updates (docs/gateway-appliance.md, "Updates"). */
    updates: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        /** The side-by-side release layout; default `{dataDir}/app`. */
        appDir: Type.Optional(Type.String({ minLength: 1 })),
        /** Trusted release public keys (`*.pub`), installed with the package. */
        keysDir: Type.String({ minLength: 1, default: '/usr/share/baken-gateway/release-keys' }),
        /** Where the Debian package put the gateway (what runs while no update is current). */
        packagedDir: Type.String({ minLength: 1, default: '/usr/lib/baken-gateway' }),
        /** How long a new version has to prove its health before it is rolled back. */
        healthDeadlineMs: Type.Integer({ minimum: 10_000, maximum: 3_600_000, default: 120_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type GatewayConfig = Static<typeof GatewayConfigSchema>;

/** Written by `provision`, mode 0600. Holds the MQTT password: never log it. */
export const CredentialsSchema = Type.Object({
  gatewayId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
  server: Type.String({ minLength: 1 }),
  mqtt: Type.Object({
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1 }),
    url: Type.Optional(Url('primary broker from provisioning')),
    secondaryUrl: Type.Optional(Url('secondary broker from provisioning')),
  }),
  provisionedAt: Type.Number(),
});
export type Credentials = Static<typeof CredentialsSchema>;
