-- AlterTable
ALTER TABLE "Cycle" ADD COLUMN "summary" JSONB;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Obligation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "cycleId" INTEGER NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "milestoneKey" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "submittedAt" DATETIME,
    "lateByWorkingDays" INTEGER,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Obligation_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "Cycle" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Obligation_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Obligation" ("agencyId", "createdAt", "cycleId", "dueAt", "id", "milestoneKey", "status", "updatedAt") SELECT "agencyId", "createdAt", "cycleId", "dueAt", "id", "milestoneKey", "status", "updatedAt" FROM "Obligation";
DROP TABLE "Obligation";
ALTER TABLE "new_Obligation" RENAME TO "Obligation";
CREATE INDEX "Obligation_agencyId_idx" ON "Obligation"("agencyId");
CREATE INDEX "Obligation_status_idx" ON "Obligation"("status");
CREATE UNIQUE INDEX "Obligation_cycleId_agencyId_milestoneKey_key" ON "Obligation"("cycleId", "agencyId", "milestoneKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
