// The dashboard's route schemas (JSON Schema, checked by Fastify's Ajv; handlers typed from them through
// the json-schema-to-ts type provider). They say what shape a request has; what a person typed (dates,
// lengths, the form's one-time key) is checked by the handlers. Every route is declared with
// `attachValidation`, so that the session and CSRF checks (preHandler hooks) still come first and a
// request that fails its schema gets a dashboard page, never Fastify's JSON:
// - params (an id that is not a number, an action or a file the dashboard does not have): the 404 page;
// - a form's body (a field sent twice, a number or an object in a JSON body): the 400 "invalid form"
//   page, before anything is read or recorded;
// - a page's query: values of the wrong shape are ignored, as an unknown filter always has been.
import type { FastifyRequest } from 'fastify';
import { stringFields } from '../agency/schemas';
import { ACTIONS } from './i18n';
import { INSPECTION_ACTIONS } from './inspection-i18n';
import { SCHEDULE_ACTIONS } from './cycle-start-i18n';

const text = { type: 'string' } as const;
/** A database id in a path: digits only. */
const id = { type: 'string', pattern: '^[0-9]{1,15}$' } as const;

/** A form's body: the fields the handler reads, every field (the CSRF token too) one string. */
function form<P extends Record<string, typeof text>>(properties: P) {
  return { type: 'object', properties, additionalProperties: text } as const;
}

/** `/chu-ky/:cycleId/…`. */
export const cycleParams = {
  type: 'object',
  properties: { cycleId: id },
  required: ['cycleId'],
} as const;

/** `/chu-ky/:cycleId/don-vi/:code`. */
export const cycleAgencyParams = {
  type: 'object',
  properties: { cycleId: id, code: text },
  required: ['cycleId', 'code'],
} as const;

/** `/chu-ky/:cycleId/don-vi/:code/lien-ket/:linkId/thu-hoi`: revoking one recipient's task link. */
export const taskLinkParams = {
  type: 'object',
  properties: { cycleId: id, code: text, linkId: id },
  required: ['cycleId', 'code', 'linkId'],
} as const;

/** The revocation form: why. */
export const taskLinkRevokeBody = form({ reason: text });
/** Sending one person a fresh link: the form's one-time key. */
export const taskLinkResendBody = form({ key: text });

/** `/chu-ky/:cycleId/don-vi/:code/:action`: one of the coordinators' actions. */
export const obligationActionParams = {
  type: 'object',
  properties: { cycleId: id, code: text, action: { type: 'string', enum: ACTIONS } },
  required: ['cycleId', 'code', 'action'],
} as const;

/** The files under `/chu-ky/:cycleId/xuat/`. */
export const EXPORT_FILES = [
  'ma-tran.xlsx',
  'ma-tran.csv',
  'van-ban-nop.xlsx',
  'van-ban-nop.csv',
  'bao-cao-tong-hop.docx',
  'bao-cao-tong-hop.pdf',
  'bao-cao-tong-hop.xlsx',
] as const;

/** `/chu-ky/:cycleId/xuat/:file`. */
export const exportParams = {
  type: 'object',
  properties: { cycleId: id, file: { type: 'string', enum: EXPORT_FILES } },
  required: ['cycleId', 'file'],
} as const;

/** `/tep/:attachmentId`. */
export const attachmentParams = {
  type: 'object',
  properties: { attachmentId: id },
  required: ['attachmentId'],
} as const;

/** `/kiem-tra/:inspectionId`. */
export const inspectionParams = {
  type: 'object',
  properties: { inspectionId: id },
  required: ['inspectionId'],
} as const;

/** `/kiem-tra/:inspectionId/:action`: one of the inspection's actions. */
export const inspectionActionParams = {
  type: 'object',
  properties: { inspectionId: id, action: { type: 'string', enum: INSPECTION_ACTIONS } },
  required: ['inspectionId', 'action'],
} as const;

/** `/kiem-tra/:inspectionId/khuyen-nghi/:number/tep/:index`: a recommendation's evidence file. */
export const evidenceParams = {
  type: 'object',
  properties: { inspectionId: id, number: id, index: id },
  required: ['inspectionId', 'number', 'index'],
} as const;

/** `/danh-ba/don-vi/:code`. */
export const directoryAgencyParams = {
  type: 'object',
  properties: { code: text },
  required: ['code'],
} as const;

/** `/chuong-trinh/:code…`: a program's code. */
export const programParams = {
  type: 'object',
  properties: { code: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 100 } },
  required: ['code'],
} as const;

/** `/chuong-trinh/:code/phien-ban/:version/…`. */
export const programVersionParams = {
  type: 'object',
  properties: { code: programParams.properties.code, version: id },
  required: ['code', 'version'],
} as const;

