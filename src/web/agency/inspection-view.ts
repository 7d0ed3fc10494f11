import type { Database } from '../../db/client';
import { downloadName } from '../../files/names';
import { cachedCycleCalendar, cachedProgramVersion } from '../read-cache';
import { localDate } from '../../cycle/clock';
import type { IsoDate } from '../../calendar/dates';
import type { TaskScope } from '../../links/task-link';
import { inspectionWorkflowId } from '../../inspections/types';
import { formatDate, formatSize, TEXT, type Lang } from '../i18n';

/** The milestone whose links (the inspection's emails) open the inspection on the task page. */
export const INSPECTION_MILESTONE = 'inspection';

/** One recommendation as the agency sees it. */
export interface RecommendationView {
  number: number;
  text: string;
  due: string;
  dueNote?: string;
  late: boolean;
  status: string;
  /** open, reported, closed (read model). */
  statusKey: string;
  reportedAt?: string;
  evidenceSummary?: string;
  evidence: { fileName: string; size: string }[];
}

/** The agency's inspection of the cycle, from the read model; what the task page shows of it. */
export interface InspectionView {
  workflowId: string;
  kind: string;
  visitOn: string;
  status: string;
  statusKey: string;
  conclusion?: string;
  concludedOn?: string;
  recommendations: RecommendationView[];
  /** The page's header when the agency has no task of the milestone (only the inspection). */
  header: { heading: string; agencyName: string; programTitle: string; documentNumber: string; year: number };
}

/** `cycle:<program>:<year>:<agency>`, the agency workflow ID a link names. */
function parseWorkflowId(id: string): { program: string; year: number; agency: string } | undefined {
  const m = /^cycle:([^:]+):(\d{4}):([^:]+)$/.exec(id);
  return m ? { program: m[1]!, year: Number(m[2]), agency: m[3]! } : undefined;
}

/**
 * The inspection a verified `inspection` link's agency has in the link's cycle (read model `Inspection`
 * by its workflow ID), or undefined: another milestone, no inspection, or one of another agency.
 */
export async function loadInspectionView(
  db: Database,
  scope: TaskScope,
  lang: Lang,
  options: { holidaysDir: string; today?: IsoDate },
): Promise<InspectionView | undefined> {
  if (scope.milestone !== INSPECTION_MILESTONE) return undefined;
  const ids = parseWorkflowId(scope.cycleId);
  if (!ids || ids.agency !== scope.agency) return undefined;
  const workflowId = inspectionWorkflowId(ids.program, ids.year, ids.agency);
  const row = await db.prisma.inspection.findUnique({
    where: { workflowId },
    include: {
      agency: true,
      cycle: { include: { program: true } },
      recommendations: { orderBy: { number: 'asc' } },
    },
  });
  // The read model must agree with the link: same agency, same program and year.
  if (
    !row ||
    row.agency.code !== ids.agency ||
    row.cycle.year !== ids.year ||
    row.cycle.program.code !== ids.program
  ) {
    return undefined;
  }
  const t = TEXT[lang];
  const { definition } = await cachedProgramVersion(db, row.cycle.programVersionId);
  const milestone = definition.milestones.find((m) => m.key === INSPECTION_MILESTONE);
  const milestoneTitle = milestone?.title[lang] ?? INSPECTION_MILESTONE;
  const calendar = cachedCycleCalendar(ids.year, options.holidaysDir);
  const today = options.today ?? localDate(Date.now());
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    workflowId,
    kind: t.inspectionKinds[row.kind],
    visitOn: formatDate(day(row.visitOn)),
    status: t.inspectionStages[row.status],
    statusKey: row.status,
    conclusion: row.conclusion ?? undefined,
    concludedOn: row.concludedAt ? formatDate(localDate(row.concludedAt.getTime())) : undefined,
    recommendations: row.recommendations.map((r) => {
      const due = day(r.dueOn);
      let dueNote: string | undefined;
      let late = false;
      if (r.status === 'open' && calendar.covers(today) && calendar.covers(due)) {
        if (today <= due) dueNote = t.daysLeft(calendar.workingDaysBetween(today, due));
        else {
          late = true;
          dueNote = t.daysLate(calendar.workingDaysBetween(due, today));
        }
      }
      const evidence = Array.isArray(r.evidence)
        ? (r.evidence as { fileName?: string; sizeBytes?: number; storagePath?: string }[])
        : [];
      return {
        number: r.number,
        text: r.text,
        due: formatDate(due),
        dueNote,
        late,
        status: t.recommendationStates[r.status],
        statusKey: r.status,
        reportedAt: r.reportedAt ? formatDate(localDate(r.reportedAt.getTime())) : undefined,
        evidenceSummary: r.evidenceSummary ?? undefined,
        evidence: evidence.map((e) => ({
          fileName: downloadName(String(e.fileName ?? ''), String(e.storagePath ?? '')),
          size: formatSize(Number(e.sizeBytes ?? 0), lang),
        })),
      };
    }),
    header: {
      heading: lang === 'vi' ? `${milestoneTitle} năm ${ids.year}` : `${milestoneTitle} ${ids.year}`,
      agencyName: lang === 'en' ? (row.agency.nameEn ?? row.agency.name) : row.agency.name,
      programTitle: definition.title[lang],
      documentNumber: definition.document.number,
      year: ids.year,
    },
  };
}
