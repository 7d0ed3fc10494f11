-- AlterTable
ALTER TABLE "SubmissionReceipt" ADD COLUMN "taskLinkId" INTEGER;

-- CreateTable
CREATE TABLE "TaskLink" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workflowId" TEXT NOT NULL,
    "cycleId" INTEGER NOT NULL,
    "agencyCode" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "revokedBy" TEXT,
    "revokedReason" TEXT
);

-- CreateIndex
CREATE INDEX "TaskLink_workflowId_milestone_recipient_idx" ON "TaskLink"("workflowId", "milestone", "recipient");

-- CreateIndex
CREATE INDEX "TaskLink_agencyCode_cycleId_idx" ON "TaskLink"("agencyCode", "cycleId");
