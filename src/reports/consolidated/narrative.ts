// The report's narrative: a few paragraphs in formal administrative Vietnamese (or English), written from
// the numbers. Pure.
import type { ReportLang } from '../labels';
import { formatCivilDate, formatDelta, formatFigure, formatNumber, formatPercent } from './format';
import type { ConsolidatedReport, FigureTotal, ListedAgency, RateCounts } from './types';
import { agencyName, groupLabel, milestoneTitle } from './words';

/** "a, b và c" / "a, b and c". */
function joinList(items: readonly string[], lang: ReportLang): string {
  if (items.length <= 1) return items.join('');
  const last = lang === 'vi' ? ' và ' : ' and ';
  return `${items.slice(0, -1).join(', ')}${last}${items.at(-1)}`;
}

/** First letter in lower case (a label used inside a sentence). */
function inSentence(text: string): string {
  return text.charAt(0).toLocaleLowerCase('vi') + text.slice(1);
}

function ratio(c: RateCounts, lang: ReportLang): string {
  return `${formatNumber(c.onTime, lang)}/${formatNumber(c.owed, lang)}`;
}

/** Names of listed agencies with their milestones ("Sở Y tế (Báo cáo 6 tháng, muộn 3 ngày làm việc)"). */
function namesOf(report: ConsolidatedReport, list: readonly ListedAgency[], lang: ReportLang): string {
  const vi = lang === 'vi';
  return joinList(
    list.map((a) => {
      const notes = a.milestones.map((m) => {
        const title = milestoneTitle(report.milestones, m.milestone, lang);
        if (m.days === undefined) return title;
        return vi
          ? `${title}, muộn ${formatNumber(m.days, lang)} ngày làm việc`
          : `${title}, ${formatNumber(m.days, lang)} working day${m.days === 1 ? '' : 's'} late`;
      });
      return `${agencyName(a, lang)} (${notes.join('; ')})`;
    }),
    lang,
  );
}

/** Most agencies a paragraph names one by one; past that it gives the count and points to the list. */
const MAX_NAMED = 12;

function figureText(f: FigureTotal & { value: number }, lang: ReportLang): string {
  const value = formatFigure(f.value, lang, f.aggregate === 'mean' ? 1 : 2);
  const unit = f.unit ? (f.unit[lang] === '%' ? '%' : ` ${f.unit[lang]}`) : '';
  const mean = f.aggregate === 'mean' ? (lang === 'vi' ? ' (bình quân)' : ' (average)') : '';
  return `${inSentence(f.label[lang])}: ${value}${unit}${mean}`;
}

function milestoneSentence(report: ConsolidatedReport, index: number, lang: ReportLang): string {
  const rates = report.rates[index]!;
  const c = rates.overall;
  const vi = lang === 'vi';
  const title = milestoneTitle(report.milestones, rates.milestone, lang);
  const year = report.cycle.year;
  if (c.owed === 0) {
    return vi
      ? `Đối với ${title}, năm ${year} không có đơn vị nào phải gửi (${formatNumber(c.waived + c.cancelled, lang)} trường hợp được miễn hoặc đã hủy).`
      : `For the ${inSentence(title)}, no agency owed it in ${year} (${formatNumber(c.waived + c.cancelled, lang)} waived or cancelled).`;
  }
  const parts: string[] = [];
  const row = report.comparison?.milestones.find((m) => m.milestone === rates.milestone);
  const previousYear = report.comparison?.previousYear;
  const delta =
    row && row.ratePoints !== null
      ? vi
        ? `, ${formatDelta(row.ratePoints, lang)} so với năm ${previousYear}`
        : `, ${formatDelta(row.ratePoints, lang)} on ${previousYear}`
      : '';
  const share = `${ratio(c, lang)} ${vi ? 'đơn vị' : c.owed === 1 ? 'agency' : 'agencies'} (${formatPercent(c.rate, lang)})`;
  // The first milestone opens with the year; the others with their title.
  parts.push(
    vi
      ? index === 0
        ? `Năm ${year}, ${share} gửi ${title} đúng hạn${delta}`
        : `Đối với ${title}, ${share} gửi đúng hạn${delta}`
      : index === 0
        ? `In ${year}, ${share} sent the ${inSentence(title)} on time${delta}`
        : `For the ${inSentence(title)}, ${share} ${c.owed === 1 ? 'was' : 'were'} on time${delta}`,
  );
  if (c.late > 0) {
    const average = formatNumber(c.averageLateDays ?? 0, lang, 1);
    parts.push(
      vi
        ? `${formatNumber(c.late, lang)} đơn vị gửi muộn (bình quân ${average} ngày làm việc)`
        : `${formatNumber(c.late, lang)} sent it late (by ${average} working days on average)`,
    );
  }
  if (c.missing > 0)
    parts.push(
      vi
        ? `${formatNumber(c.missing, lang)} đơn vị chưa gửi`
        : `${formatNumber(c.missing, lang)} did not send it`,
    );
  if (c.waived > 0)
    parts.push(
      vi
        ? `${formatNumber(c.waived, lang)} đơn vị được miễn`
        : `${formatNumber(c.waived, lang)} ${c.waived === 1 ? 'was' : 'were'} waived`,
    );
  if (c.late === 0 && c.missing === 0)
    parts.push(vi ? 'tất cả các đơn vị phải gửi đều gửi đúng hạn' : 'every agency that owed it was on time');
  return `${parts.join('; ')}.`;
}

