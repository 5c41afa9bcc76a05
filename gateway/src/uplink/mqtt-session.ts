import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export interface SessionOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM CA bundle for mqtts:// to a private CA; system CAs otherwise. */
  ca?: string | Buffer;
  keepaliveS: number;
  connectTimeoutMs: number;
  will?: { topic: string; payload: string; qos: 0 | 1; retain: boolean };
}

/**
 * One MQTT connection, made once (mqtt.js's own reconnect is off: `reconnectPeriod: 0`; the uplink
 * drives reconnects on the injected clock). TLS is used exactly when the URL says `mqtts://`
 * (mqtt.js picks the transport from the scheme) and the server certificate is always verified.
 *
 * Resolves with a connected client; rejects when the broker refuses (bad credentials), is
 * unreachable, or does not answer within `connectTimeoutMs`. The rejected client is already ended.
 */
export function openSession(opts: SessionOptions): Promise<MqttClient> {
  const options: IClientOptions = {
    clientId: opts.clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    keepalive: opts.keepaliveS,
    connectTimeout: opts.connectTimeoutMs,
    rejectUnauthorized: true,
  };
  if (opts.username !== undefined) options.username = opts.username;
  if (opts.password !== undefined) options.password = opts.password;
  if (opts.ca !== undefined) options.ca = opts.ca;
  if (opts.will) options.will = { ...opts.will };
  return new Promise((resolve, reject) => {
    let client: MqttClient;
    try {
      client = connect(opts.url, options);
    } catch (err) {
      reject(err);
      return;
    }
    const fail = (err: Error): void => {
      cleanup();
      client.end(true);
      reject(err);
    };
    const onError = (err: Error): void => fail(err);
    const onClose = (): void => fail(new Error('connection closed before CONNACK'));
    const onConnect = (): void => {
      cleanup();
      resolve(client);
    };
    const cleanup = (): void => {
      client.off('error', onError);
      client.off('close', onClose);
      client.off('connect', onConnect);
    };
    client.on('error', onError);
    client.on('close', onClose);
    client.on('connect', onConnect);
  });
}
