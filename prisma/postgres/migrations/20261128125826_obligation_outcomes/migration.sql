-- AlterTable
ALTER TABLE "Cycle" ADD COLUMN     "summary" JSONB;

-- AlterTable
ALTER TABLE "Obligation" ADD COLUMN     "flagged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "lateByWorkingDays" INTEGER,
ADD COLUMN     "submittedAt" TIMESTAMP(3);
