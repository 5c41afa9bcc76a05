import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.js';
import { GatewayError } from '../errors.js';
import { type Credentials, CredentialsSchema, type GatewayConfig, GatewayConfigSchema } from './schema.js';
import { validateAgainst } from './validate.js';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GatewayError('BAKEN_ERR_CONFIG', `cannot read ${what} ${path}: ${code ?? String(err)}`, {
      path,
      code,
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GatewayError(
      'BAKEN_ERR_CONFIG',
      `${what} ${path} is not valid JSON: ${(err as Error).message}`,
      {
        path,
      },
    );
  }
}

/** Reads and validates the configuration file; defaults filled in. */
export function loadConfig(path: string): GatewayConfig {
  return parseConfig(readJson(path, 'config file'), `config file ${path}`);
}

export function parseConfig(raw: unknown, source = 'config'): GatewayConfig {
  const config = validateAgainst<GatewayConfig>(GatewayConfigSchema, raw, source);
  if (config.mqtt.backoffMaxMs < config.mqtt.backoffInitialMs) {
    throw new GatewayError(
      'BAKEN_ERR_CONFIG',
      `${source} is invalid:\n  mqtt.backoffMaxMs: must be ≥ mqtt.backoffInitialMs`,
      {
        source,
        fields: ['mqtt.backoffMaxMs'],
      },
    );
  }
  return config;
}

/** Reads the credentials file written by `provision`; refuses one readable by group or others. */
export function loadCredentials(path: string): Credentials {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    throw new GatewayError(
      'BAKEN_ERR_CREDENTIALS',
      `no credentials at ${path}: run \`baken-gateway provision --server URL --token T\` first`,
      { path },
    );
  }
  if ((mode & 0o077) !== 0) {
    throw new GatewayError(
      'BAKEN_ERR_CREDENTIALS',
      `credentials file ${path} is readable by others (mode ${mode.toString(8)}): run \`chmod 600 ${path}\``,
      { path, mode },
    );
  }
  try {
    return validateAgainst<Credentials>(
      CredentialsSchema,
      readJson(path, 'credentials file'),
      `credentials file ${path}`,
    );
  } catch (err) {
    if (err instanceof GatewayError)
      throw new GatewayError('BAKEN_ERR_CREDENTIALS', err.message, err.detail as Record<string, unknown>);
    throw err;
  }
}

/** Writes the credentials with `writeFileAtomic`, mode 0600: the password is never readable by others. */
export function saveCredentials(path: string, credentials: Credentials): void {
  writeFileAtomic(path, `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
}
