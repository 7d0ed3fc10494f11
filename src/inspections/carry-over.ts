// Open recommendations of past inspections, by agency: next year's risk selection takes them into
// account (an agency that has not remedied what was found is a candidate for another visit).
import type { Database } from '../db/client';

export interface CarriedRecommendation {
  year: number;
  inspectionWorkflowId: string;
  number: number;
  text: string;
  /** Current due date (YYYY-MM-DD). */
  dueOn: string;
  status: 'open' | 'reported';
}

export interface AgencyCarryOver {
  agencyCode: string;
  agencyName: string;
  recommendations: CarriedRecommendation[];
}

/**
 * The recommendations not closed of the program's inspections in the years before `beforeYear` (cancelled
 * inspections excluded), grouped by agency (by code), oldest first within an agency.
 */
export async function openRecommendationsByAgency(
  db: Database,
  programCode: string,
  beforeYear: number,
): Promise<AgencyCarryOver[]> {
  const rows = await db.prisma.recommendation.findMany({
    where: {
      status: { not: 'closed' },
      inspection: {
        status: { not: 'cancelled' },
        cycle: { year: { lt: beforeYear }, program: { code: programCode } },
      },
    },
    select: {
      number: true,
      text: true,
      dueOn: true,
      status: true,
      inspection: {
        select: {
          workflowId: true,
          cycle: { select: { year: true } },
          agency: { select: { code: true, name: true } },
        },
      },
    },
  });
  const byAgency = new Map<string, AgencyCarryOver>();
  for (const r of rows) {
    const { agency, cycle, workflowId } = r.inspection;
    let entry = byAgency.get(agency.code);
    if (!entry) {
      entry = { agencyCode: agency.code, agencyName: agency.name, recommendations: [] };
      byAgency.set(agency.code, entry);
    }
    entry.recommendations.push({
      year: cycle.year,
      inspectionWorkflowId: workflowId,
      number: r.number,
      text: r.text,
      dueOn: r.dueOn.toISOString().slice(0, 10),
      status: r.status as 'open' | 'reported',
    });
  }
  const sorted = [...byAgency.values()].sort((a, b) => a.agencyCode.localeCompare(b.agencyCode));
  for (const a of sorted) {
    a.recommendations.sort(
      (x, y) =>
        x.year - y.year ||
        x.inspectionWorkflowId.localeCompare(y.inspectionWorkflowId) ||
        x.number - y.number,
    );
  }
  return sorted;
}
