-- CreateEnum
CREATE TYPE "InspectionKind" AS ENUM ('kiem_tra', 'thanh_tra');

-- CreateEnum
CREATE TYPE "InspectionStatus" AS ENUM ('planned', 'noticed', 'visited', 'concluded', 'closed', 'cancelled');

-- CreateEnum
CREATE TYPE "RecommendationStatus" AS ENUM ('open', 'reported', 'closed');

-- CreateTable
CREATE TABLE "Inspection" (
    "id" SERIAL NOT NULL,
    "cycleId" INTEGER NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "kind" "InspectionKind" NOT NULL,
    "visitOn" TIMESTAMP(3) NOT NULL,
    "status" "InspectionStatus" NOT NULL DEFAULT 'planned',
    "conclusion" TEXT,
    "concludedAt" TIMESTAMP(3),
    "workflowId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Inspection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Recommendation" (
    "id" SERIAL NOT NULL,
    "inspectionId" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "dueOn" TIMESTAMP(3) NOT NULL,
    "status" "RecommendationStatus" NOT NULL DEFAULT 'open',
    "reportedAt" TIMESTAMP(3),
    "evidenceSummary" TEXT,
    "evidence" JSONB,
    "closedAt" TIMESTAMP(3),
    "closedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Recommendation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Inspection_workflowId_key" ON "Inspection"("workflowId");

-- CreateIndex
CREATE INDEX "Inspection_cycleId_agencyId_idx" ON "Inspection"("cycleId", "agencyId");

-- CreateIndex
CREATE INDEX "Inspection_agencyId_idx" ON "Inspection"("agencyId");

-- CreateIndex
CREATE INDEX "Inspection_status_idx" ON "Inspection"("status");

-- CreateIndex
CREATE INDEX "Recommendation_status_idx" ON "Recommendation"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Recommendation_inspectionId_number_key" ON "Recommendation"("inspectionId", "number");

-- AddForeignKey
ALTER TABLE "Inspection" ADD CONSTRAINT "Inspection_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "Cycle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Inspection" ADD CONSTRAINT "Inspection_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Recommendation" ADD CONSTRAINT "Recommendation_inspectionId_fkey" FOREIGN KEY ("inspectionId") REFERENCES "Inspection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