/** The narrative paragraphs of a report, in `lang`. */
export function writeNarrative(report: ConsolidatedReport, lang: ReportLang): string[] {
  const vi = lang === 'vi';
  const { document: doc, cycle } = report;
  const paragraphs: string[] = [];
  const agencies = report.compliance.length;
  // Group names contain commas and "và": listed with semicolons.
  const groups = report.groups.map((g) => groupLabel(g, lang)).join('; ');
  const groupCount = formatNumber(report.groups.length, lang);
  paragraphs.push(
    vi
      ? `Thực hiện Kế hoạch số ${doc.number} ngày ${formatCivilDate(doc.date)} của ${doc.issuer.vi}, năm ${cycle.year} có ${formatNumber(agencies, lang)} đơn vị thuộc ${groupCount} nhóm (${groups}) được giao ${formatNumber(report.milestones.length, lang)} nhiệm vụ có thời hạn. Tỷ lệ đúng hạn được tính bằng số đơn vị gửi đúng hạn trên số đơn vị phải gửi; các trường hợp được miễn không tính vào số phải gửi.`
      : `Under Plan No. ${doc.number} of ${formatCivilDate(doc.date)} of the ${doc.issuer.en}, ${formatNumber(agencies, lang)} agencies in ${groupCount} group${report.groups.length === 1 ? '' : 's'} (${groups}) had ${formatNumber(report.milestones.length, lang)} tasks with deadlines in ${cycle.year}. The on-time rate is the number of agencies that reported on time divided by the number that owed the report; waived obligations are not counted as owed.`,
  );
  if (report.rates.length > 0)
    paragraphs.push(report.rates.map((_, i) => milestoneSentence(report, i, lang)).join(' '));

  const overall = report.totals.overall;
  if (report.groups.length > 1 && overall.owed > 0) {
    const parts = report.totals.byGroup
      .filter((g) => g.counts.owed > 0)
      .map((g) =>
        vi
          ? `${groupLabel(g.group, lang)} đạt ${formatPercent(g.counts.rate, lang)} (${ratio(g.counts, lang)} lượt)`
          : `${groupLabel(g.group, lang)} ${formatPercent(g.counts.rate, lang)} (${ratio(g.counts, lang)})`,
      );
    paragraphs.push(
      vi
        ? `Tính chung các nhiệm vụ, tỷ lệ gửi đúng hạn đạt ${formatPercent(overall.rate, lang)} (${ratio(overall, lang)} lượt); theo nhóm đơn vị: ${parts.join('; ')}.`
        : `Across all tasks, the on-time rate was ${formatPercent(overall.rate, lang)} (${ratio(overall, lang)}); by group: ${parts.join('; ')}.`,
    );
  }

  const named: string[] = [];
  for (const [list, viLabel, enLabel, section] of [
    [report.late, 'Các đơn vị gửi muộn', 'Agencies that reported late', 'II.2'],
    [report.missing, 'Các đơn vị chưa gửi', 'Agencies that did not report', 'II.3'],
  ] as const) {
    if (list.length === 0) continue;
    named.push(
      list.length <= MAX_NAMED
        ? `${vi ? viLabel : enLabel}: ${namesOf(report, list, lang)}.`
        : vi
          ? `${viLabel}: ${formatNumber(list.length, lang)} đơn vị (danh sách tại Mục ${section}).`
          : `${enLabel}: ${formatNumber(list.length, lang)} (listed in section ${section}).`,
    );
  }
  if (report.flagged.length > 0) {
    const names = joinList(
      report.flagged.map((a) => agencyName(a, lang)),
      lang,
    );
    named.push(
      vi
        ? `Các đơn vị đã được đôn đốc đến cấp lãnh đạo mà vẫn chậm trễ, bị nêu tên trong báo cáo: ${report.flagged.length <= MAX_NAMED ? names : `${formatNumber(report.flagged.length, lang)} đơn vị (danh sách tại Mục II.4)`}.`
        : `Agencies still late after escalation to the leadership, named in this report: ${report.flagged.length <= MAX_NAMED ? names : `${formatNumber(report.flagged.length, lang)} (listed in section II.4)`}.`,
    );
  }
  if (named.length > 0) paragraphs.push(named.join(' '));

  for (const block of report.figures) {
    if (block.submissions === 0) continue;
    const title = milestoneTitle(report.milestones, block.milestone, lang);
    const given = block.figures
      .filter((f): f is FigureTotal & { value: number } => f.value !== null)
      .map((f) => figureText(f, lang));
    if (given.length === 0) continue;
    paragraphs.push(
      vi
        ? `Tổng hợp số liệu từ ${formatNumber(block.submissions, lang)} ${title.toLocaleLowerCase('vi')} của các đơn vị: ${given.join('; ')}.`
        : `Figures from ${formatNumber(block.submissions, lang)} agencies' ${inSentence(title)}s: ${given.join('; ')}.`,
    );
  }

  const inspections = report.inspections;
  if (inspections.findings.length === 0) {
    paragraphs.push(
      vi ? 'Trong năm chưa ghi nhận cuộc kiểm tra nào.' : 'No inspections recorded this cycle.',
    );
  } else {
    const r = inspections.recommendations;
    const n = (value: number) => formatNumber(value, lang);
    const year = report.cycle.year;
    paragraphs.push(
      vi
        ? `Năm ${year} đã kiểm tra ${n(inspections.agencies)} đơn vị, ban hành ${n(r.total)} kiến nghị; ${n(r.closed)} kiến nghị đã khắc phục, ${n(r.open)} kiến nghị còn mở${r.overdue > 0 ? `, trong đó ${n(r.overdue)} kiến nghị quá hạn` : ''}.`
        : `In ${year}, ${n(inspections.agencies)} agenc${inspections.agencies === 1 ? 'y was' : 'ies were'} inspected and ${n(r.total)} recommendation${r.total === 1 ? '' : 's'} issued; ${n(r.closed)} remedied, ${n(r.open)} still open${r.overdue > 0 ? `, of which ${n(r.overdue)} overdue` : ''}.`,
    );
  }

  const comparison = report.comparison;
  if (comparison && comparison.overall.current.rate !== null && comparison.overall.previous.rate !== null) {
    const o = comparison.overall;
    const py = comparison.previousYear;
    paragraphs.push(
      vi
        ? `So với năm ${py}, tỷ lệ gửi đúng hạn chung đạt ${formatPercent(o.current.rate, lang)}, ${formatDelta(o.ratePoints ?? 0, lang)} (năm ${py}: ${formatPercent(o.previous.rate, lang)}); số lượt gửi muộn là ${formatNumber(o.current.late, lang)} (năm ${py}: ${formatNumber(o.previous.late, lang)}), số lượt chưa gửi là ${formatNumber(o.current.missing, lang)} (năm ${py}: ${formatNumber(o.previous.missing, lang)}).`
        : `Compared with ${py}, the overall on-time rate was ${formatPercent(o.current.rate, lang)}, ${formatDelta(o.ratePoints ?? 0, lang)} (${py}: ${formatPercent(o.previous.rate, lang)}); ${formatNumber(o.current.late, lang)} reports were late (${py}: ${formatNumber(o.previous.late, lang)}) and ${formatNumber(o.current.missing, lang)} missing (${py}: ${formatNumber(o.previous.missing, lang)}).`,
    );
  }

  if (report.late.length > 0 || report.missing.length > 0) {
    paragraphs.push(
      vi
        ? `${doc.lead.name} đề nghị ${doc.issuer.vi} chỉ đạo các đơn vị gửi muộn, chưa gửi nghiêm túc rút kinh nghiệm, khẩn trương hoàn thành các nhiệm vụ còn lại theo Kế hoạch số ${doc.number}.`
        : `The ${doc.lead.nameEn ?? doc.lead.name} asks the ${doc.issuer.en} to direct the agencies that reported late or not at all to draw lessons and complete their remaining tasks under Plan No. ${doc.number} without delay.`,
    );
  }
  return paragraphs;
}
