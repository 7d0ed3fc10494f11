// The program editor's form: the main parts of a program file as fields, the rest as a YAML text, put
// together into one program file and checked by the loader itself (parseProgram: the schema, the
// cross-checks, the templates' variables), so a form is refused exactly where a file would be; then the
// plan of the preview year (computePlan, as `phoihop cycle plan`) must keep every due date in that year.
// Each problem goes to the field its path names; problems elsewhere are listed with the YAML part.
import { parse, stringify, YAMLParseError } from 'yaml';
import { yearOf } from '../../calendar/dates';
import { computePlan } from '../../cycle/compute-plan';
import type { CyclePlan } from '../../cycle/plan';
import { ProgramValidationError } from '../../programs/errors';
import { parseProgram, type LoadedProgram } from '../../programs/load';
import { analyzeTemplateText } from '../../programs/templates';
import { TEMPLATE_VARIABLE_NAMES } from '../../programs/template-variables';
import type { Lang } from '../i18n';
import { PROG, programProblem } from './program-i18n';

export const FORM_FIELDS = [
  'code',
  'title_vi',
  'title_en',
  'doc_number',
  'doc_date',
  'issuer_vi',
  'issuer_en',
  'implements_vi',
  'implements_en',
  'lead',
  'start_rule',
  'start_month',
  'start_day',
  'request_days',
  'reminders',
  'rest',
] as const;

export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Record<FormField, string>;

export interface FormProblem {
  /** The path inside the program file, e.g. `milestones[1].key` (empty for the YAML part as a whole). */
  path: string;
  message: string;
}

export interface FormCheck {
  /** The program, when the form has no problem left. */
  loaded?: LoadedProgram;
  plan?: CyclePlan;
  /** Problems by field (in the page's language), and those of the YAML part with their paths. */
  errors: Partial<Record<FormField, string[]>>;
  restProblems: FormProblem[];
  count: number;
}

type Data = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const obj = (v: unknown): Data =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Data) : {};

/** A program file's data (see programFileData, or an uploaded file) as the editor's fields. */
export function formOf(data: Data): FormValues {
  const { code, title, document, lead, cycle, defaults, ...rest } = data;
  const doc = obj(document);
  const start = obj(obj(cycle).start);
  const first = obj(start.firstWorkingDayOf);
  const { requestWorkingDaysBefore, reminders, ...otherDefaults } = obj(defaults);
  const restData: Data = { ...rest };
  if (Object.keys(otherDefaults).length > 0 || (defaults !== undefined && typeof defaults !== 'object')) {
    restData.defaults = typeof defaults === 'object' ? otherDefaults : defaults;
  }
  // The rest in the file's order: defaults before the milestones, as programFileData writes them.
  const ordered: Data = {};
  for (const [k, v] of Object.entries(restData)) {
    if (k === 'milestones' && 'defaults' in restData && !('defaults' in ordered))
      ordered.defaults = restData.defaults;
    if (!(k in ordered)) ordered[k] = v;
  }
  return {
    code: str(code),
    title_vi: str(obj(title).vi),
    title_en: str(obj(title).en),
    doc_number: str(doc.number),
    doc_date: str(doc.date),
    issuer_vi: str(obj(doc.issuer).vi),
    issuer_en: str(obj(doc.issuer).en),
    implements_vi: str(obj(doc.implements).vi),
    implements_en: str(obj(doc.implements).en),
    lead: str(lead),
    start_rule: 'firstWorkingDayOf' in start ? 'first' : 'fixed',
    start_month: str('firstWorkingDayOf' in start ? first.month : start.month),
    start_day: str(start.day),
    request_days: str(requestWorkingDaysBefore),
    reminders: Array.isArray(reminders) ? reminders.map(str).join(', ') : str(reminders),
    rest:
      Object.keys(ordered).length > 0
        ? stringify(ordered, { lineWidth: 0, aliasDuplicateObjects: false })
        : '',
  };
}

/** The values of a posted form (missing fields empty, line ends as the browser sends them normalised). */
export function formValues(fields: Record<string, string | undefined>): FormValues {
  const values = {} as FormValues;
  for (const field of FORM_FIELDS) values[field] = (fields[field] ?? '').replace(/\r\n?/g, '\n');
  return values;
}

/** Which form field a problem's path belongs to; undefined: the YAML part. */
export function fieldOfPath(path: string): FormField | undefined {
  const exact: Record<string, FormField> = {
    code: 'code',
    title: 'title_vi',
    'title.vi': 'title_vi',
    'title.en': 'title_en',
    document: 'doc_number',
    'document.number': 'doc_number',
    'document.date': 'doc_date',
    'document.issuer': 'issuer_vi',
    'document.issuer.vi': 'issuer_vi',
    'document.issuer.en': 'issuer_en',
    'document.implements': 'implements_vi',
    'document.implements.vi': 'implements_vi',
    'document.implements.en': 'implements_en',
    lead: 'lead',
    'defaults.requestWorkingDaysBefore': 'request_days',
  };
  if (path in exact) return exact[path];
  if (path.startsWith('defaults.reminders')) return 'reminders';
  if (path === 'cycle' || path.startsWith('cycle.start'))
    return /\.day$/.test(path) ? 'start_day' : 'start_month';
  return undefined;
}

const TRIM = (s: string) => s.trim();

