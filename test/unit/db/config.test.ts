import path from 'node:path';
import { DatabaseConfigError, maskUrl, resolveDatabaseConfig } from '../../../src/db/config';

const root = '/srv/phoihop';

function refusal(value: string): string {
  try {
    resolveDatabaseConfig(value, root);
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${value} to be refused`);
}

describe('resolveDatabaseConfig', () => {
  it('defaults to the SQLite file .data/phoihop.db under the project root', () => {
    for (const unset of [undefined, '', '   ']) {
      expect(resolveDatabaseConfig(unset, root, {})).toEqual({
        provider: 'sqlite',
        url: 'file:/srv/phoihop/.data/phoihop.db',
        maskedUrl: 'file:/srv/phoihop/.data/phoihop.db',
        filePath: '/srv/phoihop/.data/phoihop.db',
        source: 'default',
      });
    }
  });

  it('defaults to phoihop.db in PHOIHOP_DATA when that is set, as the other data does', () => {
    expect(resolveDatabaseConfig(undefined, root, { PHOIHOP_DATA: '/var/lib/phoihop' })).toEqual({
      provider: 'sqlite',
      url: 'file:/var/lib/phoihop/phoihop.db',
      maskedUrl: 'file:/var/lib/phoihop/phoihop.db',
      filePath: '/var/lib/phoihop/phoihop.db',
      source: 'default',
    });
    // A relative PHOIHOP_DATA is taken from the current folder, like the uploaded files' folder.
    expect(resolveDatabaseConfig('', root, { PHOIHOP_DATA: 'state' }).filePath).toBe(
      path.resolve('state', 'phoihop.db'),
    );
    expect(resolveDatabaseConfig(undefined, root, { PHOIHOP_DATA: '  ' }).filePath).toBe(
      '/srv/phoihop/.data/phoihop.db',
    );
    // DATABASE_URL still wins, and its relative paths stay relative to the project root.
    expect(resolveDatabaseConfig('file:x.db', root, { PHOIHOP_DATA: '/var/lib/phoihop' }).filePath).toBe(
      '/srv/phoihop/x.db',
    );
  });

  it('reads PHOIHOP_DATA from the environment when no environment is passed', () => {
    const saved = process.env.PHOIHOP_DATA;
    process.env.PHOIHOP_DATA = '/tmp/phoihop-data';
    try {
      expect(resolveDatabaseConfig('', root).filePath).toBe('/tmp/phoihop-data/phoihop.db');
    } finally {
      if (saved === undefined) delete process.env.PHOIHOP_DATA;
      else process.env.PHOIHOP_DATA = saved;
    }
  });

  it('reads DATABASE_URL when no value is passed', () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'file:/tmp/from-env.db';
    try {
      expect(resolveDatabaseConfig().filePath).toBe('/tmp/from-env.db');
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it.each([
    ['file:./dev.db', '/srv/phoihop/dev.db'],
    ['file:dev.db', '/srv/phoihop/dev.db'],
    ['file:.data/x/y.db', '/srv/phoihop/.data/x/y.db'],
    ['file:/var/lib/phoihop/p.db', '/var/lib/phoihop/p.db'],
    ['file:///var/lib/phoihop/p.db', '/var/lib/phoihop/p.db'],
    ['file:/var/lib/p.db?connection_limit=1', '/var/lib/p.db'],
  ])('accepts the SQLite URL %s', (value, file) => {
    const config = resolveDatabaseConfig(value, root);
    expect(config).toMatchObject({
      provider: 'sqlite',
      filePath: file,
      url: `file:${file}`,
      source: 'DATABASE_URL',
    });
    expect(path.isAbsolute(config.filePath as string)).toBe(true);
  });

  it.each([
    'postgres://phoihop:s3cret@db.example.org:5432/phoihop',
    'postgresql://phoihop@127.0.0.1:55432/phoihop?sslmode=disable',
    'postgresql://u:p@localhost/db?schema=public',
  ])('accepts the PostgreSQL URL %s, keeping it and masking the password', (value) => {
    const config = resolveDatabaseConfig(value, root);
    expect(config.provider).toBe('postgresql');
    expect(config.url).toBe(value);
    expect(config.filePath).toBeUndefined();
    expect(config.maskedUrl).not.toMatch(/s3cret|:p@/);
  });

  it('masks the password of PostgreSQL URLs', () => {
    expect(resolveDatabaseConfig('postgres://phoihop:s3cret@db:5432/phoihop', root).maskedUrl).toBe(
      'postgres://phoihop:****@db:5432/phoihop',
    );
  });

  it('refuses other schemes with a message naming DATABASE_URL, the masked value and what is accepted', () => {
    const message = refusal('mysql://root:hunter2@db.example.org:3306/phoihop');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('mysql://root:****@db.example.org:3306/phoihop');
    expect(message).not.toContain('hunter2');
    expect(message).toMatch(/file:/);
    expect(message).toMatch(/postgres:\/\//);
  });

  it.each([
    ['./phoihop.db', 'not a supported'],
    ['sqlite:///tmp/x.db', 'not a supported'],
    ['file:', 'must name a database file'],
    ['file::memory:', 'must name a database file'],
    ['postgres://', 'has no host'],
    ['postgresql://user:pw@:5432/db', 'not a valid PostgreSQL URL'],
  ])('refuses %s', (value, reason) => {
    const message = refusal(value);
    expect(message).toContain(reason);
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toMatch(/:pw@/);
  });
});

describe('maskUrl', () => {
  it.each([
    ['postgres://u:secret@h/db', 'postgres://u:****@h/db'],
    ['postgresql://u@h/db', 'postgresql://u@h/db'],
    ['postgresql://u:p%40ss@h:1/db?sslmode=require', 'postgresql://u:****@h:1/db?sslmode=require'],
    ['postgresql://h/db?user=u&password=secret&x=1', 'postgresql://h/db?user=u&password=****&x=1'],
    ['redis://:secret@h:6379', 'redis://:****@h:6379'],
    ['file:/tmp/x.db', 'file:/tmp/x.db'],
  ])('%s -> %s', (value, masked) => {
    expect(maskUrl(value)).toBe(masked);
  });
});
