import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { BakenError } from './errors.js';

describe('loadConfig', () => {
  it('reads ports and the external broker from the environment', () => {
    const c = loadConfig({
      env: {
        BAKEN_HTTP_PORT: '9000',
        BAKEN_MQTT_PORT: '0',
        BAKEN_MQTT_URL: 'mqtt://broker:1883',
        BAKEN_DATA_DIR: '/d',
      },
    });
    expect(c.http.port).toBe(9000);
    expect(c.mqtt.port).toBe(0);
    expect(c.mqtt.url).toBe('mqtt://broker:1883');
    expect(c.dataDir).toBe('/d');
  });

  it('names the env variable when a value is not an integer', () => {
    expect(() => loadConfig({ env: { BAKEN_HTTP_PORT: 'eighty' } })).toThrow(/BAKEN_HTTP_PORT/);
  });

  it('names the field when a value is out of range', () => {
    try {
      loadConfig({ env: { BAKEN_HTTP_PORT: '70000' } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BakenError);
      expect((e as BakenError).code).toBe('BAKEN_ERR_CONFIG');
      expect((e as BakenError).message).toContain('/http/port (BAKEN_HTTP_PORT)');
    }
  });

  it('rejects unknown fields and bad URLs', () => {
    expect(() => loadConfig({ env: {}, overrides: { bogus: 1 } })).toThrow(/BAKEN_ERR|bogus|Invalid/);
    expect(() => loadConfig({ env: { BAKEN_MQTT_URL: 'http://x' } })).toThrow(/BAKEN_MQTT_URL/);
  });

  it('keeps SQLite by default and takes PostgreSQL with its URL from the environment', () => {
    expect(loadConfig({ env: {} }).database).toBe('sqlite');
    const c = loadConfig({
      env: { BAKEN_DATABASE: 'postgres', BAKEN_DATABASE_URL: 'postgres://baken:pw@db:5432/baken' },
    });
    expect(c.database).toBe('postgres');
    expect(c.databaseUrl).toBe('postgres://baken:pw@db:5432/baken');
  });

  it('asks for the URL with postgres, refuses a URL with sqlite, and never echoes the URL', () => {
    expect(() => loadConfig({ env: { BAKEN_DATABASE: 'postgres' } })).toThrow(/BAKEN_DATABASE_URL/);
    expect(() => loadConfig({ env: { BAKEN_DATABASE_URL: 'postgres://baken:s3cret@db/baken' } })).toThrow(
      /BAKEN_DATABASE\b/,
    );
    expect(() => loadConfig({ env: { BAKEN_DATABASE: 'mysql' } })).toThrow(/BAKEN_DATABASE/);
    for (const env of [
      { BAKEN_DATABASE: 'postgres', BAKEN_DATABASE_URL: 'mysql://baken:s3cret@db/baken' },
      { BAKEN_DATABASE_URL: 'postgres://baken:s3cret@db/baken' },
    ]) {
      let message = '';
      try {
        loadConfig({ env });
      } catch (e) {
        message = JSON.stringify({ m: (e as BakenError).message, d: (e as BakenError).details });
      }
      expect(message).toMatch(/BAKEN_DATABASE/);
      expect(message).not.toContain('s3cret');
    }
  });
});
