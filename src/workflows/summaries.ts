// The summaries the Temporal UI shows for each workflow in its list and on its page (the start option
// `staticSummary`, user metadata fixed at start): who and what a workflow is about, readable without
// opening its input. Data only (names, codes, dates), no words to translate. Pure, workflow-safe.
import type { IsoDate } from '../calendar/dates';
import type { AgencyRef } from './obligation-types';

/** "Sở Y tế (SO-YT) · dien-bien-kh99 2027 · annual-plan, report-6m": an agency and what it owes. */
export function agencySummary(
  program: string,
  year: number,
  agency: AgencyRef,
  milestones: readonly { key: string }[],
): string {
  return `${agency.name} (${agency.code}) · ${program} ${year} · ${milestones.map((m) => m.key).join(', ')}`;
}

/** The agency workflow's details: each milestone it owes with its request and due dates (markdown). */
export function agencyDetails(
  milestones: readonly { key: string; requestOn: IsoDate; due: IsoDate }[],
): string {
  return milestones.map((m) => `- ${m.key}: ${m.requestOn} → ${m.due}`).join('\n');
}

/** "99/KH-UBND · dien-bien-kh99 · 2027": a program's yearly cycle, by its document number. */
export function cycleSummary(program: string, year: number, documentNumber: string): string {
  return `${documentNumber} · ${program} · ${year}`;
}

/** "dien-bien-kh99 2027 · batch 2: agencies 501–1000": one batch of a cycle's `total` agencies. */
export function batchSummary(
  program: string,
  year: number,
  offset: number,
  limit: number,
  total: number,
): string {
  const last = Math.min(offset + limit, total);
  return `${program} ${year} · batch ${Math.floor(offset / limit) + 1}: agencies ${offset + 1}–${last}`;
}

/** "Sở Y tế (SO-YT) · dien-bien-kh99 2027 · inspection thanh_tra 2027-10-14": an agency's inspection. */
export function inspectionSummary(
  program: string,
  year: number,
  agency: AgencyRef,
  kind: string,
  visitOn: IsoDate,
): string {
  return `${agency.name} (${agency.code}) · ${program} ${year} · inspection ${kind} ${visitOn}`;
}