function numberOrText(value: string): number | string {
  const t = value.trim();
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** The form put together as a program file's data; problems of the form itself (not of the program). */
function assemble(
  values: FormValues,
  lang: Lang,
): { data?: Data; errors: FormCheck['errors']; rest: FormProblem[] } {
  const t = PROG[lang];
  const errors: FormCheck['errors'] = {};
  const rest: FormProblem[] = [];
  let restData: Data = {};
  if (values.rest.trim()) {
    try {
      const parsed: unknown = parse(values.rest, { uniqueKeys: true, logLevel: 'error' });
      if (parsed === null || parsed === undefined) restData = {};
      else if (typeof parsed !== 'object' || Array.isArray(parsed))
        rest.push({ path: '', message: t.yamlNotMapping });
      else restData = parsed as Data;
    } catch (error) {
      const message = error instanceof YAMLParseError ? error.message.split('\n')[0]! : String(error);
      rest.push({ path: '', message: t.yamlInvalid(message) });
    }
  }
  const reminders: number[] = [];
  for (const part of values.reminders.split(/[,;\s]+/).filter(Boolean)) {
    if (/^\d+$/.test(part)) reminders.push(Number(part));
    else (errors.reminders ??= []).push(t.notANumber(part));
  }
  for (const field of ['start_month', 'start_day', 'request_days'] as const) {
    const v = values[field].trim();
    if (v && !/^-?\d+$/.test(v) && !(field === 'start_day' && values.start_rule === 'first')) {
      (errors[field] ??= []).push(t.notANumber(v));
    }
  }
  if (rest.length > 0 || Object.keys(errors).length > 0) return { errors, rest };
  const implementsGiven = values.implements_vi.trim() || values.implements_en.trim();
  const defaults: Data = { ...obj(restData.defaults) };
  if (values.request_days.trim()) defaults.requestWorkingDaysBefore = numberOrText(values.request_days);
  if (values.reminders.trim()) defaults.reminders = reminders;
  const start =
    values.start_rule === 'first'
      ? { firstWorkingDayOf: { month: numberOrText(values.start_month) } }
      : { month: numberOrText(values.start_month), day: numberOrText(values.start_day) };
  // The fields' own parts replace whatever the YAML part says about them.
  const others = Object.fromEntries(
    Object.entries(restData).filter(
      ([k]) => !['defaults', 'cycle', 'code', 'title', 'document', 'lead'].includes(k),
    ),
  );
  const data: Data = {
    code: TRIM(values.code),
    title: { vi: TRIM(values.title_vi), en: TRIM(values.title_en) },
    document: {
      number: TRIM(values.doc_number),
      date: TRIM(values.doc_date),
      issuer: { vi: TRIM(values.issuer_vi), en: TRIM(values.issuer_en) },
      ...(implementsGiven
        ? { implements: { vi: TRIM(values.implements_vi), en: TRIM(values.implements_en) } }
        : {}),
    },
    lead: TRIM(values.lead),
    cycle: { ...obj(restData.cycle), start },
    ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
    ...others,
  };
  return { data, errors, rest };
}

/** The program file's text of a valid form (what "export" of the saved version will give back). */
export function formFileText(values: FormValues, lang: Lang): string | undefined {
  const { data } = assemble(values, lang);
  return data ? stringify(data, { lineWidth: 0, aliasDuplicateObjects: false }) : undefined;
}

/**
 * The templates' unknown variables, read from the form's data as written. The loader checks templates
 * only once the rest of the program is valid; the form names them at once, with the other problems.
 */
function templateProblems(data: Data): FormProblem[] {
  const problems: FormProblem[] = [];
  for (const [name, template] of Object.entries(obj(data.templates))) {
    for (const part of ['subject', 'body'] as const) {
      for (const lang of ['vi', 'en'] as const) {
        const source = obj(obj(template)[part])[lang];
        if (typeof source !== 'string') continue;
        try {
          for (const unknown of analyzeTemplateText(source).unknown) {
            problems.push({
              path: `templates.${name}.${part}.${lang}`,
              message: `template "${name}" uses unknown variable "${unknown}"; documented variables: ${TEMPLATE_VARIABLE_NAMES.join(', ')}`,
            });
          }
        } catch {
          // A template that does not compile is reported by the loader once the rest is valid.
        }
      }
    }
  }
  return problems;
}

/** Checks the form as a program file, then the plan of `year`. */
export function checkForm(values: FormValues, year: number, lang: Lang): FormCheck {
  const t = PROG[lang];
  const { data, errors, rest } = assemble(values, lang);
  const done = (loaded?: LoadedProgram, plan?: CyclePlan): FormCheck => ({
    loaded,
    plan,
    errors,
    restProblems: rest,
    count: Object.values(errors).reduce((n, list) => n + (list?.length ?? 0), 0) + rest.length,
  });
  if (!data) return done();
  let loaded: LoadedProgram;
  try {
    loaded = parseProgram(stringify(data, { lineWidth: 0, aliasDuplicateObjects: false }), 'form');
  } catch (error) {
    if (!(error instanceof ProgramValidationError)) throw error;
    const issues: FormProblem[] = [...error.issues];
    if (!issues.some((i) => /uses unknown variable/.test(i.message))) issues.push(...templateProblems(data));
    for (const issue of issues) {
      const field = fieldOfPath(issue.path);
      const message = programProblem(issue.message, lang);
      if (field) (errors[field] ??= []).push(message);
      else rest.push({ path: issue.path, message });
    }
    return done();
  }
  const plan = computePlan(loaded, year);
  plan.milestones.forEach((m, i) => {
    if (yearOf(m.due) !== year)
      rest.push({ path: `milestones[${i}].due`, message: t.dueOutside(m.key, m.due, year) });
  });
  return rest.length > 0 ? done(undefined, plan) : done(loaded, plan);
}
