-- CreateTable
CREATE TABLE "LoginFailureCount" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "lockedUntil" DATETIME
);

-- CreateIndex
CREATE INDEX "LoginFailureCount_windowStart_idx" ON "LoginFailureCount"("windowStart");
