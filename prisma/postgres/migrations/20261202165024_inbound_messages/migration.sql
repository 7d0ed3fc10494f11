-- CreateEnum
CREATE TYPE "InboundKind" AS ENUM ('reply', 'auto_reply');

-- CreateEnum
CREATE TYPE "InboundStatus" AS ENUM ('received', 'submitted', 'held', 'portal', 'recorded', 'accepted', 'rejected');

-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" SERIAL NOT NULL,
    "messageId" TEXT NOT NULL,
    "mailbox" TEXT NOT NULL,
    "uidValidity" BIGINT NOT NULL,
    "uid" BIGINT NOT NULL,
    "kind" "InboundKind" NOT NULL,
    "status" "InboundStatus" NOT NULL DEFAULT 'received',
    "fromAddress" TEXT NOT NULL,
    "fromName" TEXT,
    "subject" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "notificationId" INTEGER,
    "matchedBy" TEXT,
    "workflowId" TEXT,
    "agencyId" INTEGER,
    "milestoneKey" TEXT,
    "summary" TEXT,
    "attachments" JSONB,
    "refusedFiles" JSONB,
    "heldReason" TEXT,
    "heldDetail" TEXT,
    "receiptNumber" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "reviewedBy" TEXT,
    "reviewedAt" TIMESTAMP(3),
    "reviewNote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "InboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_messageId_key" ON "InboundMessage"("messageId");

-- CreateIndex
CREATE INDEX "InboundMessage_status_idx" ON "InboundMessage"("status");

-- CreateIndex
CREATE INDEX "InboundMessage_agencyId_idx" ON "InboundMessage"("agencyId");

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_mailbox_uidValidity_uid_key" ON "InboundMessage"("mailbox", "uidValidity", "uid");
