import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import definitions from '../../config/search-attributes.json';

/**
 * The project's custom search attributes, one source for the dev server's registration (scripts/stack
 * reads the same JSON), the test environments and workflow code. Operators filter on them in the Temporal
 * UI, e.g. `PhStage = "overdue" AND PhYear = 2027`.
 */
export const PhProgram = defineSearchAttributeKey('PhProgram', SearchAttributeType.KEYWORD);
export const PhYear = defineSearchAttributeKey('PhYear', SearchAttributeType.INT);
export const PhAgency = defineSearchAttributeKey('PhAgency', SearchAttributeType.KEYWORD);
export const PhMilestone = defineSearchAttributeKey('PhMilestone', SearchAttributeType.KEYWORD);
export const PhStage = defineSearchAttributeKey('PhStage', SearchAttributeType.KEYWORD);
export const PhDueAt = defineSearchAttributeKey('PhDueAt', SearchAttributeType.DATETIME);

export const allSearchAttributes = [PhProgram, PhYear, PhAgency, PhMilestone, PhStage, PhDueAt];

/** Registered definitions, as in config/search-attributes.json (name → Temporal type name). */
export const searchAttributeDefinitions: Record<string, string> = Object.fromEntries(
  Object.entries(definitions).filter(([name]) => !name.startsWith('$')),
);
