// The blank starter of a new program in the dashboard's editor: the smallest complete program (one report
// a year, a two-step ladder, one template per kind of email), to be renamed and filled in. It is valid as
// it is (a test loads it), so the editor opens with a timeline already drawn.
export const STARTER_PROGRAM = `code: chuong-trinh-moi
title:
  vi: Chương trình mới
  en: New program
document:
  number: 1/KH-UBND
  date: 2026-01-05
  issuer:
    vi: Ủy ban nhân dân tỉnh Điện Biên
    en: People's Committee of Điện Biên province
lead: SO-VHTTDL
timezone: Asia/Ho_Chi_Minh
language: vi
coordinators:
  - name: Cán bộ điều phối
    email: dieuphoi@sovhttdl.dienbien.example
leadership:
  - name: Lãnh đạo Sở
    email: lanhdao@sovhttdl.dienbien.example
addressees: [department]
cycle:
  start: { month: 1, day: 15 }
defaults:
  reminders: [5, 2, 0]
  requestWorkingDaysBefore: 15
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
    request: thu-chung
    reminder: thu-chung
    overdue: thu-chung
    escalation: thu-chung
    received: thu-chung
    accepted: thu-chung
    returned: thu-chung
milestones:
  - key: bao-cao-nam
    kind: report
    title:
      vi: Báo cáo năm
      en: Annual report
    period:
      from: { month: 12, day: 15, yearOffset: -1 }
      to: { month: 12, day: 14 }
    due: { after: { event: period-end, workingDays: 2 } }
templates:
  thu-chung:
    subject:
      vi: '{{ milestone_title }} năm {{ year }} – hạn {{ due_date }}'
      en: '{{ milestone_title }} {{ year }} – due {{ due_date }}'
    body:
      vi: |
        Kính gửi: {{ agency_name }}

        Thực hiện Kế hoạch số {{ document_number }} của {{ issuer_name }}, {{ lead_name }} đề nghị quý cơ quan gửi {{ milestone_title }} năm {{ year }} trước ngày {{ due_date }} qua đường liên kết:
        {{ link }}

        Trân trọng./.
      en: |
        To: {{ agency_name }}

        Under Plan No. {{ document_number }} of the {{ issuer_name }}, the {{ lead_name }} asks your agency for its {{ milestone_title }} {{ year }} by {{ due_date }}, through the link:
        {{ link }}

        Yours faithfully.
`;
