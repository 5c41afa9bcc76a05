import { connect, type Socket } from 'node:net';
import { availabilityWill, topicFor } from '@baken/protocols';
import {
  connectPacket,
  DISCONNECT,
  PacketReader,
  PacketType,
  PINGREQ,
  pubackPacket,
  publishPacket,
  readPublish,
  subscribePacket,
} from './mqtt-wire.js';

export interface LeanHomeOptions {
  host: string;
  port: number;
  gatewayId: string;
  password: string;
  /** Register the gateway's last will [MQTT-MAP §4.4]. */
  will?: boolean;
  /** Called with the ids of every app-level ack [MQTT-MAP §4.2]. */
  onAck?: (ids: string[]) => void;
  /** Called with the message id of every PUBACK. */
  onPuback?: (messageId: number) => void;
  onClose?: () => void;
}

/**
 * One simulated home unit over a raw socket with Nagle off: the gateway's topics (`topicFor`), its
 * last will (`availabilityWill`), QoS 1 events answered by the server's `ack` topic. It keeps no
 * queue: what a caller writes goes straight to the socket.
 */
export class LeanHome {
  socket: Socket | undefined;
  connected = false;
  private nextId = 1;
  readonly eventsTopic: string;
  readonly heartbeatTopic: string;

  constructor(readonly o: LeanHomeOptions) {
    this.eventsTopic = topicFor('events', o.gatewayId);
    this.heartbeatTopic = topicFor('heartbeat', o.gatewayId);
  }

  /** Connects; with `subscribeAcks`, resolves only once the ack topic is subscribed. */
  connect(subscribeAcks: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect(this.o.port, this.o.host);
      this.socket = s;
      s.setNoDelay(true);
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      };
      const reader = new PacketReader((type, flags, body) => {
        if (type === PacketType.Connack) {
          if (body[1] !== 0) return settle(new Error(`CONNACK refused (${body[1]})`));
          this.connected = true;
          if (!subscribeAcks) return settle();
          s.write(subscribePacket(1, topicFor('ack', this.o.gatewayId), 1));
        } else if (type === PacketType.Suback) {
          settle();
        } else if (type === PacketType.Pingresp) {
          const w = this.pongs.shift();
          w?.();
        } else if (type === PacketType.Puback) {
          this.o.onPuback?.(body.readUInt16BE(0));
        } else if (type === PacketType.Publish) {
          const p = readPublish(flags, body);
          if (p.messageId !== undefined) s.write(pubackPacket(p.messageId));
          if (this.o.onAck && p.topic.endsWith('/ack')) {
            try {
              this.o.onAck((JSON.parse(p.payload.toString('utf8')) as { ids: string[] }).ids);
            } catch {
              // not an ack payload; the bench counts only acks it can read
            }
          }
        }
      });
      s.on('data', (c: Buffer) => reader.push(c));
      s.on('error', (e) => settle(e));
      s.on('close', () => {
        const was = this.connected;
        this.connected = false;
        settle(new Error('closed before CONNACK'));
        if (was) this.o.onClose?.();
      });
      s.on('connect', () => {
        const will = this.o.will ? availabilityWill(this.o.gatewayId) : undefined;
        s.write(
          connectPacket({
            clientId: this.o.gatewayId,
            username: this.o.gatewayId,
            password: this.o.password,
            keepAliveS: 60,
            ...(will ? { will: { topic: will.topic, payload: will.payload } } : {}),
          }),
        );
      });
    });
  }

  /** Publishes a QoS 1 event; returns its MQTT message id. */
  publishEvent(payload: string): number {
    const id = this.nextId;
    this.nextId = id >= 65_535 ? 1 : id + 1;
    this.socket?.write(publishPacket(this.eventsTopic, payload, id));
    return id;
  }

  publishHeartbeat(payload: string): void {
    this.socket?.write(publishPacket(this.heartbeatTopic, payload));
  }

  publishRetained(topic: string, payload: string): void {
    this.socket?.write(publishPacket(topic, payload, this.nextId++, true));
  }

  private readonly pongs: Array<() => void> = [];

  ping(): void {
    if (this.connected) this.socket?.write(PINGREQ);
  }

  /**
   * A barrier: resolves on the PINGRESP to a PINGREQ written now, which the broker sends only
   * after it has handled everything this client wrote before it (packets are processed in order).
   */
  pingAwait(): Promise<void> {
    if (!this.connected) return Promise.resolve();
    return new Promise((resolve) => {
      this.pongs.push(resolve);
      this.socket?.write(PINGREQ);
    });
  }

  /** A clean DISCONNECT: the broker discards the will [MQTT-3.14.4-3]. */
  disconnect(): void {
    this.socket?.end(DISCONNECT);
  }

  /** The link drops without DISCONNECT: the broker publishes the will. */
  drop(): void {
    this.socket?.destroy();
  }
}
