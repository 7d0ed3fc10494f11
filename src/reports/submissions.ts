// The submissions of one cycle: one row per submission (every round, returned ones included), with the
// figures the program asks for as separate columns. Reads only.
import type { Database } from '../db/client';
import { loadProgramVersion } from '../programs/store';
import type { Bilingual } from '../programs/types';

export interface FigureColumn {
  key: string;
  label: Bilingual;
  unit: Bilingual | null;
  /** "integer", "percent"... as the program defines it; null for a key the program does not define. */
  type: string | null;
}

export interface SubmissionRow {
  receiptNumber: string;
  agencyCode: string;
  agencyName: string;
  agencyNameEn: string | null;
  group: string;
  milestoneKey: string;
  milestoneTitle: Bilingual;
  submittedAt: Date;
  submittedBy: string;
  summary: string;
  /** By figure key (see SubmissionList.figures); a figure not given is absent. */
  figures: Record<string, number>;
  attachments: string[];
  status: string;
  reviewNote: string | null;
}

export interface SubmissionList {
  cycle: { id: number; program: string; programTitle: Bilingual; year: number };
  /** The program's figures, in its order (each key once), then any other key found in submissions. */
  figures: FigureColumn[];
  /** Oldest first. */
  rows: SubmissionRow[];
}

export interface SubmissionFilters {
  milestone?: string;
  agency?: string;
  status?: 'received' | 'accepted' | 'returned';
}

/** The submissions of one cycle, or undefined when there is no such cycle. */
export async function loadSubmissions(
  db: Pick<Database, 'prisma'>,
  cycleId: number,
  filters: SubmissionFilters = {},
): Promise<SubmissionList | undefined> {
  const cycle = await db.prisma.cycle.findUnique({ where: { id: cycleId }, include: { program: true } });
  if (!cycle) return undefined;
  const { definition } = await loadProgramVersion(db, { id: cycle.programVersionId });
  const submissions = await db.prisma.submission.findMany({
    where: {
      status: filters.status,
      obligation: {
        cycleId,
        milestoneKey: filters.milestone,
        agency: filters.agency ? { code: filters.agency } : undefined,
      },
    },
    include: {
      obligation: {
        select: {
          milestoneKey: true,
          agency: { select: { code: true, name: true, nameEn: true, group: true } },
        },
      },
      attachments: { select: { fileName: true }, orderBy: { id: 'asc' } },
    },
    orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
  });

  const figures: FigureColumn[] = [];
  const seen = new Set<string>();
  for (const milestone of definition.milestones) {
    if (filters.milestone && milestone.key !== filters.milestone) continue;
    for (const figure of milestone.figures ?? []) {
      if (seen.has(figure.key)) continue;
      seen.add(figure.key);
      figures.push({ key: figure.key, label: figure.label, unit: figure.unit ?? null, type: figure.type });
    }
  }
  const rows: SubmissionRow[] = submissions.map((s) => {
    const milestone = definition.milestones.find((m) => m.key === s.obligation.milestoneKey);
    const given = (s.figures ?? {}) as Record<string, unknown>;
    const values: Record<string, number> = {};
    for (const [key, value] of Object.entries(given)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      values[key] = value;
      if (!seen.has(key)) {
        seen.add(key);
        figures.push({ key, label: { vi: key, en: key }, unit: null, type: null });
      }
    }
    return {
      receiptNumber: s.receiptNumber,
      agencyCode: s.obligation.agency.code,
      agencyName: s.obligation.agency.name,
      agencyNameEn: s.obligation.agency.nameEn,
      group: s.obligation.agency.group,
      milestoneKey: s.obligation.milestoneKey,
      milestoneTitle: milestone?.title ?? { vi: s.obligation.milestoneKey, en: s.obligation.milestoneKey },
      submittedAt: s.submittedAt,
      submittedBy: s.submittedBy,
      summary: s.summary,
      figures: values,
      attachments: s.attachments.map((a) => a.fileName),
      status: s.status,
      reviewNote: s.reviewNote,
    };
  });
  return {
    cycle: { id: cycle.id, program: cycle.program.code, programTitle: definition.title, year: cycle.year },
    figures,
    rows,
  };
}
