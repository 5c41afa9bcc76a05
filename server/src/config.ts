import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { HUMAN_SCRYPT, MIN_SCRYPT_N } from './auth/password.js';
import { BakenError, type ErrorDetail } from './errors.js';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, isTimeZone, LOCALES } from './i18n/locale.js';

/** Server configuration. Sources, lowest first: defaults, an optional JSON file, the environment. */
export const ServerConfigSchema = Type.Object(
  {
    http: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        /** Public base URL used in links and printed at start-up; derived when absent. */
        publicUrl: Type.Optional(Type.String({ minLength: 1 })),
        /** Set when served behind TLS (directly or via a proxy): session cookies get `Secure`. */
        secureCookies: Type.Boolean(),
        trustProxy: Type.Boolean(),
        bodyLimitBytes: Type.Integer({ minimum: 1024 }),
      },
      { additionalProperties: false },
    ),
    mqtt: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        /** Port of the embedded broker (0 = ephemeral). Ignored when `url` is set. */
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        /** External broker URL (e.g. Mosquitto). When set, no embedded broker is started. */
        url: Type.Optional(Type.String({ pattern: '^mqtts?://' })),
        /** Credentials of the server's own client on an external broker. */
        username: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
        /** Broker URLs handed to gateways at provisioning; derived from the broker when absent. */
        publicUrls: Type.Optional(Type.Array(Type.String({ pattern: '^mqtts?://' }), { minItems: 1 })),
        /**
         * External Mosquitto only: its `password_file`, which provisioning appends gateway credentials
         * to, and its `pid_file`, to make it reload (see broker/mosquitto-credentials.ts).
         */
        mosquittoPasswordFile: Type.Optional(Type.String({ minLength: 1 })),
        mosquittoPidFile: Type.Optional(Type.String({ minLength: 1 })),
        /**
         * Which broker: `embedded` aedes (the default; an external MQTT broker such as Mosquitto
         * when `url` is set) or `rabbitmq`, the clustered mode (docs/adr/0001-clustered-broker.md):
         * this instance consumes uplink from the shared queue with the server's own user
         * (`username`, `password`) and makes gateway users through the management API.
         */
        broker: Type.Optional(Type.Union([Type.Literal('embedded'), Type.Literal('rabbitmq')])),
        rabbitmq: Type.Optional(
          Type.Object(
            {
              /** Every node's AMQP address, without credentials; tried in turn. */
              amqpUrls: Type.Array(Type.String({ pattern: '^amqps?://[^@]+$' }), { minItems: 1 }),
              /** A management API address (a node, or a load balancer over the nodes). */
              managementUrl: Type.String({ pattern: '^https?://' }),
              vhost: Type.Optional(Type.String({ minLength: 1 })),
              prefetch: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
            },
            { additionalProperties: false },
          ),
        ),
        /** What one client can make the broker hold; defaults in broker/broker-limits.ts. */
        limits: Type.Optional(
          Type.Object(
            {
              maxPacketBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 268_435_455 })),
              maxConnectBytes: Type.Optional(Type.Integer({ minimum: 256, maximum: 268_435_455 })),
              publishRatePerS: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
              publishBurst: Type.Optional(Type.Integer({ minimum: 1 })),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    /**
     * Prometheus `/metrics` on a listener of its own, never on the API port: loopback by default;
     * `token` makes every scrape send `Authorization: Bearer <token>`; port 0 picks a free port.
     */
    metrics: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        token: Type.Optional(Type.String({ minLength: 16 })),
      },
      { additionalProperties: false },
    ),
    /**
     * The alarm-centre link [docs/alarm-centre.md]: the inbound DC-09 receiver listens on TCP and UDP
     * `port` at `host` when a port is set (0 = ephemeral, for tests); the outbound sender waits
     * `ackTimeoutS` for each answer, pauses `retryDelayS` before a retry and moves to the backup
     * receiver after `attemptsPerReceiver` failed tries.
     */
    dc09: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
          ackTimeoutS: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 300 })),
          retryDelayS: Type.Optional(Type.Number({ minimum: 0, maximum: 3600 })),
          attemptsPerReceiver: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        },
        { additionalProperties: false },
      ),
    ),
    dataDir: Type.String({ minLength: 1 }),
    /**
     * Where the server keeps its records (server/src/store/README.md, "Configuration"): `sqlite`
     * (the default, one file in `dataDir`) or `postgres` at `databaseUrl` — a secret (it may hold
     * the password): set it with `BAKEN_DATABASE_URL`, it is never logged or shown.
     */
    database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    /**
     * Web Push to informal carers and care workers (followup/README.md): the VAPID subject (an
     * https: URL or mailto: of whoever runs the server); http push endpoints only for a local push
     * service (tests).
     */
    push: Type.Object(
      { subject: Type.String({ pattern: '^(https:|mailto:)' }), allowHttpEndpoints: Type.Boolean() },
      { additionalProperties: false },
    ),
    heartbeatIntervalS: Type.Integer({ minimum: 5, maximum: 3600 }),
    auth: Type.Object(
      {
        sessionTtlS: Type.Integer({ minimum: 60 }),
        enrolmentTokenTtlS: Type.Integer({ minimum: 60 }),
        loginMaxFailuresPerUser: Type.Integer({ minimum: 1 }),
        loginMaxFailuresPerIp: Type.Integer({ minimum: 1 }),
        loginWindowS: Type.Integer({ minimum: 1 }),
        /**
         * scrypt cost of human passwords (OWASP: N=2^17, r=8, p=1; N a power of two). Hashes made at
         * a lower cost are redone at the next login. Lower it only for tests.
         */
        scrypt: Type.Object(
          {
            N: Type.Integer({ minimum: MIN_SCRYPT_N, maximum: 2 ** 20 }),
            r: Type.Integer({ minimum: 1, maximum: 32 }),
            p: Type.Integer({ minimum: 1, maximum: 16 }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    /**
     * The deployment's language and time zone: what a user sees until they choose a language of
     * their own (server/src/web/I18N.md). Dutch and Europe/Amsterdam for a Dutch organisation.
     */
    i18n: Type.Object(
      {
        locale: Type.Union(LOCALES.map((l) => Type.Literal(l))),
        timeZone: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    logLevel: Type.Union([
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ]),
  },
  { additionalProperties: false },
);
export type ServerConfig = Static<typeof ServerConfigSchema>;

export function defaultConfig(): ServerConfig {
  return {
    http: {
      host: '127.0.0.1',
      port: 8080,
      secureCookies: false,
      trustProxy: false,
      bodyLimitBytes: 5 * 1024 * 1024,
    },
    mqtt: { host: '127.0.0.1', port: 1883 },
    metrics: { host: '127.0.0.1', port: 9464 },
    dataDir: './data',
    database: 'sqlite',
    push: { subject: 'mailto:push@baken.invalid', allowHttpEndpoints: false },
    heartbeatIntervalS: 60,
    auth: {
      sessionTtlS: 12 * 3600,
      enrolmentTokenTtlS: 2 * 3600,
      loginMaxFailuresPerUser: 5,
      loginMaxFailuresPerIp: 30,
      loginWindowS: 15 * 60,
      scrypt: { ...HUMAN_SCRYPT },
    },
    i18n: { locale: DEFAULT_LOCALE, timeZone: DEFAULT_TIME_ZONE },
    logLevel: 'info',
  };
}

type Env = Record<string, string | undefined>;

/** Environment variables and the config path they set. */
const ENV_MAP: Array<[string, string[], 'int' | 'bool' | 'string' | 'list']> = [
  ['BAKEN_HTTP_HOST', ['http', 'host'], 'string'],
  ['BAKEN_HTTP_PORT', ['http', 'port'], 'int'],
  ['BAKEN_PUBLIC_URL', ['http', 'publicUrl'], 'string'],
  ['BAKEN_SECURE_COOKIES', ['http', 'secureCookies'], 'bool'],
  ['BAKEN_TRUST_PROXY', ['http', 'trustProxy'], 'bool'],
  ['BAKEN_MQTT_HOST', ['mqtt', 'host'], 'string'],
  ['BAKEN_MQTT_PORT', ['mqtt', 'port'], 'int'],
  ['BAKEN_MQTT_URL', ['mqtt', 'url'], 'string'],
  ['BAKEN_MQTT_USERNAME', ['mqtt', 'username'], 'string'],
  ['BAKEN_MQTT_PASSWORD', ['mqtt', 'password'], 'string'],
  ['BAKEN_MQTT_PUBLIC_URLS', ['mqtt', 'publicUrls'], 'list'],
  ['BAKEN_MOSQUITTO_PASSWORD_FILE', ['mqtt', 'mosquittoPasswordFile'], 'string'],
  ['BAKEN_MOSQUITTO_PID_FILE', ['mqtt', 'mosquittoPidFile'], 'string'],
  ['BAKEN_BROKER', ['mqtt', 'broker'], 'string'],
  ['BAKEN_RABBITMQ_AMQP_URLS', ['mqtt', 'rabbitmq', 'amqpUrls'], 'list'],
  ['BAKEN_RABBITMQ_MANAGEMENT_URL', ['mqtt', 'rabbitmq', 'managementUrl'], 'string'],
  ['BAKEN_MQTT_MAX_PACKET_BYTES', ['mqtt', 'limits', 'maxPacketBytes'], 'int'],
  ['BAKEN_MQTT_PUBLISH_RATE_PER_S', ['mqtt', 'limits', 'publishRatePerS'], 'int'],
  ['BAKEN_MQTT_PUBLISH_BURST', ['mqtt', 'limits', 'publishBurst'], 'int'],
  ['BAKEN_METRICS_HOST', ['metrics', 'host'], 'string'],
  ['BAKEN_METRICS_PORT', ['metrics', 'port'], 'int'],
  ['BAKEN_METRICS_TOKEN', ['metrics', 'token'], 'string'],
  ['BAKEN_DC09_HOST', ['dc09', 'host'], 'string'],
  ['BAKEN_DC09_PORT', ['dc09', 'port'], 'int'],
  ['BAKEN_DC09_ACK_TIMEOUT_S', ['dc09', 'ackTimeoutS'], 'int'],
  ['BAKEN_DC09_RETRY_DELAY_S', ['dc09', 'retryDelayS'], 'int'],
  ['BAKEN_DC09_ATTEMPTS_PER_RECEIVER', ['dc09', 'attemptsPerReceiver'], 'int'],
  ['BAKEN_DATA_DIR', ['dataDir'], 'string'],
  ['BAKEN_DATABASE', ['database'], 'string'],
  ['BAKEN_DATABASE_URL', ['databaseUrl'], 'string'],
  ['BAKEN_PUSH_SUBJECT', ['push', 'subject'], 'string'],
  ['BAKEN_HEARTBEAT_INTERVAL_S', ['heartbeatIntervalS'], 'int'],
  ['BAKEN_LOG_LEVEL', ['logLevel'], 'string'],
  ['BAKEN_LOCALE', ['i18n', 'locale'], 'string'],
  ['BAKEN_TIME_ZONE', ['i18n', 'timeZone'], 'string'],
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function parseEnvValue(name: string, raw: string, kind: 'int' | 'bool' | 'string' | 'list'): unknown {
  if (kind === 'string') return raw;
  if (kind === 'list')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (kind === 'bool') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw configError([{ field: name, message: `must be true or false, got "${raw}"` }]);
  }
  if (!/^-?\d+$/.test(raw.trim()))
    throw configError([{ field: name, message: `must be an integer, got "${raw}"` }]);
  return Number(raw);
}

/** One `BAKEN_ERR_CONFIG` naming every offending field (never its value, which may be a secret). */
export function configError(details: ErrorDetail[]): BakenError {
  const list = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  return new BakenError('BAKEN_ERR_CONFIG', 500, `Invalid configuration — ${list}`, { details });
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/**
 * Builds and validates the configuration. `BAKEN_CONFIG` (or `opts.file`) names an optional JSON
 * file. Errors are `BAKEN_ERR_CONFIG` and name each offending field (file path or env variable).
 */
export function loadConfig(
  opts: { env?: Env; file?: string; overrides?: Record<string, unknown> } = {},
): ServerConfig {
  const env = opts.env ?? process.env;
  let merged = defaultConfig() as unknown as Record<string, unknown>;
  const file = opts.file ?? env['BAKEN_CONFIG'];
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw configError([
        { field: 'BAKEN_CONFIG', message: `cannot read JSON file ${file}: ${(e as Error).message}` },
      ]);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw configError([{ field: 'BAKEN_CONFIG', message: 'the file must hold a JSON object' }]);
    merged = deepMerge(merged, parsed as Record<string, unknown>);
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, path, kind] of ENV_MAP) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') setPath(fromEnv, path, parseEnvValue(name, raw, kind));
  }
  merged = deepMerge(merged, fromEnv);
  if (opts.overrides) merged = deepMerge(merged, opts.overrides);
  return validateConfig(merged);
}

export function validateConfig(candidate: unknown): ServerConfig {
  if (Value.Check(ServerConfigSchema, candidate)) {
    const { N } = candidate.auth.scrypt;
    if ((N & (N - 1)) !== 0)
      throw configError([{ field: '/auth/scrypt/N', message: `must be a power of two, got ${N}` }]);
    if (candidate.database === 'postgres' && candidate.databaseUrl === undefined)
      throw configError([
        {
          field: '/databaseUrl (BAKEN_DATABASE_URL)',
          message: 'is required when database is postgres (postgres://user:password@host:5432/db)',
        },
      ]);
    if (candidate.database === 'sqlite' && candidate.databaseUrl !== undefined)
      throw configError([
        {
          field: '/database (BAKEN_DATABASE)',
          message: 'is sqlite but a database URL is set: set it to postgres, or unset the URL',
        },
      ]);
    if (candidate.mqtt.broker === 'rabbitmq' && !candidate.mqtt.rabbitmq)
      throw configError([
        {
          field: '/mqtt/rabbitmq (BAKEN_RABBITMQ_AMQP_URLS, BAKEN_RABBITMQ_MANAGEMENT_URL)',
          message: 'required when the broker is rabbitmq',
        },
      ]);
    if (candidate.mqtt.broker === 'rabbitmq' && !candidate.mqtt.publicUrls)
      throw configError([
        {
          field: '/mqtt/publicUrls (BAKEN_MQTT_PUBLIC_URLS)',
          message: "the nodes' MQTT addresses for gateways are required when the broker is rabbitmq",
        },
      ]);
    if (candidate.mqtt.broker === 'rabbitmq' && (!candidate.mqtt.username || !candidate.mqtt.password))
      throw configError([
        {
          field: '/mqtt/username, /mqtt/password (BAKEN_MQTT_USERNAME, BAKEN_MQTT_PASSWORD)',
          message: "the server's own RabbitMQ user is required when the broker is rabbitmq",
        },
      ]);
    if (!isTimeZone(candidate.i18n.timeZone))
      throw configError([
        {
          field: '/i18n/timeZone (BAKEN_TIME_ZONE)',
          message: `unknown time zone "${candidate.i18n.timeZone}"`,
        },
      ]);
    return candidate;
  }
  const envByPath = new Map(ENV_MAP.map(([name, path]) => [`/${path.join('/')}`, name]));
  const details: ErrorDetail[] = [...Value.Errors(ServerConfigSchema, candidate)].map((e) => {
    const env = envByPath.get(e.path);
    return { field: env ? `${e.path} (${env})` : e.path || '/', message: e.message };
  });
  throw configError(details);
}
