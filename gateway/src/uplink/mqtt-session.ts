import { isIP, createConnection as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connect, type IClientOptions, MqttClient } from 'mqtt';

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
    // mqtt-packet otherwise keeps a 2-byte Buffer for each of the 65,536 packet ids and lengths it
    // may write: 6 MB of V8 heap on the home unit, made at the first packet (docs/scaling.md, gateway)
    writeCache: false,
  };
  if (opts.username !== undefined) options.username = opts.username;
  if (opts.password !== undefined) options.password = opts.password;
  if (opts.ca !== undefined) options.ca = opts.ca;
  if (opts.will) options.will = { ...opts.will };
  let client: MqttClient;
  try {
    client = createClient(opts.url, options);
  } catch (err) {
    return Promise.reject(err);
  }
  return awaitConnack(client);
}

/**
 * mqtt:// and mqtts:// over node:net / node:tls with mqtt.js's `MqttClient` alone: mqtt.js's
 * `connect()` loads every transport it knows on its first call (WebSocket, SOCKS, …, ~3 MB of RSS
 * on the home unit). ws:// and wss:// (allowed by the config schema) still go through `connect()`.
 * TLS as mqtt.js does it: SNI for host names, the certificate verified, a TLS error ends the client.
 */
function createClient(url: string, options: IClientOptions): MqttClient {
  const u = new URL(url);
  if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') {
    return connect(url, options);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const tls = u.protocol === 'mqtts:';
  const port = u.port === '' ? (tls ? 8883 : 1883) : Number(u.port);
  return new MqttClient((client) => {
    if (!tls) return netConnect({ host, port });
    const socket = tlsConnect({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: true,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    const onTlsError = (err: Error): void => {
      client.emit('error', err);
      socket.end();
    };
    socket.on('error', onTlsError);
    socket.on('secureConnect', () => {
      if (!socket.authorized) socket.emit('error', new Error('TLS not authorized'));
      else socket.removeListener('error', onTlsError);
    });
    return socket;
  }, options);
}

function awaitConnack(client: MqttClient): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      cleanup();
      // A failed client can still emit: a TLS error reaches it twice (our socket handler and
      // mqtt.js's stream handler both forward it), and `end(true)` races the CONNACK timer. An
      // 'error' with no listener would throw and take the whole gateway down.
      client.on('error', ignoreLateError);
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

function ignoreLateError(): void {
  // the attempt already failed with the first error; the uplink reported that one
}
