// The SQLite driver adapter the Prisma CLI uses (prisma.config.ts). Never used by the application.
//
// Prisma 6.19's JS schema engine replays migrations into the shadow database (`migrate diff
// --from-migrations`) with executeRaw, which better-sqlite3 prepares as ONE statement, so any real
// migration fails ("failed to apply cleanly to the shadow database", External error). On the shadow
// database only, a parameterless executeRaw runs as a script instead.
import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

class PrismaBetterSQLite3ForCli extends PrismaBetterSQLite3 {
  override async connectToShadowDb(): ReturnType<PrismaBetterSQLite3['connectToShadowDb']> {
    const shadow = await super.connectToShadowDb();
    const executeRaw = shadow.executeRaw.bind(shadow);
    shadow.executeRaw = async (query) => {
      if (query.args.length > 0) return executeRaw(query);
      await shadow.executeScript(query.sql);
      return 0;
    };
    return shadow;
  }
}

/** `filePath`: absolute path of the database file; its folder is created if missing. */
export function prismaCliSqliteAdapter(filePath: string): PrismaBetterSQLite3 {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  return new PrismaBetterSQLite3ForCli({ url: `file:${filePath}` });
}
