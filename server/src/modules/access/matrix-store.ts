import type { FunctionFacts, Situation, WeeklyWindow } from './decide-access.js';

export interface AccessFunction extends FunctionFacts {
  description: string;
}
export interface Team {
  id: string;
  name: string;
  clientIds: string[];
  regions: string[];
  memberIds: string[];
}
export interface Declaration {
  id: string;
  userId: string;
  signedAt: number;
  documentRef: string;
  recordedBy: string | null;
  recordedAt: number;
}

/**
 * The function access matrix (REQUIREMENTS §9.3), async with a SQLite and a PostgreSQL binding: functions with their windows per situation,
 * teams with the clients and areas (regions) they serve and their members, employees' functions,
 * signed declarations, reviews and blocks.
 */
export interface MatrixStore {
  createFunction(
    f: { name: string; description?: string; windows: Partial<Record<Situation, WeeklyWindow[]>> },
    now: number,
  ): Promise<AccessFunction>;
  setFunctionWindows(
    id: string,
    windows: Partial<Record<Situation, WeeklyWindow[]>>,
  ): Promise<AccessFunction | null>;
  getFunction(id: string): Promise<AccessFunction | null>;
  listFunctions(ids?: string[]): Promise<AccessFunction[]>;
  createTeam(t: { name: string; id?: string }, now: number): Promise<Team>;
  /** Replaces what a team serves and who is in it (any field left out is kept). */
  updateTeam(
    id: string,
    p: { clientIds?: string[]; regions?: string[]; memberIds?: string[] },
  ): Promise<Team | null>;
  getTeam(id: string): Promise<Team | null>;
  listTeams(): Promise<Team[]>;
  setEmployeeFunctions(userId: string, functionIds: string[]): Promise<void>;
  employeeFunctionIds(userId: string): Promise<string[]>;
  employeeTeamIds(userId: string): Promise<string[]>;
  /** Teams serving the client of a home, directly or through the home's region. */
  servingTeamIds(clientId: string, region: string | null): Promise<string[]>;
  recordDeclaration(
    d: { userId: string; signedAt: number; documentRef: string },
    by: string | null,
    now: number,
  ): Promise<Declaration>;
  /** The latest declaration's signing time, or null. */
  declarationSignedAt(userId: string): Promise<number | null>;
  recordReview(by: string, note: string, now: number): Promise<void>;
  lastReview(): Promise<{ reviewedAt: number; reviewedBy: string; note: string } | null>;
  /** The u32 HOLDER_ID a person has on every key safe (KS-SERIAL §8.2), allocated once. */
  holderId(userId: string): Promise<number>;
  userForHolder(holderId: number): Promise<string | null>;
}
