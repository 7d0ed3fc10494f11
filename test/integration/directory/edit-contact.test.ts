import { ContactsInForce, contactsInForce } from '../../../src/directory/contacts';
import { CONTACT_EDIT_ACTION, editContact } from '../../../src/directory/edit-contact';
import { directorySnapshot } from '../../../src/directory/snapshot';
import { DirectoryError } from '../../../src/directory/types';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { freshDatabase, providers, type TestDatabase } from '../../support/databases';

const OLD = { name: 'Sình Thị Pà', email: 'pa.st@sovhttdl.dienbien.example', phone: null };
const NEW = { name: 'Lường Thị Ánh', email: 'anh.lt@sovhttdl.dienbien.example', phone: '0215 3825 001' };
/** 10:00 in Điện Biên on 10 March 2026 (03:00 UTC): "today" for the edits below. */
const NOW = new Date('2026-03-10T03:00:00Z');

async function counts(database: TestDatabase) {
  const { prisma } = database.db;
  return {
    revisions: await prisma.directoryRevision.count(),
    contacts: await prisma.contact.count(),
    events: await prisma.auditEvent.count(),
  };
}

async function rejection(promise: Promise<unknown>): Promise<DirectoryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DirectoryError);
  return error as DirectoryError;
}

describe.each(providers)('editing a contact on %s', (provider) => {
  let database: TestDatabase;
  let seeded: SeededCycle;
  beforeAll(async () => {
    database = await freshDatabase(provider, `directory_edit_${provider}`);
    seeded = await seedCycle(database.db, 2026); // a running cycle, snapshot taken on its first day
  });
  afterAll(async () => database?.drop());

  it('refuses bad values and unknown contacts, changing nothing', async () => {
    const before = await counts(database);
    const base = { code: 'SO-VHTTDL', role: 'focal_point' as const, actor: 'coordinator:lan' };
    const bad = await rejection(
      editContact(database.db, { ...base, name: '  ', email: 'pa.st@sovhttdl' }, NOW),
    );
    expect(bad.issues.map((i) => [i.field, i.message])).toEqual([
      ['focal_point_name', 'missing focal point name'],
      ['focal_point_email', '"pa.st@sovhttdl" is not a valid email address'],
    ]);
    expect(bad.message).toContain('nothing was changed');
    const unknown = await rejection(
      editContact(database.db, { ...base, code: 'SO-KHONGCO', name: 'A' }, NOW),
    );
    expect(unknown.issues[0]?.message).toBe(
      'agency SO-KHONGCO is not in the directory in force on 2026-03-10',
    );
    const wrongEmail = await rejection(
      editContact(database.db, { ...base, currentEmail: 'ai.do@example.org', name: 'A' }, NOW),
    );
    expect(wrongEmail.issues[0]?.message).toBe(
      'agency SO-VHTTDL has no focal point with email ai.do@example.org',
    );
    expect(await counts(database)).toEqual(before);
  });

  it('changes the contact from today: a new revision, the live row and an audit event, in one go', async () => {
    const contacts = new ContactsInForce(database.db);
    expect((await contacts.forAgency('SO-VHTTDL', '2026-03-10'))?.focal_point).toEqual([OLD]);
    const before = await counts(database);
    const result = await editContact(
      database.db,
      {
        code: 'so-vhttdl',
        role: 'focal_point',
        name: ' Lường  Thị Ánh ',
        email: 'Anh.LT@sovhttdl.dienbien.example',
        phone: '0215 3825 001',
        actor: 'coordinator:lan',
      },
      NOW,
    );
    expect(result).toMatchObject({
      code: 'SO-VHTTDL',
      changed: true,
      effectiveFrom: '2026-03-10',
      before: OLD,
      after: NEW,
    });
    expect(await counts(database)).toEqual({
      ...before,
      revisions: before.revisions + 1,
      events: before.events + 1,
    });

    // Emails sent from today go to the new contact, including in the running cycle...
    expect((await contacts.forAgency('SO-VHTTDL', '2026-03-10'))?.focal_point).toEqual([NEW]);
    expect((await contactsInForce(database.db, 'SO-VHTTDL', '2026-04-01'))?.focal_point).toEqual([NEW]);
    expect((await contactsInForce(database.db, 'SO-VHTTDL', '2026-03-09'))?.focal_point).toEqual([OLD]);
    // ...while the cycle's snapshot (what it is about) is still what it was on its first day.
    const snapshot = await directorySnapshot(database.db, seeded.plan.startsOn);
    expect(snapshot.agencies.find((a) => a.code === 'SO-VHTTDL')?.contacts.focal_point).toEqual([OLD]);
    // The other contacts and agencies are untouched.
    const today = await directorySnapshot(database.db, '2026-03-10');
    expect(today.agencies.map((a) => a.code)).toEqual(snapshot.agencies.map((a) => a.code));
    expect(today.agencies.find((a) => a.code === 'SO-VHTTDL')?.contacts.head).toEqual(
      snapshot.agencies.find((a) => a.code === 'SO-VHTTDL')?.contacts.head,
    );

    const { prisma } = database.db;
    const live = await prisma.contact.findMany({
      where: { agency: { code: 'SO-VHTTDL' }, role: 'focal_point' },
      select: { name: true, email: true, phone: true },
    });
    expect(live).toEqual([NEW]);
    const revision = await prisma.directoryRevision.findUnique({
      where: { effectiveFrom: new Date('2026-03-10T00:00:00Z') },
    });
    expect(revision).toMatchObject({ id: result.revisionId, importedBy: 'coordinator:lan' });
    expect(revision?.source).toMatch(/dien-bien-2025\.csv; contact edited on 2026-03-10$/);
    const event = await prisma.auditEvent.findUniqueOrThrow({ where: { id: result.auditEventId as number } });
    expect(event).toMatchObject({
      actor: 'coordinator:lan',
      action: CONTACT_EDIT_ACTION,
      subject: 'agency:SO-VHTTDL',
    });
    expect(event.details).toEqual({
      code: 'SO-VHTTDL',
      role: 'focal_point',
      effectiveFrom: '2026-03-10',
      revisionId: result.revisionId,
      replacedRevisionOfSameDay: false,
      before: OLD,
      after: NEW,
    });
  });

  it('a second edit the same day replaces that day’s revision; an edit changing nothing writes nothing', async () => {
    const before = await counts(database);
    const same = await editContact(
      database.db,
      { code: 'SO-VHTTDL', role: 'focal_point', name: NEW.name, actor: 'coordinator:lan' },
      NOW,
    );
    expect(same.changed).toBe(false);
    expect(await counts(database)).toEqual(before);
    const phone = await editContact(
      database.db,
      { code: 'SO-VHTTDL', role: 'focal_point', phone: null, actor: 'coordinator:hoa' },
      new Date('2026-03-10T16:00:00Z'), // 23:00 in Vietnam: still 10 March
    );
    expect(phone).toMatchObject({
      changed: true,
      effectiveFrom: '2026-03-10',
      after: { ...NEW, phone: null },
    });
    expect(await counts(database)).toEqual({ ...before, events: before.events + 1 });
    expect((await contactsInForce(database.db, 'SO-VHTTDL', '2026-03-10'))?.focal_point).toEqual([
      { ...NEW, phone: null },
    ]);
  });

  it('is refused when a later import is already scheduled', async () => {
    const { prisma } = database.db;
    const latest = await prisma.directoryRevision.findFirstOrThrow({ orderBy: { effectiveFrom: 'desc' } });
    await prisma.directoryRevision.create({
      data: {
        effectiveFrom: new Date('2026-05-01T00:00:00Z'),
        contentHash: latest.contentHash,
        source: 'danh-ba-2026-05.csv',
        agencies: latest.agencies as object,
      },
    });
    const error = await rejection(
      editContact(
        database.db,
        { code: 'SO-YT', role: 'head', name: 'Trần Hữu Minh', actor: 'coordinator:lan' },
        NOW,
      ),
    );
    expect(error.issues[0]?.message).toMatch(
      /^a directory import takes effect on 2026-05-01 \(danh-ba-2026-05\.csv\), after 2026-03-10/,
    );
  });
});
