-- AlterTable
ALTER TABLE "SubmissionReceipt" ADD COLUMN     "taskLinkId" INTEGER;

-- CreateTable
CREATE TABLE "TaskLink" (
    "id" SERIAL NOT NULL,
    "workflowId" TEXT NOT NULL,
    "cycleId" INTEGER NOT NULL,
    "agencyCode" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,
    "revokedReason" TEXT,

    CONSTRAINT "TaskLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TaskLink_workflowId_milestone_recipient_idx" ON "TaskLink"("workflowId", "milestone", "recipient");

-- CreateIndex
CREATE INDEX "TaskLink_agencyCode_cycleId_idx" ON "TaskLink"("agencyCode", "cycleId");
