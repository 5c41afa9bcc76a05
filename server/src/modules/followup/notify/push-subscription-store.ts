import type { Locale } from '../../../i18n/index.js';

/** A browser's push subscription [RFC 8030 §5, RFC 8291 §3]: where to post and the keys to encrypt for. */
export interface PushSubscription {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string | null;
  /** The language the person chose on this device; null = the deployment's default. */
  lang: Locale | null;
  createdAt: number;
  lastSuccessAt: number | null;
  failures: number;
}

/**
 * Push subscriptions per person and device (one per endpoint; a re-subscribe replaces it, in one
 * `INSERT … ON CONFLICT`). Bindings: SQLite (`sqlite-push-subscriptions.ts`) and PostgreSQL
 * (`pg-push-subscriptions.ts`); the contract is `../testing/followup-contract.ts`.
 */
export interface PushSubscriptionStore {
  upsert(
    s: Pick<PushSubscription, 'userId' | 'endpoint' | 'p256dh' | 'auth' | 'label' | 'lang'>,
    now: number,
  ): Promise<PushSubscription>;
  /** Oldest first. */
  ofUser(userId: string): Promise<PushSubscription[]>;
  /** Deletes a person's own subscription; false when it is not theirs or does not exist. */
  delete(id: string, userId: string): Promise<boolean>;
  /** The push service said the subscription is gone (404/410): it is of no use any more. */
  drop(id: string): Promise<void>;
  markResult(id: string, ok: boolean, now: number): Promise<void>;
}
