import type { Locale } from '../../../i18n/index.js';

/**
 * How a person is told they are asked to go to an alarm (docs/notification-channels.md). A channel
 * is one way to reach people (Web Push first; an SMS or voice gateway next); the follow-up chain
 * never knows which. Messages carry no secret: no code, no token.
 */
export interface Notification {
  /** Short, for a lock screen: "Alarm at Dorpsstraat 1". In the deployment's language. */
  title: string;
  body: string;
  /** Title and body per language (`nl`, `en`): a device gets the one its owner chose. */
  inLanguage?: Partial<Record<Locale, { title: string; body: string }>>;
  /** Where the app opens when tapped (same origin path). */
  url: string;
  alarmId: string;
  /** Replaces an earlier notification of the same alarm on the device. */
  tag: string;
  /** Seconds after which the message is worthless (the offer ran out). */
  ttlSeconds: number;
}

export interface DeliveryResult {
  channel: string;
  /** Devices or numbers that took the message (a push service's 201, a gateway's accept). */
  delivered: number;
  failed: number;
}

/**
 * Contract: `send` never throws and never logs the message or an address; it resolves once every
 * device of the person was tried. A person with no device on this channel gives `delivered: 0`.
 */
export interface NotificationChannel {
  readonly name: string;
  send(userId: string, n: Notification): Promise<DeliveryResult>;
}

/** Sends through every channel in turn; the results per channel. */
export class Notifier {
  constructor(private readonly channels: readonly NotificationChannel[]) {}

  async notify(userId: string, n: Notification): Promise<DeliveryResult[]> {
    const out: DeliveryResult[] = [];
    for (const c of this.channels) out.push(await c.send(userId, n));
    return out;
  }
}
