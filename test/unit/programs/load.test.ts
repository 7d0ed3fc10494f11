import path from 'node:path';
import { canonicalJson } from '../../../src/programs/canonical-json';
import { ProgramValidationError, type ProgramIssue } from '../../../src/programs/errors';
import { loadProgramFile, loadPrograms, parseProgram, PROGRAMS_DIR } from '../../../src/programs/load';
import { milestonesForAgency, milestonesForGroup, parseDueEvent } from '../../../src/programs/types';
import { lineOf, VALID_PROGRAM, variant } from './fixture';

const FILE = 'programs/test.yaml';

function issuesOf(text: string): ProgramIssue[] {
  try {
    parseProgram(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ProgramValidationError);
    return (error as ProgramValidationError).issues;
  }
  throw new Error('expected the definition to be rejected');
}

function onlyIssue(text: string): ProgramIssue {
  const issues = issuesOf(text);
  expect(issues).toHaveLength(1);
  return issues[0] as ProgramIssue;
}

describe('the shipped program', () => {
  it('validates, with its five milestones filled from the defaults', () => {
    const loaded = loadProgramFile(path.join(PROGRAMS_DIR, 'dien-bien-kh99.yaml'));
    const def = loaded.definition;
    expect(def.code).toBe('dien-bien-kh99');
    expect(def.document).toMatchObject({ number: '99/KH-UBND', date: '2022-01-12' });
    expect(def.lead).toBe('SO-VHTTDL');
    expect(def.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(def.milestones.map((m) => [m.key, m.kind])).toEqual([
      ['annual-plan', 'plan'],
      ['report-6m', 'report'],
      ['inspection', 'inspection'],
      ['report-annual', 'report'],
      ['consolidation', 'consolidation'],
    ]);
    const report6m = def.milestones[1];
    expect(report6m?.period).toEqual({
      from: { month: 12, day: 15, yearOffset: -1 },
      to: { month: 6, day: 14 },
    });
    expect(def.milestones[3]?.period?.to).toEqual({ month: 12, day: 14 });
    for (const m of def.milestones) {
      expect(m.escalation.map((s) => s.step)).toEqual(['overdue', 'escalate-head', 'escalate-leadership']);
      expect(Object.keys(m.templates).sort()).toEqual(
        ['accepted', 'escalation', 'overdue', 'received', 'reminder', 'request', 'returned'].sort(),
      );
    }
    expect(def.milestones[4]).toMatchObject({ assignee: 'lead', groups: [], reminders: [3, 1, 0] });
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the canonical definition: the same content gives the same hash, a change another', () => {
    const [shipped] = loadPrograms();
    expect(shipped).toBeDefined();
    const again = loadProgramFile(shipped!.file);
    expect(again.hash).toBe(shipped!.hash);
    const reordered = parseProgram(variant('code: test-program\n', '') + 'code: test-program\n', FILE);
    expect(reordered.hash).toBe(parseProgram(VALID_PROGRAM, FILE).hash);
    expect(parseProgram(variant('workingDays: 10', 'workingDays: 11'), FILE).hash).not.toBe(reordered.hash);
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: undefined }] })).toBe('{"a":[2,{"d":1}],"b":1}');
  });

  it('asks for figures with the reports: typed, labelled in both languages, optional unless marked', () => {
    const def = loadProgramFile(path.join(PROGRAMS_DIR, 'dien-bien-kh99.yaml')).definition;
    const figures = (key: string) => def.milestones.find((m) => m.key === key)!.figures;
    expect(figures('annual-plan')).toEqual([]);
    expect(figures('report-6m').map((f) => [f.key, f.type, f.required])).toEqual([
      ['events-held', 'integer', true],
      ['participants', 'integer', false],
      ['violence-cases', 'integer', false],
      ['cultural-families', 'percent', false],
    ]);
    expect(figures('report-annual')).toEqual(figures('report-6m'));
  });

  it('puts the agency’s link in every email, in both languages', () => {
    const program = loadProgramFile(path.join(PROGRAMS_DIR, 'dien-bien-kh99.yaml')).definition;
    const missing = Object.entries(program.templates).flatMap(([name, t]) =>
      (['vi', 'en'] as const)
        .filter((lang) => !t.body[lang].includes('{{ link }}'))
        .map((l) => `${name}.${l}`),
    );
    expect(missing).toEqual([]);
  });

  it('has Vietnamese milestone titles that read well before "năm <year>" (no "năm năm")', () => {
    const program = loadProgramFile(path.join(PROGRAMS_DIR, 'dien-bien-kh99.yaml')).definition;
    const doubled = program.milestones.filter((m) => /\bnăm$/.test(m.title.vi)).map((m) => m.key);
    expect(doubled).toEqual([]);
  });

  it('tells which milestones an agency owes', () => {
    const def = loadPrograms()[0]!.definition;
    expect(milestonesForGroup(def, 'mass_organisation').map((m) => m.key)).toEqual([
      'annual-plan',
      'report-6m',
      'report-annual',
    ]);
    expect(milestonesForAgency(def, 'SO-VHTTDL', 'department').map((m) => m.key)).toContain('consolidation');
    expect(milestonesForAgency(def, 'SO-YT', 'department').map((m) => m.key)).not.toContain('consolidation');
    expect(parseDueEvent('milestone:report-annual')).toEqual({ kind: 'milestone', key: 'report-annual' });
  });
});

