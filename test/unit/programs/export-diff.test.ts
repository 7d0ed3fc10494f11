import path from 'node:path';
import { parse } from 'yaml';
import { diffPrograms } from '../../../src/programs/diff';
import { ProgramValidationError } from '../../../src/programs/errors';
import { programFileData, programFileText } from '../../../src/programs/export';
import { loadProgramFile, parseProgram, PROGRAMS_DIR } from '../../../src/programs/load';
import { STARTER_PROGRAM } from '../../../src/programs/starter';
import { VALID_PROGRAM, variant } from './fixture';

const SHIPPED = loadProgramFile(path.join(PROGRAMS_DIR, 'dien-bien-kh99.yaml'));

describe('exporting a stored version as a program file', () => {
  it('loads back to the same definition and hash (Plan 99, its report block included)', () => {
    expect(SHIPPED.definition.report).toBeDefined();
    const text = programFileText(SHIPPED.definition, 'exported');
    const again = parseProgram(text, 'exported.yaml');
    expect(again.hash).toBe(SHIPPED.hash);
    expect(parse(text).report).toEqual(SHIPPED.definition.report);
  });

  it('moves what every milestone shares back into defaults, and keeps what differs on the milestone', () => {
    const data = programFileData(SHIPPED.definition) as {
      defaults: Record<string, unknown>;
      milestones: Record<string, unknown>[];
    };
    // The consolidation has its own reminders ([3, 1, 0]): reminders cannot be shared.
    expect(data.defaults.reminders).toBeUndefined();
    expect(data.defaults.requestWorkingDaysBefore).toBe(15);
    expect(data.milestones.find((m) => m.key === 'consolidation')).toMatchObject({ reminders: [3, 1, 0] });
    expect(data.milestones.every((m) => !('assignee' in m))).toBe(true);
    expect(data.milestones.find((m) => m.key === 'consolidation')!.groups).toBeUndefined();
  });

  it('round-trips a program whose milestones differ in every shared setting', () => {
    const text = variant(
      '        workingDays: 10',
      '        workingDays: 10\n    reminders: [1]\n    requestWorkingDaysBefore: 4\n    escalation: []\n    templates: { request: other }\n    groups: [department]',
    ).replace(
      'templates:\n  generic:',
      "templates:\n  other:\n    subject: { vi: 'Khác', en: 'Other' }\n    body: { vi: 'Khác', en: 'Other' }\n  generic:",
    );
    const loaded = parseProgram(text, 'varied.yaml');
    expect(parseProgram(programFileText(loaded.definition), 'again.yaml').hash).toBe(loaded.hash);
  });
});

describe('the difference between two versions', () => {
  const before = parseProgram(VALID_PROGRAM, 'a.yaml').definition;

  it('names each changed value by its path, milestones by key', () => {
    const after = parseProgram(
      variant('        workingDays: 10', '        workingDays: 12').replace(
        'Kế hoạch năm',
        'Kế hoạch hằng năm',
      ),
      'b.yaml',
    ).definition;
    expect(diffPrograms(before, after)).toEqual([
      {
        path: 'milestones[annual-plan].title.vi',
        kind: 'changed',
        before: 'Kế hoạch năm',
        after: 'Kế hoạch hằng năm',
      },
      { path: 'milestones[annual-plan].due.after.workingDays', kind: 'changed', before: '10', after: '12' },
    ]);
  });

  it('lists added and removed milestones and nothing for equal versions', () => {
    expect(diffPrograms(before, before)).toEqual([]);
    const fewer = { ...before, milestones: before.milestones.slice(0, 1) };
    const changes = diffPrograms(before, fewer);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ path: 'milestones[report-6m]', kind: 'removed' });
    expect(diffPrograms(fewer, before)[0]).toMatchObject({ path: 'milestones[report-6m]', kind: 'added' });
  });
});

describe('a reminder earlier than the request', () => {
  it('is refused where the reminders are written', () => {
    const text = variant('reminders: [5, 2, 0]', 'reminders: [5, 2, 0]\n  requestWorkingDaysBefore: 5');
    let issues: ProgramValidationError['issues'] = [];
    try {
      parseProgram(text, 'r.yaml');
    } catch (error) {
      issues = (error as ProgramValidationError).issues;
    }
    expect(issues.map((i) => i.path)).toEqual(['defaults.reminders[0]']);
    expect(issues[0]!.message).toMatch(
      /reminder 5 working days before the due date is not after the request/,
    );
  });
});

describe('the blank starter of the editor', () => {
  it('is a complete program as it is', () => {
    const loaded = parseProgram(STARTER_PROGRAM, 'starter.yaml');
    expect(loaded.definition.milestones.map((m) => m.key)).toEqual(['bao-cao-nam']);
    expect(parseProgram(programFileText(loaded.definition), 'again.yaml').hash).toBe(loaded.hash);
  });
});
