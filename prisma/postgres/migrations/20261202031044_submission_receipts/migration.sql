-- CreateEnum
CREATE TYPE "ReceiptStatus" AS ENUM ('pending', 'delivered', 'refused');

-- CreateTable
CREATE TABLE "SubmissionReceipt" (
    "id" SERIAL NOT NULL,
    "workflowId" TEXT NOT NULL,
    "updateId" TEXT NOT NULL,
    "agencyCode" TEXT NOT NULL,
    "milestoneKey" TEXT NOT NULL,
    "receiptNumber" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "submittedBy" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "figures" JSONB,
    "attachments" JSONB,
    "status" "ReceiptStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "lateByWorkingDays" INTEGER,
    "refusalCode" TEXT,
    "refusalValues" JSONB,
    "refusalMessage" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SubmissionReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SubmissionReceipt_receiptNumber_key" ON "SubmissionReceipt"("receiptNumber");

-- CreateIndex
CREATE INDEX "SubmissionReceipt_status_nextAttemptAt_idx" ON "SubmissionReceipt"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "SubmissionReceipt_workflowId_updateId_key" ON "SubmissionReceipt"("workflowId", "updateId");

-- CreateIndex
CREATE UNIQUE INDEX "SubmissionReceipt_workflowId_milestoneKey_sequence_key" ON "SubmissionReceipt"("workflowId", "milestoneKey", "sequence");
