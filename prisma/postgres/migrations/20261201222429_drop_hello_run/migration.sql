-- DropTable
DROP TABLE "HelloRun";
