import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import { buildCalendarData } from '../calendar/load';
import { WorkingCalendar } from '../calendar/working-calendar';
import { planCycle, yearsTouchedBy } from '../cycle/plan';
import { loadPrograms } from '../programs/load';
import { loadProgramVersion, registerProgramVersion } from '../programs/store';
import { addressedAgencies } from '../cycle/addressed';
import { summarizeCycle } from '../reports/cycle-summary';
import type { ClockSpec } from '../cycle/clock';
import type { AgencyRef } from '../workflows/obligation-types';
import { cycleTotals, type CycleTotals, type PreparedCycle } from '../workflows/cycle-types';

export interface CycleActivityOptions {
  db: Database;
  /** Folder of the program files (programs/) and of the holiday year files (data/holidays). */
  programsDir: string;
  holidaysDir: string;
}

export function createCycleActivities({ db, programsDir, holidaysDir }: CycleActivityOptions) {
  return {
    /**
     * Stores the program version and the Cycle row, computes the year's plan and counts the agencies of the
     * directory snapshot. Idempotent: a retry (or a second run of the same cycle workflow) finds the Cycle
     * row and keeps the program version it started with. A cycle that already finished is refused.
     */
    async prepareCycle(input: { program: string; year: number; workflowId: string }): Promise<PreparedCycle> {
      const loaded = loadPrograms(programsDir).find((p) => p.definition.code === input.program);
      if (!loaded)
        throw ApplicationFailure.nonRetryable(
          `no program "${input.program}" in ${programsDir}`,
          'CycleRefused',
        );
      const stored = await registerProgramVersion(db, loaded.definition, loaded.hash);
      const calendarData = buildCalendarData(yearsTouchedBy(input.year), holidaysDir);
      let cycle = await db.prisma.cycle.findUnique({
        where: { programId_year: { programId: stored.programId, year: input.year } },
      });
      if (cycle && cycle.status !== 'running' && cycle.status !== 'planned') {
        throw ApplicationFailure.nonRetryable(
          `the ${input.year} cycle of ${input.program} is already ${cycle.status}; a year's cycle runs once`,
          'CycleRefused',
        );
      }
      const versionId = cycle?.programVersionId ?? stored.programVersionId;
      const definition = (await loadProgramVersion(db, { id: versionId })).definition;
      const plan = planCycle(definition, input.year, new WorkingCalendar(calendarData));
      if (!cycle) {
        cycle = await db.prisma.cycle.create({
          data: {
            programId: stored.programId,
            programVersionId: versionId,
            year: input.year,
            status: 'running',
            startedAt: new Date(`${plan.startsOn}T00:00:00Z`),
          },
        });
        await db.prisma.auditEvent.create({
          data: {
            actor: 'system',
            action: 'cycle.start',
            subject: input.workflowId,
            details: { cycleId: cycle.id, programVersionId: versionId, startsOn: plan.startsOn },
          },
        });
      }
      const agencies = await addressedAgencies(db, definition, plan.startsOn);
      return {
        cycleId: cycle.id,
        programVersionId: versionId,
        lead: definition.lead,
        plan,
        calendar: calendarData,
        agencyCount: agencies.length,
      };
    },

    /** One slice of the agencies a cycle addresses, in code order (the same on every call). */
    async loadCycleAgencies(input: { cycleId: number; offset: number; limit: number }): Promise<AgencyRef[]> {
      const cycle = await db.prisma.cycle.findUniqueOrThrow({ where: { id: input.cycleId } });
      const { definition } = await loadProgramVersion(db, { id: cycle.programVersionId });
      const date = (cycle.startedAt ?? cycle.createdAt).toISOString().slice(0, 10);
      return (await addressedAgencies(db, definition, date)).slice(input.offset, input.offset + input.limit);
    },

    /** Stores the cycle's one clock on its row, so that pages show the cycle's calendar. Idempotent. */
    async recordCycleClock(input: { cycleId: number; clock: ClockSpec }): Promise<void> {
      await db.prisma.cycle.update({ where: { id: input.cycleId }, data: { clock: { ...input.clock } } });
    },

    /**
     * The consolidated outcome of a finished (or cancelled) cycle, from the read model; stored on the Cycle
     * row with its final status.
     */
    async consolidateCycle(input: {
      cycleId: number;
      outcome?: 'completed' | 'cancelled';
    }): Promise<CycleTotals> {
      const cycle = await db.prisma.cycle.findUniqueOrThrow({
        where: { id: input.cycleId },
        include: { program: true },
      });
      const rows = await db.prisma.obligation.findMany({
        where: { cycleId: input.cycleId },
        include: { agency: { select: { code: true } } },
        orderBy: [{ milestoneKey: 'asc' }, { agencyId: 'asc' }],
      });
      const summary = summarizeCycle(
        cycle.program.code,
        cycle.year,
        rows.map((row) => ({
          agency: row.agency.code,
          milestone: row.milestoneKey,
          status: row.status,
          submittedAt: row.submittedAt,
          lateByWorkingDays: row.lateByWorkingDays,
          flagged: row.flagged,
        })),
      );
      await db.prisma.cycle.update({
        where: { id: input.cycleId },
        data: { status: input.outcome ?? 'completed', finishedAt: new Date(), summary: summary as object },
      });
      return cycleTotals(summary);
    },
  };
}
