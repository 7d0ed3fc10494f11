-- CreateTable
CREATE TABLE "LoginFailureCount" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "lockedUntil" TIMESTAMP(3),

    CONSTRAINT "LoginFailureCount_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "LoginFailureCount_windowStart_idx" ON "LoginFailureCount"("windowStart");
