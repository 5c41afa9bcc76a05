/** Web sessions and API tokens. Only SHA-256 hashes of the random secrets are stored. */
export interface Session {
  idHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface SessionsRepository {
  create(session: Session): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findValid(idHash: string, now: number): Promise<Session | null>;
  delete(idHash: string): Promise<void>;
  deleteForUser(userId: string): Promise<void>;
  purgeExpired(now: number): Promise<number>;
}

export interface ApiTokensRepository {
  create(token: ApiToken & { tokenHash: string }): Promise<void>;
  /** The token if it exists, is not revoked and not expired at `now`; marks it used. */
  useValid(tokenHash: string, now: number): Promise<ApiToken | null>;
  listForUser(userId: string): Promise<ApiToken[]>;
  revoke(id: string, userId: string, now: number): Promise<boolean>;
}