describe('schema errors name the file, the path, the line and what is expected', () => {
  it('accepts the fixture', () => {
    expect(parseProgram(VALID_PROGRAM, FILE).definition.milestones).toHaveLength(2);
  });

  it('a wrong type', () => {
    const text = variant('workingDays: 10', 'workingDays: ten');
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({
      file: FILE,
      path: 'milestones[0].due.after.workingDays',
      line: lineOf(text, 'workingDays: ten'),
    });
    expect(issue.message).toMatch(
      /expected a number of working days: a whole number 0 or more.*got string "ten"/,
    );
  });

  it('a missing field points at the enclosing node', () => {
    const text = variant('    title: { vi: Kế hoạch năm, en: Annual plan }\n', '');
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({ path: 'milestones[0].title', line: lineOf(text, '- key: annual-plan') });
    expect(issue.message).toMatch(/got nothing \(the field is missing\)/);
  });

  it('an unknown field (a typo) points at the key itself', () => {
    const text = variant('    kind: plan\n', '    kind: plan\n    dueDate: 2024-02-01\n');
    expect(onlyIssue(text)).toMatchObject({
      path: 'milestones[0].dueDate',
      line: lineOf(text, 'dueDate:'),
      message: expect.stringMatching(/unknown field "dueDate"/),
    });
  });

  it('a bad email, a bad kind, an impossible date and a bad group, all at once', () => {
    const text = variant('giadinh@sovhttdl.dienbien.example', 'giadinh-at-sovhttdl')
      .replace('kind: plan', 'kind: planning')
      .replace('to: { month: 6, day: 14 }', 'to: { month: 6, day: 31 }')
      .replace('addressees: [department, commune_committee]', 'addressees: [department, communes]');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['coordinators[0].email', lineOf(text, 'giadinh-at')],
      ['addressees[1]', lineOf(text, 'addressees:')],
      ['milestones[0].kind', lineOf(text, 'kind: planning')],
      ['milestones[1].period.to.day', lineOf(text, 'to: { month: 6, day: 31 }')],
    ]);
    expect(issues[0]?.message).toMatch(/expected an email address/);
    expect(issues[1]?.message).toMatch(/expected an agency group: one of department, mass_organisation/);
    expect(issues[2]?.message).toMatch(/expected a kind: one of plan, report, inspection, consolidation/);
    expect(issues[3]?.message).toMatch(/expected a day from 1 to 30 for month 6/);
    const error = (() => {
      try {
        parseProgram(text, FILE);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain(`${FILE}:${lineOf(text, 'giadinh-at')}:`);
  });

  it('duplicate reminders and a ladder that does not increase', () => {
    const text = variant('reminders: [5, 2, 0]', 'reminders: [5, 2, 2]').replace(
      'afterWorkingDays: 3',
      'afterWorkingDays: 1',
    );
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path)).toEqual([
      'defaults.reminders[2]',
      'defaults.escalation[1].afterWorkingDays',
    ]);
    expect(issues[0]?.message).toMatch(/duplicate reminder offset 2/);
    expect(issues[1]?.message).toMatch(/strictly increasing/);
    expect(issues[1]?.line).toBe(lineOf(text, 'afterWorkingDays: 1', lineOf(text, 'step: overdue')));
  });

  it('figures: an unknown type, a duplicate key', () => {
    const withFigures = (types: [string, string]) =>
      variant(
        '      to: { month: 6, day: 14 }\n',
        '      to: { month: 6, day: 14 }\n    figures:\n' +
          types
            .map(
              (type) => `      - { key: events-held, type: ${type}, label: { vi: Số cuộc, en: Events } }\n`,
            )
            .join(''),
      );
    const badType = onlyIssue(withFigures(['integer', 'count']));
    expect(badType.path).toBe('milestones[1].figures[1].type');
    expect(badType.message).toMatch(/expected a figure type: one of integer, decimal, percent/);
    const duplicate = onlyIssue(withFigures(['integer', 'percent']));
    expect(duplicate.path).toBe('milestones[1].figures[1]');
    expect(duplicate.message).toMatch(/duplicate figure key "events-held"/);
  });

  it('a due rule that is neither fixed nor after, and a report without a period, reported together', () => {
    const text = variant(
      '    period:\n      from: { month: 12, day: 15, yearOffset: -1 }\n      to: { month: 6, day: 14 }\n',
      '',
    ).replace(
      '    due:\n      after:\n        event: cycle-start',
      '    due:\n      when:\n        event: cycle-start',
    );
    const paths = issuesOf(text).map((i) => `${i.path}: ${i.message}`);
    expect(paths).toEqual([
      expect.stringMatching(/^milestones\[0\]\.due\.when: unknown field "when"/),
      expect.stringMatching(/^milestones\[0\]\.due: expected exactly one of \{ fixed/),
      'milestones[1].period: a report milestone needs its data period: { from: { month, day, yearOffset }, to: { month, day } }',
      'milestones[1].due.after.event: "period-end" needs a data period on this milestone',
    ]);
  });

  it('a group the program does not address, and a report without its period', () => {
    const text = variant('    kind: plan\n', '    kind: plan\n    groups: [mass_organisation]\n').replace(
      '    period:\n      from: { month: 12, day: 15, yearOffset: -1 }\n      to: { month: 6, day: 14 }\n',
      '',
    );
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path)).toEqual([
      'milestones[0].groups[0]',
      'milestones[1].period',
      'milestones[1].due.after.event',
    ]);
    expect(issues[0]?.message).toMatch(/not addressed by the program/);
    expect(issues[2]?.message).toMatch(/"period-end" needs a data period/);
  });

  it('YAML syntax errors and duplicate keys, with their lines', () => {
    const text = variant('lead: SO-VHTTDL\n', 'lead: SO-VHTTDL\nlead: SO-YT\n');
    const issue = onlyIssue(text);
    expect(issue.line).toBe(lineOf(text, 'lead: SO-YT'));
    expect(issue.message).toMatch(/not valid YAML: Map keys must be unique/);
    const broken = variant(
      'addressees: [department, commune_committee]',
      'addressees: [department, commune_committee',
    );
    expect(onlyIssue(broken).message).toMatch(/not valid YAML/);
  });
});

