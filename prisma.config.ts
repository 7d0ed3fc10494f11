// Prisma CLI configuration (Prisma 6.19, JavaScript schema engine + driver adapters, no Rust binaries).
//
// The provider follows DATABASE_URL (see src/db/config.ts): the CLI uses prisma/sqlite/ or
// prisma/postgres/ (schema and migrations) and connects through the matching driver adapter.
// `npm run db:generate` passes --schema explicitly to generate both clients.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { resolveDatabaseConfig } from './src/db/config';

// Never let the CLI look for (or try to download) native engines: any existing file will do,
// since the JS schema engine and the wasm query compiler are used instead.
const placeholderEngine = require.resolve('prisma/package.json');
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= placeholderEngine;
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= placeholderEngine;

const db = resolveDatabaseConfig();
const folder = db.provider === 'sqlite' ? 'sqlite' : 'postgres';

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: path.join(__dirname, 'prisma', folder, 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', folder, 'migrations') },
  async adapter() {
    // Both work around Prisma 6.19 problems (see the two files).
    if (db.provider === 'sqlite') {
      const { prismaCliSqliteAdapter } = await import('./src/db/prisma-cli-sqlite');
      return prismaCliSqliteAdapter(db.filePath as string);
    }
    const { prismaCliPgAdapter } = await import('./src/db/prisma-cli-pg');
    return prismaCliPgAdapter(db.url);
  },
});
