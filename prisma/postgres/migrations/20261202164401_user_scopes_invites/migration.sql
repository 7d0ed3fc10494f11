-- CreateEnum
CREATE TYPE "ScopeKind" AS ENUM ('program', 'lead');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "administrator" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "allPrograms" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "UserScope" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "kind" "ScopeKind" NOT NULL,
    "code" TEXT NOT NULL,

    CONSTRAINT "UserScope_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserInvite" (
    "id" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "UserInvite_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UserScope_userId_kind_code_key" ON "UserScope"("userId", "kind", "code");

-- CreateIndex
CREATE INDEX "UserInvite_userId_idx" ON "UserInvite"("userId");

-- AddForeignKey
ALTER TABLE "UserScope" ADD CONSTRAINT "UserScope_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserInvite" ADD CONSTRAINT "UserInvite_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
