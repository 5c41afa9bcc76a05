/**
 * What the server's modules use of "the broker": subscribe to gateway uplink, publish downlink.
 * Two bindings (docs/adr/0001-clustered-broker.md):
 * - `ServerMqttClient` (`../server-client.ts`): an MQTT client of the embedded aedes or of an
 *   external Mosquitto — one server process sees every message;
 * - `RabbitUplink` (`../rabbitmq/rabbitmq-uplink.ts`): server instances as competing consumers of
 *   one RabbitMQ quorum queue — each message reaches one instance.
 */

/**
 * Handles one message. For a queue-backed binding the message is acknowledged to the broker only
 * when the handler is done: when its promise resolves, or — for a handler that returns no promise —
 * after the event-loop turn it ran in has ended (ingest stores and acks a turn's messages in one
 * transaction at the end of that turn: `modules/ingest/turn-batcher.ts`). A handler that throws or
 * rejects leaves the message to be delivered again (to this or another instance).
 */
export type UplinkHandler = (topic: string, payload: Buffer) => unknown;

export interface BrokerPublishOptions {
  qos?: 0 | 1;
  /** Honoured by MQTT bindings; RabbitMQ's retained store is per node, so the queue binding cannot. */
  retain?: boolean;
}

export interface BrokerClient {
  /** Whether the binding is connected to its broker now. */
  readonly connected: boolean;
  /** Delivers messages whose topic matches `filter` (MQTT `+`/`#` wildcards) to `fn`. */
  subscribe(filter: string, fn: UplinkHandler, qos?: 0 | 1): Promise<void>;
  /** Resolves when the broker has taken the message (PUBACK or publisher confirm). */
  publish(topic: string, payload: string | Buffer, opts?: BrokerPublishOptions): Promise<void>;
  close(): Promise<void>;
}
