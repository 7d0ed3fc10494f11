-- AlterTable
ALTER TABLE "Cycle" ADD COLUMN "clock" JSONB;