describe('due-date references', () => {
  it('an unknown milestone', () => {
    const text = variant('event: period-end', "event: 'milestone:report-9m'");
    expect(onlyIssue(text)).toMatchObject({
      path: 'milestones[1].due.after.event',
      line: lineOf(text, 'milestone:report-9m'),
      message: expect.stringMatching(/unknown milestone "report-9m"/),
    });
  });

  it('a later milestone (which also rules out cycles)', () => {
    const text = variant('event: cycle-start', "event: 'milestone:report-6m'");
    expect(onlyIssue(text)).toMatchObject({
      path: 'milestones[0].due.after.event',
      message: expect.stringMatching(/"report-6m" comes later in the list/),
    });
  });

  it('itself', () => {
    const text = variant('event: cycle-start', "event: 'milestone:annual-plan'");
    expect(onlyIssue(text).message).toMatch(/cannot be due after itself/);
  });

  it('an earlier milestone is fine, and so is a malformed event name reported as such', () => {
    expect(() =>
      parseProgram(variant('event: period-end', "event: 'milestone:annual-plan'"), FILE),
    ).not.toThrow();
    expect(onlyIssue(variant('event: cycle-start', 'event: cycle-begin')).message).toMatch(
      /expected an event: "cycle-start", "period-end" or "milestone:<key>"/,
    );
  });

  it('duplicate milestone keys', () => {
    const text = variant('- key: report-6m', '- key: annual-plan');
    const issues = issuesOf(text);
    expect(issues[0]).toMatchObject({
      path: 'milestones[1].key',
      message: 'duplicate milestone key "annual-plan"',
    });
  });
});

describe('templates', () => {
  it('an unknown variable names the template and the variable', () => {
    const text = variant(
      "body: { vi: 'Kính gửi: {{ agency_name }}'",
      "body: { vi: 'Kính gửi: {{ agency_nam }}'",
    );
    const issue = onlyIssue(text);
    expect(issue).toMatchObject({ path: 'templates.generic.body.vi', line: lineOf(text, 'agency_nam }}') });
    expect(issue.message).toMatch(
      /template "generic" uses unknown variable "agency_nam"; documented variables: program_title/,
    );
  });

  it('a template that does not compile, or uses an unknown filter', () => {
    const text = variant(
      "en: 'To: {{ agency_name }}'",
      "en: 'To: {% if agency_name %}{{ agency_name | shout }}'",
    );
    const issue = onlyIssue(text);
    expect(issue.path).toBe('templates.generic.body.en');
    expect(issue.message).toMatch(
      /template "generic" does not compile: (undefined filter: shout|tag .* not closed)/,
    );
  });

  it('an unknown template reference', () => {
    const text = variant('    reminder: generic\n', '    reminder: nhac-viec\n');
    expect(onlyIssue(text)).toMatchObject({
      path: 'defaults.templates.reminder',
      line: lineOf(text, 'reminder: nhac-viec'),
      message: expect.stringMatching(/unknown template "nhac-viec"; expected one of: generic/),
    });
  });

  it('a variable that the slot does not carry, or that needs a period', () => {
    const text = variant(
      "en: 'To: {{ agency_name }}'",
      "en: 'To: {{ agency_name }} {{ receipt_number }} {{ period_to }}'",
    );
    const messages = issuesOf(text).map((i) => `${i.path}: ${i.message}`);
    expect(messages).toContain(
      'milestones[0].templates.request: template "generic" uses "receipt_number", which "request" emails do not carry (only received, accepted, returned)',
    );
    expect(messages).toContain(
      'milestones[0].templates.request: template "generic" uses "period_to", but milestone "annual-plan" has no data period',
    );
    expect(
      messages.some((m) => m.startsWith('milestones[1].templates.received') && m.includes('period_to')),
    ).toBe(false);
  });
});
