export interface InformalCarer {
  id: string;
  clientId: string;
  name: string;
  relation: string | null;
  position: number;
  /** Set once the carer accepted the invitation (their own account, role `informal_carer`). */
  userId: string | null;
  createdAt: number;
  acceptedAt: number | null;
}

/**
 * A client's informal carers in the client's order, and their one-time invitations: only a hash
 * of the token is stored; it is burnt on first use and expires. Bindings: SQLite (`sqlite-carers.ts`)
 * and PostgreSQL (`pg-carer-store.ts`); the contract is `testing/followup-contract.ts`.
 */
export interface CarerStore {
  list(clientId: string): Promise<InformalCarer[]>;
  get(id: string): Promise<InformalCarer | undefined>;
  /** The carer records of one account (a person may be the carer of several clients). */
  ofUser(userId: string): Promise<InformalCarer[]>;
  /** Appends the carer at the end of the client's order. */
  add(
    c: { clientId: string; name: string; relation: string | null; by: string },
    now: number,
  ): Promise<InformalCarer>;
  /** Sets the order: `ids` must be exactly the client's current carers. False when they are not. */
  reorder(clientId: string, ids: readonly string[]): Promise<boolean>;
  remove(id: string, now: number): Promise<void>;
  /** A new invitation; earlier unused ones of the same carer stop working. */
  invite(carerId: string, tokenHash: string, by: string, now: number, expiresAt: number): Promise<void>;
  /**
   * Burns an unused, unexpired invitation and returns its carer; undefined otherwise. One
   * conditional statement: of two redeeming the same token at once, one gets the carer.
   */
  redeem(tokenHash: string, now: number): Promise<InformalCarer | undefined>;
  /** Until when an unused invitation of the carer is still open, or null. */
  openInvitation(carerId: string, now: number): Promise<number | null>;
  linkUser(carerId: string, userId: string, now: number): Promise<void>;
}
