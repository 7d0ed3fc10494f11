import { linkConfigFromEnv } from '../config/links';
import { filesConfigFromEnv } from '../config/files';
import { describeFatal } from '../config/fatal';
import { webConfigFromEnv } from '../config/web';
import { openDatabase } from '../db/client';
import { buildWebServer } from './server';
import { temporalConfigFromEnv } from '../config/temporal';
import { lazyClient } from '../temporal/connection';

/** The portal process: serves the pages on PHOIHOP_WEB_HOST:PHOIHOP_WEB_PORT until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const web = webConfigFromEnv();
  const links = linkConfigFromEnv();
  const files = filesConfigFromEnv();
  const temporal = temporalConfigFromEnv();
  const db = await openDatabase();
  const client = lazyClient(temporal);
  const app = buildWebServer({ db, links, files, logger: true, temporal: client, web });
  const stop = async () => {
    await app.close();
    await client.connection.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await app.listen({ host: web.host, port: web.port });
  console.log(`[phoihop] portal running on http://${web.host}:${web.port} (links: ${links.publicUrl})`);
}

main().catch((err: unknown) => {
  console.error(`[phoihop] the portal cannot start: ${describeFatal(err)}`);
  process.exit(1);
});
