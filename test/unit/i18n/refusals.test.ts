import { parse, type Token } from '@messageformat/parser';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { LANGS } from '../../../src/i18n/lang';
import {
  REFUSAL_CATALOGS,
  refusalDetails,
  refusalOf,
  storedRefusalText,
  translateRefusal,
} from '../../../src/i18n/refusals';
import { REFUSALS, refusal, refusalFailure, type RefusalCode } from '../../../src/workflows/refusals';

const CODES = Object.keys(REFUSALS) as RefusalCode[];
type Kind = 'text' | 'number' | 'date' | readonly string[];
const kinds = (code: RefusalCode) => REFUSALS[code] as Record<string, Kind>;
const sample = (kind: Kind): string | number =>
  kind === 'number' ? 12 : kind === 'date' ? '2027-03-05' : kind === 'text' ? 'SO-YT' : kind[0]!;

/** Every value combination a code can take: each word of each word-valued value at least once. */
function samples(code: RefusalCode): Record<string, string | number>[] {
  const base = Object.fromEntries(Object.entries(kinds(code)).map(([name, kind]) => [name, sample(kind)]));
  const variants = Object.entries(kinds(code)).flatMap(([name, kind]) =>
    Array.isArray(kind) ? kind.map((word: string) => ({ ...base, [name]: word })) : [],
  );
  return [base, ...variants];
}

/** The arguments a message uses, with how it uses them (plain, a select's cases, plural, a formatter). */
function argumentsOf(tokens: Token[], found: { arg: string; use: string; keys?: string[] }[] = []) {
  for (const t of tokens) {
    if (t.type === 'argument') found.push({ arg: t.arg, use: 'plain' });
    if (t.type === 'function') found.push({ arg: t.arg, use: t.key });
    if (t.type === 'select' || t.type === 'plural' || t.type === 'selectordinal') {
      found.push({ arg: t.arg, use: t.type, keys: t.cases.map((c) => c.key) });
      for (const c of t.cases) argumentsOf(c.tokens, found);
    }
  }
  return found;
}

