/**
 * The roles of the chain (REQUIREMENTS §9.3), and `informal_carer`: a client's family member or
 * neighbour in the follow-up chain (followup/README.md). `client` users are bound to one client record (their own home).
 */
export const ROLES = ['admin', 'technician', 'monitor', 'care_worker', 'client', 'informal_carer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Set for `client` users: the client (and so the homes) they may see. */
  clientId: string | null;
  /** Temporary staff: access ends by itself after this instant (epoch ms). */
  validUntil: number | null;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface UserWithSecret extends User {
  passwordHash: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  clientId?: string | null;
  validUntil?: number | null;
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  passwordHash?: string;
  clientId?: string | null;
  validUntil?: number | null;
  disabled?: boolean;
}

export interface UsersRepository {
  count(): Promise<number>;
  create(user: NewUser, now: number): Promise<User>;
  get(id: string): Promise<User | null>;
  /** Case-insensitive lookup, with the password hash, for login only. */
  findForLogin(username: string): Promise<UserWithSecret | null>;
  list(): Promise<User[]>;
  update(id: string, patch: UserPatch, now: number): Promise<User | null>;
  delete(id: string): Promise<boolean>;
}
