// `npm run db:migrate` / `npm run db:status`: apply or report the migrations of the database that
// DATABASE_URL points at (default: SQLite file phoihop.db in PHOIHOP_DATA, else .data).
//
//   tsx src/db/cli.ts migrate    exit 0 when up to date afterwards, 1 on any problem
//   tsx src/db/cli.ts status     exit 0 when up to date, 1 otherwise (like `prisma migrate status`)
//
// Compiled: node dist/src/db/cli.js migrate|status.
import { describeDatabase } from './errors';
import { formatReport, migrate, migrationStatus } from './migrate';

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'migrate': {
      const { applied, report } = await migrate({ log: (line) => console.log(line) });
      const what = describeDatabase(report.config);
      console.log(
        applied.length === 0
          ? `No pending migrations: the ${what} is up to date.`
          : `Applied ${applied.length} migration(s) to the ${what}.`,
      );
      return report.upToDate ? 0 : 1;
    }
    case 'status': {
      const report = await migrationStatus();
      console.log(formatReport(report));
      return report.upToDate ? 0 : 1;
    }
    default:
      console.error('Usage: tsx src/db/cli.ts migrate|status');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
