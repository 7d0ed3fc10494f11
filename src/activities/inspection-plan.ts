// Activities of the cycle's inspection plan: the risk figures the proposal is drawn from, and the agencies
// of an approved plan. Reads only: the plan itself lives in the `annualCycle` workflow (its query and its
// approval Update), its proposal and approval in the audit log.
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import type { Mailer } from '../mail/mailer';
import type { LinkConfig } from '../config/links';
import { sendOnce, sendToEach, type DeliveryResult } from './notification-log';
import { formatCivilDate } from '../reports/consolidated/format';
import { loadProgramVersion } from '../programs/store';
import { directorySnapshot } from '../directory/snapshot';
import { openRecommendationsByAgency } from '../inspections/carry-over';
import {
  INSPECTION_PLAN_DEFAULTS,
  riskiest,
  type InspectionCandidates,
  type RiskCandidate,
  type RiskReason,
} from '../inspections/plan';
import type { AgencyRef } from '../workflows/obligation-types';
import { inspectionPlanPath } from '../links/dashboard-paths';

/** Obligation states that, past the due date, mean nothing acceptable has come in. */
const NOT_IN = ['pending', 'requested', 'overdue', 'returned'] as const;

const iso = (d: Date) => d.toISOString().slice(0, 10);

async function cycleContext(db: Database, cycleId: number, milestoneKey: string) {
  const cycle = await db.prisma.cycle.findUniqueOrThrow({
    where: { id: cycleId },
    include: { program: { select: { code: true } } },
  });
  const { definition } = await loadProgramVersion(db, { id: cycle.programVersionId });
  const milestone = definition.milestones.find((m) => m.key === milestoneKey);
  if (!milestone?.inspection) {
    throw ApplicationFailure.nonRetryable(
      `the program ${definition.code} has no inspection milestone "${milestoneKey}"`,
      'InspectionPlanRefused',
    );
  }
  const groups: string[] = milestone.groups ?? (definition.addressees as string[]);
  const snapshot = await directorySnapshot(db, iso(cycle.startedAt ?? cycle.createdAt));
  const eligible = snapshot.agencies
    .filter((a) => groups.includes(a.group) && a.code !== definition.lead)
    .map((a): AgencyRef => ({ code: a.code, name: a.name, group: a.group }))
    .sort((a, b) => a.code.localeCompare(b.code));
  return { cycle, definition, milestone, eligible };
}

/** How a proposal's visits were chosen, as the plan email says it (after a comma or colon). */
export function howChosen(input: { byRisk?: number; bySample?: number }): Record<'vi' | 'en', string> {
  const { byRisk, bySample } = input;
  if (byRisk === undefined || bySample === undefined)
    return {
      vi: ', chọn theo mức độ rủi ro và chọn ngẫu nhiên',
      en: ', chosen by risk and by random sample',
    };
  if (byRisk > 0 && bySample > 0)
    return {
      vi: `: ${byRisk} đơn vị chọn theo mức độ rủi ro, ${bySample} đơn vị chọn ngẫu nhiên`,
      en: `: ${byRisk} chosen by risk, ${bySample} by random sample`,
    };
  if (byRisk > 0) return { vi: ', chọn theo mức độ rủi ro', en: ', chosen by risk' };
  if (bySample > 0) return { vi: ', chọn ngẫu nhiên', en: ', chosen by random sample' };
  return { vi: '', en: '' };
}

/** The step of the email that tells the coordinators a proposed plan awaits them (notification log). */
export const PLAN_PROPOSED_STEP = 'inspection-plan:proposed';

