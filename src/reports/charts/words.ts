// Words of the progress charts (dashboard and consolidated report), Vietnamese and English. Pure.
import type { ReportLang } from '../labels';

export interface ChartWords {
  submissionsTitle: (milestone: string) => string;
  statesTitle: (milestone: string) => string;
  outcomesTitle: string;
  onTimeTitle: (what: string) => string;
  allMilestones: string;
  due: string;
  dueLong: string;
  step: (n: number, days: number) => string;
  day: string;
  submitted: string;
  ofOwed: (count: number, owed: number) => string;
  summary: (submitted: number, owed: number, byDue: number, due: string) => string;
  group: string;
  total: string;
  none: string;
  noData: string;
  year: (year: number) => string;
  chartsHeading: string;
  chartsNote: string;
  chartFor: string;
  tableCaption: (title: string) => string;
  onTimeRow: string;
  acceptedOnTime: string;
  acceptedLate: string;
}

export const CHART_WORDS: Record<ReportLang, ChartWords> = {
  vi: {
    submissionsTitle: (m) => `Tiến độ gửi báo cáo: ${m}`,
    statesTitle: (m) => `Trạng thái theo nhóm đơn vị: ${m}`,
    outcomesTitle: 'Kết quả thực hiện theo nhóm đơn vị (tất cả các mốc)',
    onTimeTitle: (what) => `Tỷ lệ gửi đúng hạn theo nhóm đơn vị: ${what}`,
    allMilestones: 'tất cả các mốc',
    due: 'Hạn',
    dueLong: 'Hạn gửi',
    step: (n, days) => `Đôn đốc lần ${n} (quá hạn ${days} ngày làm việc)`,
    day: 'Ngày',
    submitted: 'Số đơn vị đã gửi (lũy kế)',
    ofOwed: (count, owed) => `${count}/${owed} đơn vị đã gửi`,
    summary: (submitted, owed, byDue, due) =>
      `${submitted}/${owed} đơn vị đã gửi` + (due ? `; ${byDue} đơn vị gửi trước hoặc đúng hạn ${due}` : ''),
    group: 'Nhóm đơn vị',
    total: 'Tổng',
    none: 'không có',
    noData: 'Không có số liệu',
    year: (year) => `Năm ${year}`,
    chartsHeading: 'Biểu đồ tiến độ',
    chartsNote: 'Số liệu của từng biểu đồ ở bảng ngay bên dưới.',
    chartFor: 'Mốc',
    tableCaption: (title) => `Số liệu: ${title}`,
    onTimeRow: 'Tỷ lệ đúng hạn',
    acceptedOnTime: 'Đã chấp nhận, đúng hạn',
    acceptedLate: 'Đã chấp nhận, muộn',
  },
  en: {
    submissionsTitle: (m) => `Submissions over time: ${m}`,
    statesTitle: (m) => `States by agency group: ${m}`,
    outcomesTitle: 'Outcomes by agency group (all milestones)',
    onTimeTitle: (what) => `On-time rate by agency group: ${what}`,
    allMilestones: 'all milestones',
    due: 'Due',
    dueLong: 'Due date',
    step: (n, days) => `Escalation ${n} (${days} working days overdue)`,
    day: 'Day',
    submitted: 'Agencies submitted (cumulative)',
    ofOwed: (count, owed) => `${count}/${owed} agencies submitted`,
    summary: (submitted, owed, byDue, due) =>
      `${submitted}/${owed} agencies submitted` + (due ? `; ${byDue} by the due date ${due}` : ''),
    group: 'Agency group',
    total: 'Total',
    none: 'none',
    noData: 'No data',
    year: (year) => `${year}`,
    chartsHeading: 'Progress charts',
    chartsNote: 'The numbers of each chart are in the table below it.',
    chartFor: 'Milestone',
    tableCaption: (title) => `Numbers: ${title}`,
    onTimeRow: 'On-time rate',
    acceptedOnTime: 'Accepted, on time',
    acceptedLate: 'Accepted, late',
  },
};