describe('refusal catalogs', () => {
  it('word every code in both languages, and hold no key that is not a code', () => {
    for (const lang of LANGS) {
      expect({ lang, missing: CODES.filter((c) => REFUSAL_CATALOGS[lang].staff[c] === undefined) }).toEqual({
        lang,
        missing: [],
      });
      for (const audience of ['staff', 'agency'] as const) {
        const unknown = Object.keys(REFUSAL_CATALOGS[lang][audience]).filter(
          (k) => !(CODES as string[]).includes(k),
        );
        expect({ lang, audience, unknown }).toEqual({ lang, audience, unknown: [] });
      }
    }
    // The agency's wording exists in both languages or in neither.
    expect(Object.keys(REFUSAL_CATALOGS.vi.agency).sort()).toEqual(
      Object.keys(REFUSAL_CATALOGS.en.agency).sort(),
    );
  });

  it('use only the values of their code, each as its kind allows', () => {
    for (const lang of LANGS) {
      for (const audience of ['staff', 'agency'] as const) {
        for (const [code, source] of Object.entries(REFUSAL_CATALOGS[lang][audience])) {
          const valueKinds = kinds(code as RefusalCode);
          for (const { arg, use, keys } of argumentsOf(parse(source))) {
            const where = { lang, audience, code, arg, use };
            const kind = valueKinds[arg];
            expect({ ...where, known: kind !== undefined }).toEqual({ ...where, known: true });
            if (use === 'day') expect({ ...where, kind }).toEqual({ ...where, kind: 'date' });
            if (use === 'plural') expect({ ...where, kind }).toEqual({ ...where, kind: 'number' });
            if (use === 'select') {
              // A word-valued value; every case a word it can take (ICU requires `other` besides).
              expect({ ...where, words: Array.isArray(kind) }).toEqual({ ...where, words: true });
              const stray = keys!.filter((k) => k !== 'other' && !(kind as readonly string[]).includes(k));
              expect({ ...where, stray }).toEqual({ ...where, stray: [] });
            }
          }
        }
      }
    }
  });

  it('render every code with every value it can take, leaving no placeholder', () => {
    for (const lang of LANGS) {
      for (const audience of ['staff', 'agency'] as const) {
        for (const code of CODES) {
          for (const values of samples(code)) {
            const text = translateRefusal({ code, values }, lang, audience);
            const where = { lang, audience, code, values };
            expect({ ...where, text: /[{}#]|undefined|NaN/.test(text) ? text : 'clean' }).toEqual({
              ...where,
              text: 'clean',
            });
          }
        }
      }
    }
  });
});

describe('refusals', () => {
  const late = refusal(
    'date-not-after-current',
    { date: '2027-02-01', due: '2027-03-01' },
    'the new due date 2027-02-01 is not after the current one (2027-03-01)',
  );

  it('travel as an ApplicationFailure whose type is the code and whose details are the values', () => {
    const failure = refusalFailure(late);
    expect(failure).toMatchObject({
      type: 'date-not-after-current',
      message: late.message,
      details: [{ date: '2027-02-01', due: '2027-03-01' }],
      nonRetryable: true,
    });
    expect(refusalOf(new WorkflowUpdateFailedError('Workflow Update failed', failure))).toEqual(late);
    expect(refusalOf(failure)).toEqual(late);
  });

  it('are told from other failures', () => {
    const email = ApplicationFailure.nonRetryable('550 no such mailbox', 'PermanentEmailFailure');
    expect(refusalOf(new WorkflowUpdateFailedError('Workflow Update failed', email))).toBeUndefined();
    expect(
      refusalOf(new WorkflowUpdateFailedError('Workflow Update failed', new Error('boom'))),
    ).toBeUndefined();
    expect(refusalOf(new Error('boom'))).toBeUndefined();
    expect(refusalOf(undefined)).toBeUndefined();
  });

  it('are translated for each reader, dates written dd/mm/yyyy', () => {
    expect(translateRefusal(late, 'vi')).toBe('Hạn mới 01/02/2027 không sau hạn hiện tại (01/03/2027).');
    expect(translateRefusal(late, 'en')).toBe(
      'The new due date 01/02/2027 is not after the current one (01/03/2027).',
    );
    // The agency reads its own wording where there is one, the common one elsewhere.
    const reported = { code: 'recommendation-already', values: { number: 2, status: 'reported' } } as const;
    expect(translateRefusal(reported, 'vi')).toBe('Kiến nghị số 2 đã được báo cáo.');
    expect(translateRefusal(reported, 'vi', 'agency')).toBe(
      'Kiến nghị số 2 đã được báo cáo và đang chờ đoàn kiểm tra xem xét; không cần gửi lại.',
    );
    expect(translateRefusal(late, 'vi', 'agency')).toBe(translateRefusal(late, 'vi'));
    // An ended workflow, as an agency reads it: no word of workflows.
    const ended = { code: 'workflow-ended', values: { workflow: 'agency' } } as const;
    expect(translateRefusal(ended, 'vi', 'agency')).toMatch(/^Kỳ gửi văn bản của năm nay đã kết thúc;/);
    expect(translateRefusal(ended, 'en', 'agency')).toMatch(/^This year's cycle has ended/);
    expect(
      translateRefusal({ code: 'workflow-ended', values: { workflow: 'inspection' } }, 'vi', 'agency'),
    ).toMatch(/^Cuộc kiểm tra đã kết thúc;/);
    expect(translateRefusal(ended, 'vi', 'agency')).not.toMatch(/[Qq]uy trình/);
    // Plurals by the language's rules.
    const long = { code: 'text-too-long', values: { field: 'reason', limit: 1 } } as const;
    expect(translateRefusal(long, 'en')).toBe('The reason is longer than 1 character.');
    expect(translateRefusal({ ...long, values: { field: 'reason', limit: 2000 } }, 'en')).toBe(
      'The reason is longer than 2,000 characters.',
    );
    expect(translateRefusal({ ...long, values: { field: 'reason', limit: 2000 } }, 'vi')).toBe(
      'Lý do dài quá 2000 ký tự.',
    );
  });

  it('are kept in the audit log with their code and translated when shown', () => {
    const details = { outcome: 'refused', ...refusalDetails(late) };
    expect(details).toEqual({
      outcome: 'refused',
      refusal: late.message,
      refusalCode: 'date-not-after-current',
      refusalValues: { date: '2027-02-01', due: '2027-03-01' },
    });
    expect(storedRefusalText(JSON.parse(JSON.stringify(details)), 'en')).toBe(translateRefusal(late, 'en'));
    // Recorded before refusals had codes, or with values that no longer fit: the message as stored.
    expect(storedRefusalText({ refusal: late.message }, 'vi')).toBe(late.message);
    expect(storedRefusalText({ ...details, refusalValues: {} }, 'vi')).toBe(late.message);
    expect(storedRefusalText({ outcome: 'done' }, 'vi')).toBeUndefined();
  });
});
