// The PostgreSQL driver adapter the Prisma CLI uses (prisma.config.ts), with two fixes for Prisma 6.19's
// JS schema engine. Never used by the application.
//
// 1. Bug 27403: the schema engine's catalog queries return columns of PostgreSQL's internal types
//    `name` and `"char"`, which @prisma/adapter-pg cannot map ("Column type 'name' could not be
//    deserialized"), so `migrate deploy`, `migrate diff`, `db pull` fail. Both are text on the wire:
//    CatalogTypesClient reports them as `text`.
// 2. Shadow databases (`migrate diff --from-migrations`): the adapter opens the shadow database as
//    `{ ...poolConfig, database: <shadow> }`, but pg lets a connectionString override `database`, so
//    the "shadow" would be the real database; and it drops the shadow database while its own pool still
//    holds a connection, which fails. So the pool gets the URL split into fields (pg-connection-string,
//    pg's own parser), and PrismaPgForCli closes the shadow pool before dropping the database.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

const TEXT_OID = 25;
/** `name` (19) and `"char"` (18): text as far as a reader is concerned. */
const TEXTUAL_CATALOG_OIDS = new Set([18, 19]);

function asText(result: unknown): unknown {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results as { fields?: { dataTypeID: number }[] }[]) {
    for (const field of r?.fields ?? []) {
      if (TEXTUAL_CATALOG_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

export class CatalogTypesClient extends pg.Client {
  // Wraps pg's query() in its callback form (used by pg.Pool) and its promise form.
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as (error: unknown, result: unknown) => void;
      args[args.length - 1] = (error: unknown, result: unknown) =>
        callback(error, error ? result : asText(result));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) return result.then(asText) as never;
    return result as never;
  }
}

/**
 * Pool settings for the CLI: the URL as separate fields, the workaround client, and allowExitOnIdle
 * so the CLI exits as soon as it is done (instead of waiting 10 s for idle connections to time out).
 */
export function prismaCliPoolConfig(url: string): pg.PoolConfig {
  const fields: pg.ClientConfig = { ...parseIntoClientConfig(url) };
  delete fields.connectionString;
  return { ...fields, Client: CatalogTypesClient, allowExitOnIdle: true };
}

class PrismaPgForCli extends PrismaPg {
  constructor(private readonly poolConfig: pg.PoolConfig) {
    super(poolConfig);
  }

  override async connectToShadowDb(): ReturnType<PrismaPg['connectToShadowDb']> {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...this.poolConfig, database }).connect();
    const disposeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await disposeShadow();
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await main.dispose();
    };
    return shadow;
  }
}

export function prismaCliPgAdapter(url: string): PrismaPg {
  return new PrismaPgForCli(prismaCliPoolConfig(url));
}
