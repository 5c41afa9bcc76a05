/**
 * What the server's modules use of "the broker": subscribe to gateway uplink, publish downlink.
 * Two bindings (docs/adr/0001-clustered-broker.md):
 * - `ServerMqttClient` (`../server-client.ts`): an MQTT client of the embedded aedes or of an
 *   external Mosquitto — one server process sees every message;
 * - `RabbitUplink` (`../rabbitmq/rabbitmq-uplink.ts`): server instances as competing consumers of
 *   one RabbitMQ quorum queue — each message reaches one instance.
 */

/**
 * Handles one message. For a queue-backed binding ({@link BrokerClient.acksAfterHandler}) the
 * message is acknowledged to the broker only when the handler is done: when its promise resolves —
 * ingest returns the promise of the turn holding the message, settled once that turn's transaction
 * has committed or rolled back (`modules/ingest/turn-batcher.ts`) — or, for a handler that returns
 * no promise, after the event-loop turn it ran in has ended. A handler that throws or rejects leaves
 * the message to be delivered again (to this or another instance).
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
  /**
   * True for a queue-backed binding, which acks a message when its handler's promise settles: a
   * handler should then return one that settles at its commit. The MQTT bindings do not wait for it
   * (their delivery, and aedes' flow per client, go on as soon as the handler returns).
   */
  readonly acksAfterHandler?: boolean;
  /** Delivers messages whose topic matches `filter` (MQTT `+`/`#` wildcards) to `fn`. */
  subscribe(filter: string, fn: UplinkHandler, qos?: 0 | 1): Promise<void>;
  /** Resolves when the broker has taken the message (PUBACK or publisher confirm). */
  publish(topic: string, payload: string | Buffer, opts?: BrokerPublishOptions): Promise<void>;
  close(): Promise<void>;
}
