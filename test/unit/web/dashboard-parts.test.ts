import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFilters } from '../../../src/web/dashboard/matrix';
import { cellState, foldText as fold } from '../../../src/reports/matrix';
import { contentDisposition, resolveInside } from '../../../src/web/dashboard/download';
import { actionArgs } from '../../../src/web/dashboard/actions';
import { storedRefusalText, translateRefusal } from '../../../src/i18n/refusals';
import { withLang } from '../../../src/web/dashboard/page';
import { dashboardConfigFromEnv, temporalWorkflowUrl } from '../../../src/config/dashboard';

describe('matrix cell states', () => {
  it('tells reminded and escalated apart from the notification log, in the latest round', () => {
    expect(cellState('requested', [])).toBe('requested');
    expect(cellState('requested', ['annual-plan:r0:request'])).toBe('requested');
    expect(cellState('requested', ['annual-plan:r0:request', 'annual-plan:r0:remind-5'])).toBe('reminded');
    expect(cellState('overdue', ['annual-plan:r0:remind-0', 'annual-plan:r0:overdue'])).toBe('overdue');
    expect(cellState('overdue', ['annual-plan:r0:overdue', 'annual-plan:r0:escalate-head'])).toBe(
      'escalated',
    );
    // After an extension (round 1), round 0's reminder no longer counts.
    expect(cellState('requested', ['annual-plan:r0:remind-5', 'annual-plan:r1:request'])).toBe('requested');
    expect(cellState('overdue', ['annual-plan:r0:escalate-head', 'annual-plan:r1:overdue'])).toBe('overdue');
    // Other statuses stand as they are.
    expect(cellState('submitted', ['annual-plan:r0:remind-5'])).toBe('submitted');
    expect(cellState('returned', ['annual-plan:r1:remind-2'])).toBe('returned');
    expect(cellState('accepted', [])).toBe('accepted');
    expect(cellState('cancelled', [])).toBe('cancelled');
  });

  it('reads filters from the query, ignoring what it does not know', () => {
    expect(parseFilters({ state: 'escalated', group: 'department', q: ' y tế ', trang: '2' })).toEqual({
      state: 'escalated',
      group: 'department',
      q: 'y tế',
      page: 2,
    });
    expect(parseFilters({ state: 'drop table', trang: '-1' })).toEqual({ page: 1 });
    expect(fold('Sở Y tế Điện Biên')).toBe('so y te dien bien');
  });
});

describe('attachment downloads', () => {
  it('names the file in an attachment header with an ASCII fallback and the UTF-8 name (RFC 5987)', () => {
    expect(contentDisposition('Báo cáo 6 tháng (đợt 1).pdf')).toBe(
      `attachment; filename="Bao cao 6 thang _dot 1_.pdf"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%206%20th%C3%A1ng%20%28%C4%91%E1%BB%A3t%201%29.pdf`,
    );
    // Control characters are dropped, quotes and semicolons replaced or encoded.
    expect(contentDisposition('a"b;\r\nc.txt')).toBe(
      `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%3Bc.txt`,
    );
    // A right-to-left override would make the saved "hosofdp.exe" read as "hosoexe.pdf".
    expect(contentDisposition('hoso\u202efdp.exe\u2066\u200f')).toBe(
      `attachment; filename="hosofdp.exe"; filename*=UTF-8''hosofdp.exe`,
    );
  });

  it('serves only regular files inside the storage root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoihop-dl-'));
    const root = join(dir, 'files');
    mkdirSync(join(root, 'ab'), { recursive: true });
    writeFileSync(join(root, 'ab', 'abc.pdf'), 'x');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    symlinkSync(join(dir, 'secret.txt'), join(root, 'ab', 'link.pdf'));
    try {
      expect(await resolveInside(root, 'ab/abc.pdf')).toBe(join(root, 'ab', 'abc.pdf'));
      for (const bad of [
        '../secret.txt',
        'ab/../../secret.txt',
        join(dir, 'secret.txt'),
        'ab/link.pdf',
        'ab',
        '',
        'ab/none.pdf',
        'ab/abc.pdf\0',
      ]) {
        expect({ bad, path: await resolveInside(root, bad) }).toEqual({ bad, path: undefined });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('action forms', () => {
  const by = 'coordinator:huong';
  it('builds each Update argument, or says what is missing', () => {
    expect(actionArgs('accept', 'annual-plan', by, {})).toEqual({ args: { milestone: 'annual-plan', by } });
    expect(actionArgs('return', 'annual-plan', by, { reason: '  ' })).toEqual({
      problem: { code: 'reason-required', values: {}, message: 'a reason is required' },
    });
    expect(actionArgs('return', 'annual-plan', by, { reason: 'Thiếu số liệu', until: '' })).toEqual({
      args: { milestone: 'annual-plan', by, reason: 'Thiếu số liệu' },
    });
    expect(actionArgs('extend', 'annual-plan', by, { reason: 'Lý do', until: '2027-02-30' })).toEqual({
      problem: {
        code: 'not-a-date',
        values: { value: '2027-02-30' },
        message: '"2027-02-30" is not a date (YYYY-MM-DD)',
      },
    });
    expect(actionArgs('extend', 'annual-plan', by, { reason: 'Lý do' })).toEqual({
      problem: { code: 'date-required', values: {}, message: 'a new due date is required' },
    });
    expect(actionArgs('waive', 'annual-plan', by, { reason: 'Sáp nhập' })).toEqual({
      args: { milestone: 'annual-plan', by, reason: 'Sáp nhập' },
    });
  });

  it('translates the workflow’s refusals', () => {
    const late = {
      code: 'date-not-after-today',
      values: { date: '2027-01-10', today: '2027-01-20' },
    } as const;
    expect(translateRefusal(late, 'vi')).toBe('Hạn mới 10/01/2027 không sau ngày hôm nay (20/01/2027).');
    const waiting = { code: 'no-submission-waiting', values: { milestone: 'annual-plan' } } as const;
    expect(translateRefusal(waiting, 'en')).toBe('There is no submission waiting for review.');
    // An audit event recorded before refusals had codes: shown as stored.
    expect(storedRefusalText({ outcome: 'refused', refusal: 'something new' }, 'vi')).toBe('something new');
  });

  it('keeps the language in links', () => {
    expect(withLang('/quan-ly', 'vi')).toBe('/quan-ly');
    expect(withLang('/quan-ly/x?ket-qua=3#m-a', 'en')).toBe('/quan-ly/x?ket-qua=3&lang=en#m-a');
  });
});

describe('dashboard configuration', () => {
  it('links workflows in the Temporal UI', () => {
    expect(temporalWorkflowUrl(dashboardConfigFromEnv({}), 'cycle:dien-bien-kh99:2027:SO-YT')).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows/cycle%3Adien-bien-kh99%3A2027%3ASO-YT',
    );
    const config = dashboardConfigFromEnv({
      PHOIHOP_TEMPORAL_UI_URL: 'https://temporal.dienbien.example/',
      TEMPORAL_NAMESPACE: 'phoihop',
    });
    expect(temporalWorkflowUrl(config, 'a b')).toBe(
      'https://temporal.dienbien.example/namespaces/phoihop/workflows/a%20b',
    );
    expect(() => dashboardConfigFromEnv({ PHOIHOP_TEMPORAL_UI_URL: 'nope' })).toThrow(
      'PHOIHOP_TEMPORAL_UI_URL: "nope" is not a URL',
    );
  });
});
