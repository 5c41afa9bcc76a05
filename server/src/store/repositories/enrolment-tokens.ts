/** One-time, expiring tokens a technician creates for a home; stored hashed. */
export interface EnrolmentToken {
  id: string;
  homeId: string;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  gatewayId: string | null;
}

export interface EnrolmentTokensRepository {
  create(t: EnrolmentToken & { tokenHash: string }): Promise<void>;
  /**
   * Burns the token atomically: succeeds once, only when unused and not expired at `now`.
   * Returns the token (with `usedAt` set) or null.
   */
  redeem(tokenHash: string, now: number): Promise<EnrolmentToken | null>;
  attachGateway(id: string, gatewayId: string): Promise<void>;
  listForHome(homeId: string): Promise<EnrolmentToken[]>;
}