export function createInspectionPlanActivities({
  db,
  mailer,
  from,
  links,
}: {
  db: Database;
  mailer: Mailer;
  from: string;
  links: LinkConfig;
}) {
  return {
    /**
     * Tells each coordinator of the program that the year's proposed inspection plan awaits their review and
     * approval, with the link to its dashboard page: once each (notification log, key
     * `<cycle workflow>:inspection-plan:proposed:<email>`), Vietnamese first, English below. An address the
     * SMTP server refuses for good is reported, not retried.
     */
    async notifyInspectionPlanProposed(input: {
      cycleId: number;
      workflowId: string;
      proposedOn: string;
      visits: number;
      eligible: number;
      /** Of the visits, how many the risk figures chose and how many the random sample (absent in the
       * histories of workflows that proposed before these were passed: the wording is then general). */
      byRisk?: number;
      bySample?: number;
    }): Promise<DeliveryResult> {
      const cycle = await db.prisma.cycle.findUniqueOrThrow({ where: { id: input.cycleId } });
      const { definition } = await loadProgramVersion(db, { id: cycle.programVersionId });
      const doc = definition.document;
      const url = `${links.publicUrl}${inspectionPlanPath(input.cycleId)}`;
      const how = howChosen(input);
      const date = formatCivilDate(input.proposedOn);
      const subject =
        `Đề xuất kế hoạch kiểm tra năm ${cycle.year} chờ phê duyệt / ` +
        `Proposed inspection plan for ${cycle.year} awaiting approval`;
      return sendToEach(
        definition.coordinators,
        (p) => p.email,
        async (person) => {
          const text = [
            `Kính gửi: ${person.name}`,
            '',
            `Ngày ${date}, hệ thống đã lập đề xuất kế hoạch kiểm tra năm ${cycle.year} thực hiện Kế hoạch số ` +
              `${doc.number} của ${doc.issuer.vi}: ${input.visits} cuộc kiểm tra trong số ${input.eligible} đơn vị ` +
              `thuộc diện kiểm tra${how.vi}.`,
            '',
            `Đề nghị xem xét, điều chỉnh và phê duyệt kế hoạch tại: ${url}`,
            '',
            'Kế hoạch chưa được phê duyệt khi các nhiệm vụ của năm kết thúc sẽ hết hiệu lực và không cuộc kiểm tra ' +
              'nào được tiến hành.',
            '',
            '----- English -----',
            '',
            `Dear ${person.name},`,
            '',
            `On ${date} the system drew up the proposed inspection plan for ${cycle.year} under Plan No. ` +
              `${doc.number} of the ${doc.issuer.en}: ${input.visits} inspections among the ${input.eligible} ` +
              `agencies subject to inspection${how.en}.`,
            '',
            `Please review, edit and approve it at: ${url}`,
            '',
            "A plan not approved by the time the year's obligations end lapses, and no inspection takes place.",
          ].join('\n');
          await sendOnce(db, mailer, from, {
            idempotencyKey: `${input.workflowId}:${PLAN_PROPOSED_STEP}:${person.email.toLowerCase()}`,
            workflowId: input.workflowId,
            step: PLAN_PROPOSED_STEP,
            to: person.email,
            subject,
            text,
            cycleId: input.cycleId,
          });
        },
      );
    },

    /**
     * What the cycle's proposal is drawn from, as of calendar instant `asOf`: the eligible agencies (the
     * milestone's groups in the cycle's directory snapshot, the lead excepted), and among them the riskiest
     * (at most the milestone's riskLimit) with their risk reasons: obligations of this cycle past their due
     * date with nothing accepted in (missing so far), submissions that came in late, and recommendations of
     * earlier years' inspections still open.
     */
    async inspectionCandidates(input: {
      cycleId: number;
      milestone: string;
      asOf: number;
    }): Promise<InspectionCandidates> {
      const { cycle, milestone, eligible } = await cycleContext(db, input.cycleId, input.milestone);
      const byCode = new Map(eligible.map((a) => [a.code, a]));
      const reasons = new Map<string, RiskReason[]>();
      const add = (code: string, reason: RiskReason) => {
        if (!byCode.has(code)) return;
        reasons.set(code, [...(reasons.get(code) ?? []), reason]);
      };
      const obligations = await db.prisma.obligation.findMany({
        where: {
          cycleId: input.cycleId,
          OR: [
            { status: { in: [...NOT_IN] }, dueAt: { lt: new Date(input.asOf) } },
            { lateByWorkingDays: { gt: 0 } },
          ],
        },
        select: {
          milestoneKey: true,
          status: true,
          dueAt: true,
          lateByWorkingDays: true,
          agency: { select: { code: true } },
        },
        orderBy: [{ dueAt: 'asc' }, { milestoneKey: 'asc' }],
      });
      for (const o of obligations) {
        if ((NOT_IN as readonly string[]).includes(o.status) && o.dueAt.getTime() < input.asOf) {
          add(o.agency.code, { kind: 'missing', milestone: o.milestoneKey, dueOn: iso(o.dueAt) });
        } else if ((o.lateByWorkingDays ?? 0) > 0) {
          add(o.agency.code, { kind: 'late', milestone: o.milestoneKey, workingDays: o.lateByWorkingDays! });
        }
      }
      for (const carried of await openRecommendationsByAgency(db, cycle.program.code, cycle.year)) {
        for (const r of carried.recommendations) {
          add(carried.agencyCode, {
            kind: 'open-recommendation',
            year: r.year,
            number: r.number,
            dueOn: r.dueOn,
          });
        }
      }
      const settings = milestone.inspection!;
      const riskLimit = settings.riskLimit ?? INSPECTION_PLAN_DEFAULTS.riskLimit;
      // Only the riskiest go back to the workflow: the rest would be history bytes the selection never uses.
      const risky: RiskCandidate[] = riskiest(
        [...reasons.entries()].map(([code, list]) => ({ agency: byCode.get(code)!, reasons: list })),
        riskLimit,
      ).map((c) => ({ agency: c.agency, reasons: c.reasons }));
      return {
        settings: {
          noticeWorkingDays: settings.noticeWorkingDays,
          remedyWorkingDays: settings.remedyWorkingDays,
          riskLimit,
          sampleSize: settings.sampleSize ?? INSPECTION_PLAN_DEFAULTS.sampleSize,
          visitsPerDay: settings.visitsPerDay ?? INSPECTION_PLAN_DEFAULTS.visitsPerDay,
        },
        risky,
        eligible: eligible.map((a) => a.code),
      };
    },

    /** The agencies of the cycle's snapshot with these codes, in the order given (all must be eligible). */
    async inspectionAgencies(input: {
      cycleId: number;
      milestone: string;
      codes: string[];
    }): Promise<AgencyRef[]> {
      const { eligible } = await cycleContext(db, input.cycleId, input.milestone);
      const byCode = new Map(eligible.map((a) => [a.code, a]));
      return input.codes.map((code) => {
        const agency = byCode.get(code);
        if (!agency) {
          throw ApplicationFailure.nonRetryable(
            `${code} is not in the cycle's directory snapshot for inspections`,
            'InspectionPlanRefused',
          );
        }
        return agency;
      });
    },
  };
}
