import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../src/db/client';
import { migrate } from '../../../src/db/migrate';
import { databaseSuite } from './suite';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoihop-sqlite-it-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

databaseSuite('sqlite', () => ({
  async fresh(name) {
    fs.mkdirSync(path.join(dir, name));
    return `file:${path.join(dir, name, 'phoihop.db')}`;
  },
}));

describe('SQLite specifics', () => {
  it('creates the parent folder of the database file when migrating', async () => {
    const file = path.join(dir, 'deep', 'er', 'phoihop.db');
    await migrate({ url: `file:${file}` });
    expect(fs.existsSync(file)).toBe(true);
  });

  it('refuses to open a file that does not exist, without creating it', async () => {
    const file = path.join(dir, 'missing', 'phoihop.db');
    await expect(openDatabase(`file:${file}`)).rejects.toThrow(
      new RegExp(`SQLite database ${file}.*does not exist yet.*npm run db:migrate`),
    );
    expect(fs.existsSync(file)).toBe(false);
  });
});
