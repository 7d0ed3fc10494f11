-- AlterTable
ALTER TABLE "Agency" ADD COLUMN "nameEn" TEXT;

-- CreateTable
CREATE TABLE "DirectoryRevision" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "effectiveFrom" DATETIME NOT NULL,
    "contentHash" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "agencies" JSONB NOT NULL,
    "importedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "importedBy" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "DirectoryRevision_effectiveFrom_key" ON "DirectoryRevision"("effectiveFrom");

-- Written by hand (Prisma does not see triggers): ProgramVersion rows are immutable.
-- Keep BEGIN and END off the start of a line: src/db/migration-store.ts would take them for
-- transaction control and run this file outside a transaction.
CREATE TRIGGER "ProgramVersion_immutable" BEFORE UPDATE ON "ProgramVersion" BEGIN
    SELECT RAISE(ABORT, 'ProgramVersion rows are immutable: register a new version'); END;
