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
});
