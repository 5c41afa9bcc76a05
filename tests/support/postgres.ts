/**
 * The throwaway PostgreSQL cluster for cross-part suites: the same helper the server's own store
 * suites use (see its JSDoc for how it runs, and `needPostgres` for skipping locally / failing in CI).
 */
export {
  findPostgresBin,
  needPostgres,
  startPostgres,
  type ThrowawayPostgres,
} from '@baken/server/testing/postgres';
