-- AlterTable
ALTER TABLE "Agency" ADD COLUMN     "nameEn" TEXT;

-- CreateTable
CREATE TABLE "DirectoryRevision" (
    "id" SERIAL NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "contentHash" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "agencies" JSONB NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "importedBy" TEXT,

    CONSTRAINT "DirectoryRevision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DirectoryRevision_effectiveFrom_key" ON "DirectoryRevision"("effectiveFrom");

-- Written by hand (Prisma does not see functions or triggers): ProgramVersion rows are immutable.
-- No semicolon inside the function body (\073 is one, in an E'' string): `prisma migrate deploy` runs
-- this file through @prisma/adapter-pg, whose executeScript splits the script at every semicolon,
-- dollar quotes included. And keep BEGIN and END off the start of a line: src/db/migration-store.ts
-- would take them for transaction control and run this file outside a transaction.
CREATE FUNCTION "ProgramVersion_immutable"() RETURNS trigger LANGUAGE plpgsql
    AS E'BEGIN RAISE EXCEPTION ''ProgramVersion rows are immutable: register a new version'' USING ERRCODE = ''restrict_violation''\073 END';

CREATE TRIGGER "ProgramVersion_immutable" BEFORE UPDATE ON "ProgramVersion"
    FOR EACH ROW EXECUTE FUNCTION "ProgramVersion_immutable"();
