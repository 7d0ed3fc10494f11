-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "messageId" TEXT NOT NULL,
    "mailbox" TEXT NOT NULL,
    "uidValidity" BIGINT NOT NULL,
    "uid" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "fromAddress" TEXT NOT NULL,
    "fromName" TEXT,
    "subject" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
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
    "claimedUntil" DATETIME,
    "reviewedBy" TEXT,
    "reviewedAt" DATETIME,
    "reviewNote" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_messageId_key" ON "InboundMessage"("messageId");

-- CreateIndex
CREATE INDEX "InboundMessage_status_idx" ON "InboundMessage"("status");

-- CreateIndex
CREATE INDEX "InboundMessage_agencyId_idx" ON "InboundMessage"("agencyId");

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_mailbox_uidValidity_uid_key" ON "InboundMessage"("mailbox", "uidValidity", "uid");
