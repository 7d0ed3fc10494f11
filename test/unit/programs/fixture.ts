// A small valid program definition that the tests break in one place at a time.

export const VALID_PROGRAM = `code: test-program
title: { vi: Chương trình thử nghiệm, en: Test program }
document:
  number: 1/KH-UBND
  date: 2024-01-10
  issuer: { vi: Ủy ban nhân dân tỉnh Điện Biên, en: People's Committee of Điện Biên province }
lead: SO-VHTTDL
timezone: Asia/Ho_Chi_Minh
coordinators:
  - { name: Lò Thị Hương, email: giadinh@sovhttdl.dienbien.example }
leadership:
  - { name: Quàng Văn Thành, email: lanhdao@ubnd.dienbien.example }
addressees: [department, commune_committee]
cycle:
  start: { month: 1, day: 15 }
defaults:
  reminders: [5, 2, 0]
  escalation:
    - afterWorkingDays: 1
      step: overdue
      recipients: [focal_point]
      flagForReport: false
      notice: overdue
    - afterWorkingDays: 3
      step: escalate-head
      recipients: [head, coordinators]
      flagForReport: true
      notice: escalation
  templates:
    request: generic
    reminder: generic
    overdue: generic
    escalation: generic
    received: generic
    accepted: generic
    returned: generic
milestones:
  - key: annual-plan
    kind: plan
    title: { vi: Kế hoạch năm, en: Annual plan }
    due:
      after:
        event: cycle-start
        workingDays: 10
  - key: report-6m
    kind: report
    title: { vi: Báo cáo 6 tháng, en: 6-month report }
    period:
      from: { month: 12, day: 15, yearOffset: -1 }
      to: { month: 6, day: 14 }
    due:
      after:
        event: period-end
        workingDays: 2
templates:
  generic:
    subject: { vi: 'Về việc {{ milestone_title }} năm {{ year }}', en: 'About {{ milestone_title }} {{ year }}' }
    body: { vi: 'Kính gửi: {{ agency_name }}', en: 'To: {{ agency_name }}' }
`;

/** Replaces one exact, unique piece of the fixture (fails loudly if it is not there exactly once). */
export function variant(replace: string, by: string, base: string = VALID_PROGRAM): string {
  const at = base.indexOf(replace);
  if (at < 0 || base.indexOf(replace, at + 1) >= 0) throw new Error(`fixture: "${replace}" is not unique`);
  return base.slice(0, at) + by + base.slice(at + replace.length);
}

/** 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  const index = lines.findIndex((line, i) => i >= from && line.includes(needle));
  if (index < 0) throw new Error(`fixture: no line contains "${needle}"`);
  return index + 1;
}
