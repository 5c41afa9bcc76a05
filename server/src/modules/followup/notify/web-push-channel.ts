import webpush from 'web-push';
import type { Clock } from '../../../clock.js';
import type { DeliveryResult, Notification, NotificationChannel } from './channel.js';
import type { PushSubscription, PushSubscriptionStore } from './push-subscription-store.js';
import type { VapidKeys } from './vapid-keys.js';

export interface WebPushOptions {
  vapid: VapidKeys;
  /** VAPID `sub`: an https: URL or mailto: address of whoever runs the server [RFC 8292 §2.1]. */
  subject: string;
  /** Posts one request to a push service; `fetch` in production (a test may point it anywhere). */
  post?: (
    url: string,
    init: { method: string; headers: Record<string, string>; body: Buffer | null },
  ) => Promise<{ status: number }>;
}

/** What the service worker receives (`sw.js`): JSON, encrypted end to end [RFC 8291]. */
export type PushPayload = Pick<Notification, 'title' | 'body' | 'url' | 'alarmId' | 'tag'>;

const defaultPost: NonNullable<WebPushOptions['post']> = async (url, init) => {
  const r = await fetch(url, { ...init, body: init.body ?? null, signal: AbortSignal.timeout(15_000) });
  await r.body?.cancel();
  return { status: r.status };
};

/**
 * Web Push [RFC 8030]: the payload encrypted with `aes128gcm` for the subscription's keys
 * [RFC 8291], a VAPID JWT [RFC 8292], `Urgency: high` and a TTL of the offer's time, built by the
 * `web-push` library; posted with `fetch`. A 404/410 answer means the subscription is gone: it is
 * deleted. Never throws; logs nothing (the endpoint is a capability URL).
 */
export class WebPushChannel implements NotificationChannel {
  readonly name = 'webpush';
  private readonly post: NonNullable<WebPushOptions['post']>;

  constructor(
    private readonly subs: PushSubscriptionStore,
    private readonly clock: Clock,
    private readonly opts: WebPushOptions,
  ) {
    this.post = opts.post ?? defaultPost;
  }

  async send(userId: string, n: Notification): Promise<DeliveryResult> {
    const result = { channel: this.name, delivered: 0, failed: 0 };
    for (const s of await this.subs.ofUser(userId)) {
      // in the language the person chose on this device [README.md §Notifications]
      const text = (s.lang !== null ? n.inLanguage?.[s.lang] : undefined) ?? n;
      const payload: PushPayload = {
        title: text.title,
        body: text.body,
        url: n.url,
        alarmId: n.alarmId,
        tag: n.tag,
      };
      const ok = await this.sendOne(s, JSON.stringify(payload), n.ttlSeconds);
      if (ok) result.delivered++;
      else result.failed++;
    }
    return result;
  }

  private async sendOne(s: PushSubscription, body: string, ttl: number): Promise<boolean> {
    try {
      const req = webpush.generateRequestDetails(
        { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
        body,
        {
          vapidDetails: { subject: this.opts.subject, ...this.opts.vapid },
          TTL: Math.max(0, Math.round(ttl)),
          urgency: 'high',
          contentEncoding: 'aes128gcm',
        },
      );
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = String(v);
      const r = await this.post(req.endpoint, {
        method: 'POST',
        headers,
        body: (req.body as Buffer | null) ?? null,
      });
      if (r.status === 404 || r.status === 410) {
        await this.subs.drop(s.id);
        return false;
      }
      const ok = r.status >= 200 && r.status < 300;
      await this.subs.markResult(s.id, ok, this.clock.now());
      return ok;
    } catch {
      await this.subs.markResult(s.id, false, this.clock.now());
      return false;
    }
  }
}
