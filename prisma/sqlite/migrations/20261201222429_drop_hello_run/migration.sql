-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "HelloRun";
PRAGMA foreign_keys=on;
