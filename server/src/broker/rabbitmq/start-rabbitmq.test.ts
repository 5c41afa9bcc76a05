import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { withCredentials } from './start-rabbitmq.js';

describe('clustered broker configuration', () => {
  const env = {
    BAKEN_BROKER: 'rabbitmq',
    BAKEN_RABBITMQ_AMQP_URLS: 'amqp://10.0.0.1:5672, amqp://10.0.0.2:5672',
    BAKEN_RABBITMQ_MANAGEMENT_URL: 'http://10.0.0.1:15672',
    BAKEN_MQTT_USERNAME: 'baken-server',
    BAKEN_MQTT_PASSWORD: 's3cret',
    BAKEN_MQTT_PUBLIC_URLS: 'mqtts://mqtt.example.org:8883',
  };

  it('reads the broker choice and the nodes from the environment', () => {
    const c = loadConfig({ env });
    expect(c.mqtt.broker).toBe('rabbitmq');
    expect(c.mqtt.rabbitmq).toEqual({
      amqpUrls: ['amqp://10.0.0.1:5672', 'amqp://10.0.0.2:5672'],
      managementUrl: 'http://10.0.0.1:15672',
    });
  });

  it('keeps the embedded broker when nothing is said', () => {
    expect(loadConfig({ env: {} }).mqtt.broker).toBeUndefined();
  });

  it.each([
    ['the nodes', 'BAKEN_RABBITMQ_AMQP_URLS'],
    ['the server user', 'BAKEN_MQTT_PASSWORD'],
    ['the gateways’ addresses', 'BAKEN_MQTT_PUBLIC_URLS'],
  ])('refuses rabbitmq without %s', (_what, missing) => {
    const e: Record<string, string | undefined> = { ...env, [missing]: undefined };
    if (missing === 'BAKEN_RABBITMQ_AMQP_URLS') e['BAKEN_RABBITMQ_MANAGEMENT_URL'] = undefined;
    expect(() => loadConfig({ env: e })).toThrow(expect.objectContaining({ code: 'BAKEN_ERR_CONFIG' }));
  });

  it('refuses credentials inside an AMQP URL (they come from the server user, never from a URL)', () => {
    expect(() => loadConfig({ env: { ...env, BAKEN_RABBITMQ_AMQP_URLS: 'amqp://u:p@10.0.0.1' } })).toThrow(
      expect.objectContaining({ code: 'BAKEN_ERR_CONFIG' }),
    );
  });

  it('puts the server user into each node URL, escaped', () => {
    expect(withCredentials('amqp://10.0.0.1:5672/baken', 'baken-server', 'p@ss/w:rd')).toBe(
      'amqp://baken-server:p%40ss%2Fw%3Ard@10.0.0.1:5672/baken',
    );
  });
});
