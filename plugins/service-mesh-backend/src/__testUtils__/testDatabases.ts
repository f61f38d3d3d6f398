import type { TestDatabaseId } from '@backstage/backend-test-utils';

const POSTGRES_IDS: TestDatabaseId[] = [
  'POSTGRES_18',
  'POSTGRES_17',
  'POSTGRES_16',
  'POSTGRES_15',
  'POSTGRES_14',
  'POSTGRES_13',
];

/** The variable TestDatabases reads a PostgreSQL's address from. */
const connectionStringVariable = (id: TestDatabaseId) =>
  `BACKSTAGE_TEST_DATABASE_${id.replace('_', '')}_CONNECTION_STRING`;

/**
 * SQLite, and every PostgreSQL given by its connection string: the test
 * command (scripts/test-postgres.sh) starts one and exports it. Without one,
 * the persistence tests fail inside the test command, and run on SQLite only,
 * with a warning, when Jest is run by hand.
 */
export function persistenceTestDatabaseIds(): TestDatabaseId[] {
  const postgres = POSTGRES_IDS.filter(
    id => process.env[connectionStringVariable(id)],
  );
  if (postgres.length === 0) {
    const missing =
      'No PostgreSQL for the persistence tests: set BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING, or run them through the test command, which starts one';
    if (process.env.SERVICE_MESH_TEST_POSTGRES === 'required') {
      throw new Error(missing);
    }
    // eslint-disable-next-line no-console
    console.warn(`${missing}. Running them on SQLite only.`);
  }
  return ['SQLITE_3', ...postgres];
}
