// A stored program version back as a program file: the validated definition (every milestone filled from
// `defaults`, see schema.ts) turned into the file's form, with what all milestones share moved back into
// `defaults`, so that loading the exported file gives the same definition and so the same hash. Every field
// of the definition is carried (the optional `report` block included): nothing is picked by name except
// what resolution itself added (a milestone's `assignee`, a consolidation's empty `groups`).
import { stringify } from 'yaml';
import { canonicalJson } from './canonical-json';
import { TEMPLATE_SLOTS } from './template-variables';
import type { Milestone, ProgramDefinition } from './types';

/** Milestone settings `defaults` can hold, in the order a file lists them. */
const SHARED = ['reminders', 'requestWorkingDaysBefore', 'escalation'] as const;

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** The definition as a program file's data (before YAML): `defaults` factored out, resolution undone. */
export function programFileData(definition: ProgramDefinition): Record<string, unknown> {
  const { milestones, ...rest } = definition;
  const defaults: Record<string, unknown> = {};
  for (const field of SHARED) {
    const first = milestones[0]![field];
    if (milestones.every((m) => same(m[field], first))) defaults[field] = first;
  }
  const templates: Record<string, string> = {};
  for (const slot of TEMPLATE_SLOTS) {
    const first = milestones[0]!.templates[slot];
    if (milestones.every((m) => m.templates[slot] === first)) templates[slot] = first;
  }
  if (Object.keys(templates).length > 0) defaults.templates = templates;
  const addressees = definition.addressees as string[];
  const fileMilestones = milestones.map((m: Milestone) => {
    const { groups, templates: own } = m;
    // `assignee` is what resolution adds; the file never has it.
    const out: Record<string, unknown> = Object.fromEntries(
      Object.entries(m).filter(([k]) => !['assignee', 'groups', 'templates'].includes(k)),
    );
    if (m.kind !== 'consolidation' && !same(groups, addressees)) out.groups = groups;
    for (const field of SHARED) if (field in defaults) delete out[field];
    const ownTemplates = Object.fromEntries(
      TEMPLATE_SLOTS.filter((slot) => !(slot in templates)).map((slot) => [slot, own[slot]]),
    );
    if (Object.keys(ownTemplates).length > 0) out.templates = ownTemplates;
    return out;
  });
  const { code, title, document, report, lead, timezone, language, coordinators, leadership, cycle } = rest;
  const known = {
    code,
    title,
    document,
    report,
    lead,
    timezone,
    language,
    coordinators,
    leadership,
    addressees: definition.addressees,
    cycle,
    defaults: Object.keys(defaults).length > 0 ? defaults : undefined,
    milestones: fileMilestones,
    templates: definition.templates,
  };
  // Any field added to the schema later and not named above still goes to the file (before milestones).
  const others = Object.fromEntries(Object.entries(rest).filter(([k]) => !(k in known)));
  return JSON.parse(JSON.stringify({ ...known, ...others })) as Record<string, unknown>;
}

/** The definition as the text of a program file (YAML), ready to load back with parseProgram. */
export function programFileText(definition: ProgramDefinition, header?: string): string {
  const body = stringify(programFileData(definition), { lineWidth: 0, aliasDuplicateObjects: false });
  return header ? `${header.replace(/^/gm, '# ')}\n${body}` : body;
}