/** Program pages: the versions compared (tu, den), the version just saved (or not), the editor's source and year. */
export const programQuery = {
  type: 'object',
  properties: { lang: text, tu: text, den: text, 'da-luu': text, 'khong-doi': text, tep: text, nam: text },
} as const;

/** Any dashboard page: `?lang=en` (read by the language decorator, src/web/language.ts). */
export const langQuery = { type: 'object', properties: { lang: text } } as const;

/** A page showing the outcome of the form just sent (`?ket-qua=<audit event id>`). */
export const flashQuery = { type: 'object', properties: { lang: text, 'ket-qua': text } } as const;

/** The login page: after a logout (`bye`), the end of a session (`het`) or a password set by a one-time link (`mk`). */
export const loginQuery = {
  type: 'object',
  properties: { lang: text, het: text, bye: text, mk: text },
} as const;

/** The matrix and its exports: the filters and the page. */
export const matrixQuery = {
  type: 'object',
  properties: { lang: text, state: text, group: text, q: text, trang: text, 'bieu-do': text },
} as const;

/** The directory: search, group, page, and the import just applied (or not, "khong-doi"). */
export const directoryQuery = {
  type: 'object',
  properties: {
    lang: text,
    q: text,
    group: text,
    trang: text,
    'ap-dung': text,
    ngay: text,
    'khong-doi': text,
  },
} as const;

/** An agency's directory page: the contact edit just saved (or not, "khong-doi"). */
export const directoryAgencyQuery = {
  type: 'object',
  properties: { lang: text, 'da-luu': text, 'khong-doi': text },
} as const;

/** The login form. */
export const loginBody = form({ login: text, password: text });

/** A coordinator's action on an obligation. */
export const obligationActionBody = form({ key: text, milestone: text, reason: text, until: text });

/** An action of the "today" page (accept the ticked submissions `s<n>`, remind, grant or deny). */
export const todayActionBody = form({
  key: text,
  cycle: text,
  milestone: text,
  request: text,
  decision: text,
  until: text,
  reason: text,
});

/** A contact edit in the directory. */
export const contactBody = form({
  role: text,
  currentEmail: text,
  name: text,
  email: text,
  phone: text,
  effectiveFrom: text,
});

/** "Apply" of a previewed directory import. */
export const applyImportBody = form({ upload: text });

/** An inspection's action (conclusion lines `rec<n>`/`due<n>` besides). */
export const inspectionActionBody = form({
  key: text,
  conclusion: text,
  number: text,
  note: text,
  reason: text,
});

/** The inspection plan's form (lines `include<n>`, `code<n>`, `kind<n>`, `visit<n>`, `addCode<n>`… besides). */
export const inspectionPlanBody = form({ key: text, lines: text });

/** The start page: the program and year previewed, and the outcome of the form just sent. */
export const cycleStartQuery = {
  type: 'object',
  properties: { lang: text, program: text, year: text, 'ket-qua': text },
} as const;

/** The start form: what was previewed (program, year, the version's hash), confirmed. */
export const cycleStartBody = form({ key: text, program: text, year: text, version: text, confirm: text });

/** The cancel form of a cycle. */
export const cycleCancelBody = form({ key: text, reason: text, confirm: text });

/** `/lich-khoi-dong/:program/:action`: one of a schedule's actions. */
export const scheduleActionParams = {
  type: 'object',
  properties: { program: text, action: { type: 'string', enum: SCHEDULE_ACTIONS } },
  required: ['program', 'action'],
} as const;

/** A schedule action's form. */
export const scheduleActionBody = form({ key: text, reason: text, confirm: text });

/** Which part of the request failed its schema (params are checked first, then the body, then the query). */
export function invalidPart(request: FastifyRequest): string | undefined {
  return request.validationError?.validationContext;
}

/**
 * A page's query as the handler reads it: as sent when it fits the schema, else only its string values
 * (a value sent twice, say, is ignored). `value` is what the request carried.
 */
export function pageQuery<Q extends object>(request: FastifyRequest, value: Q): Q | Record<string, string> {
  return invalidPart(request) === 'querystring' ? stringFields(value) : value;
}

/** `/nguoi-dung/:login/…`. */
export const userParams = {
  type: 'object',
  properties: { login: text },
  required: ['login'],
} as const;

/** `/kich-hoat/:token` (a one-time link). */
export const inviteParams = {
  type: 'object',
  properties: { token: text },
  required: ['token'],
} as const;

/** A user's access (and, when adding, login and name): role, scope, administrator flag. */
export const userBody = form({
  login: text,
  name: text,
  role: text,
  scope: text,
  programs: text,
  leads: text,
  administrator: text,
});

/** The one-time link's password form. */
export const setPasswordBody = form({ password: text, repeat: text });

/** A user page's outcome (`?xong=<what>`). */
export const userPageQuery = { type: 'object', properties: { lang: text, xong: text } } as const;
