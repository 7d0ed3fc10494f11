-- CreateTable
CREATE TABLE "SubmissionReceipt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workflowId" TEXT NOT NULL,
    "updateId" TEXT NOT NULL,
    "agencyCode" TEXT NOT NULL,
    "milestoneKey" TEXT NOT NULL,
    "receiptNumber" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "submittedBy" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "figures" JSONB,
    "attachments" JSONB,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "claimedBy" TEXT,
    "claimedUntil" DATETIME,
    "lastError" TEXT,
    "deliveredAt" DATETIME,
    "lateByWorkingDays" INTEGER,
    "refusalCode" TEXT,
    "refusalValues" JSONB,
    "refusalMessage" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "SubmissionReceipt_receiptNumber_key" ON "SubmissionReceipt"("receiptNumber");

-- CreateIndex
CREATE INDEX "SubmissionReceipt_status_nextAttemptAt_idx" ON "SubmissionReceipt"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "SubmissionReceipt_workflowId_updateId_key" ON "SubmissionReceipt"("workflowId", "updateId");

-- CreateIndex
CREATE UNIQUE INDEX "SubmissionReceipt_workflowId_milestoneKey_sequence_key" ON "SubmissionReceipt"("workflowId", "milestoneKey", "sequence");
