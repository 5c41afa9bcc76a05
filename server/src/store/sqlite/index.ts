import type { Db } from '../database.js';
import type { Repositories } from '../repositories/index.js';
import { SqliteClientsRepository } from './clients.js';
import { SqliteApiTokensRepository, SqliteSessionsRepository } from './credentials.js';
import { SqliteDevicesRepository } from './devices.js';
import { SqliteEnrolmentTokensRepository } from './enrolment-tokens.js';
import { SqliteGatewaysRepository } from './gateways.js';
import { SqliteUsersRepository } from './users.js';

/** The SQLite binding of every repository interface. */
export function createSqliteRepositories(db: Db): Repositories {
  return {
    users: new SqliteUsersRepository(db),
    sessions: new SqliteSessionsRepository(db),
    apiTokens: new SqliteApiTokensRepository(db),
    clients: new SqliteClientsRepository(db),
    gateways: new SqliteGatewaysRepository(db),
    devices: new SqliteDevicesRepository(db),
    enrolmentTokens: new SqliteEnrolmentTokensRepository(db),
  };
}
