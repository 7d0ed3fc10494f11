import { openDatabase } from '../../../src/db/client';
import { DatabaseUnavailableError } from '../../../src/db/errors';
import { migrationStatus } from '../../../src/db/migrate';
import { createDatabase, freePort, startTestPostgres, type TestPostgres } from '../../support/postgres';
import { databaseSuite } from './suite';

// The jest global setup starts one cluster for the run (PHOIHOP_TEST_PG_URL); without it, start our own.
let own: TestPostgres | undefined;
let baseUrl: string;
beforeAll(async () => {
  baseUrl = process.env.PHOIHOP_TEST_PG_URL ?? (own = await startTestPostgres()).url;
});
afterAll(async () => {
  await own?.stop();
});

databaseSuite('postgresql', () => ({
  fresh: (name) => createDatabase(baseUrl, `phoihop_it_db_${name}`),
}));

describe('PostgreSQL specifics', () => {
  it('says which server is unreachable and how to start the local one, with the password masked', async () => {
    const url = `postgresql://phoihop:secret@127.0.0.1:${await freePort()}/phoihop`;
    const attempt = openDatabase(url);
    await expect(attempt).rejects.toThrow(DatabaseUnavailableError);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toContain('PostgreSQL database postgresql://phoihop:****@127.0.0.1:');
    expect(message).toContain('ECONNREFUSED');
    expect(message).toContain('scripts/postgres.sh start');
    expect(message).not.toContain('secret');
  });

  it('says when the database does not exist on a running server', async () => {
    const url = new URL(baseUrl);
    url.pathname = '/phoihop_no_such_database';
    await expect(migrationStatus({ url: url.toString() })).rejects.toThrow(/does not exist.*createdb/);
  });
});
