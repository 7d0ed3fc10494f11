// The documented variables of email templates, and which template slots may use them. Pure data:
// safe to import from workflow code. The loader rejects a template that uses any other variable.

/** The template slots a milestone fills (see the program format in docs/coordinators.md, "Program files"). */
export const TEMPLATE_SLOTS = [
  'request',
  'reminder',
  'overdue',
  'escalation',
  'received',
  'accepted',
  'returned',
] as const;
export type TemplateSlot = (typeof TEMPLATE_SLOTS)[number];

/**
 * The emails of the `inspection` workflow. Each slot is the name of the program template it renders
 * (`templates.<slot>` in the program file): inspections are not milestone steps, so they have no
 * per-milestone template references.
 */
export const INSPECTION_TEMPLATE_SLOTS = [
  'inspection-notice',
  'recommendation-reminder',
  'recommendation-overdue',
  'recommendation-escalation',
  'recommendation-closed',
] as const;
export type InspectionTemplateSlot = (typeof INSPECTION_TEMPLATE_SLOTS)[number];

const RECOMMENDATION_SLOTS = [
  'recommendation-reminder',
  'recommendation-overdue',
  'recommendation-escalation',
  'recommendation-closed',
] as const satisfies readonly InspectionTemplateSlot[];

export type TemplateVariableKind = 'text' | 'number' | 'date';

export interface TemplateVariableSpec {
  kind: TemplateVariableKind;
  description: string;
  /** Slots whose emails carry this variable; absent = every slot. */
  slots?: readonly (TemplateSlot | InspectionTemplateSlot)[];
  /** Only for milestones with a data period (reports). */
  needsPeriod?: boolean;
}

/**
 * Every variable a template may use. Dates are passed as ISO dates (YYYY-MM-DD) and printed per
 * language (vi: 15/06/2027, en: 15 June 2027).
 */
export const TEMPLATE_VARIABLES = {
  program_title: { kind: 'text', description: 'Title of the program (in the language of the email)' },
  program_code: { kind: 'text', description: 'Program code, e.g. dien-bien-kh99' },
  document_number: { kind: 'text', description: 'Number of the issuing document, e.g. 99/KH-UBND' },
  document_date: { kind: 'date', description: 'Date of the issuing document' },
  issuer_name: { kind: 'text', description: 'Issuer of the document, e.g. Ủy ban nhân dân tỉnh Điện Biên' },
  lead_name: { kind: 'text', description: 'Name of the lead (standing) agency, who signs the emails' },
  year: { kind: 'number', description: 'Year of the cycle' },
  agency_name: { kind: 'text', description: 'Name of the agency the obligation belongs to' },
  agency_code: { kind: 'text', description: 'Directory code of that agency' },
  recipient_name: { kind: 'text', description: 'Name of the person the email is addressed to' },
  milestone_title: { kind: 'text', description: 'Title of the milestone (in the language of the email)' },
  milestone_key: { kind: 'text', description: 'Key of the milestone, e.g. report-6m' },
  due_date: { kind: 'date', description: 'Current due date (after any extension)' },
  period_from: { kind: 'date', description: 'First day of the data period', needsPeriod: true },
  period_to: { kind: 'date', description: 'Last day of the data period (cut-off)', needsPeriod: true },
  working_days_left: {
    kind: 'number',
    description: 'Working days left until the due date (0 on the due date)',
    slots: ['request', 'reminder', 'recommendation-reminder'],
  },
  working_days_late: {
    kind: 'number',
    description: 'Working days past the due date',
    slots: ['overdue', 'escalation', 'recommendation-overdue', 'recommendation-escalation'],
  },
  step: { kind: 'text', description: 'Step of the ladder, e.g. overdue, escalate-head' },
  // Every email carries it: the agency follows its task (and its receipts) on the portal.
  link: { kind: 'text', description: 'Personal, signed link to the task in the portal' },
  receipt_number: {
    kind: 'text',
    description: 'Receipt number of the submission',
    slots: ['received', 'accepted', 'returned'],
  },
  submitted_at: {
    kind: 'date',
    description: 'Date of the submission',
    slots: ['received', 'accepted', 'returned'],
  },
  reason: {
    kind: 'text',
    description: 'Reviewer’s reason for returning the submission',
    slots: ['returned'],
  },
  note: { kind: 'text', description: 'Reviewer’s note (may be empty)', slots: ['accepted'] },
  inspection_kind: {
    kind: 'text',
    description:
      'Kind of inspection, in the language of the email: kiểm tra / thanh tra (check / inspection)',
    slots: INSPECTION_TEMPLATE_SLOTS,
  },
  visit_date: { kind: 'date', description: 'Date of the inspection visit', slots: ['inspection-notice'] },
  recommendation_number: {
    kind: 'number',
    description: 'Number of the recommendation in the conclusion (1, 2, ...)',
    slots: RECOMMENDATION_SLOTS,
  },
  recommendation_text: {
    kind: 'text',
    description: 'Text of the recommendation (kiến nghị)',
    slots: RECOMMENDATION_SLOTS,
  },
} as const satisfies Record<string, TemplateVariableSpec>;

export type TemplateVariableName = keyof typeof TEMPLATE_VARIABLES;

export const TEMPLATE_VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariableName[];

export function isTemplateVariable(name: string): name is TemplateVariableName {
  return Object.prototype.hasOwnProperty.call(TEMPLATE_VARIABLES, name);
}

/** Values for rendering: text and numbers as they are, dates as ISO dates (YYYY-MM-DD). */
export type TemplateValues = Partial<Record<TemplateVariableName, string | number>>;
