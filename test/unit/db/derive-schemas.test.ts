import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const script = path.join(root, 'scripts/db/derive-schemas.js');
const derived = ['sqlite/schema.prisma', 'postgres/schema.prisma'];

function run(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });
}

describe('scripts/db/derive-schemas.js', () => {
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'phoihop-derive-'));
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  it('produces exactly the committed provider schemas from prisma/schema.base.prisma', () => {
    const result = run('--out', out);
    expect(result.status).toBe(0);
    for (const file of derived) {
      expect(fs.readFileSync(path.join(out, file), 'utf8')).toBe(
        fs.readFileSync(path.join(root, 'prisma', file), 'utf8'),
      );
    }
  });

  it('--check passes on the committed schemas', () => {
    const result = run('--check');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('--check fails, naming the file and the fix, when a derived schema is stale', () => {
    expect(run('--out', out).status).toBe(0);
    const stale = path.join(out, 'postgres/schema.prisma');
    fs.appendFileSync(stale, '\nmodel Extra {\n  id Int @id\n}\n');
    const result = run('--check', '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('postgres/schema.prisma');
    expect(result.stderr).not.toContain('sqlite/schema.prisma');
    expect(result.stderr).toContain('npm run db:derive');
  });

  it('derives the provider and the client output of each schema, and the same models for both', () => {
    expect(run('--out', out).status).toBe(0);
    const sqlite = fs.readFileSync(path.join(out, 'sqlite/schema.prisma'), 'utf8');
    const postgres = fs.readFileSync(path.join(out, 'postgres/schema.prisma'), 'utf8');
    expect(sqlite).toMatch(/provider\s*=\s*"sqlite"/);
    expect(sqlite).toContain('src/generated/prisma-sqlite');
    expect(postgres).toMatch(/provider\s*=\s*"postgresql"/);
    expect(postgres).toContain('src/generated/prisma-postgres');
    for (const schema of [sqlite, postgres]) expect(schema).toMatch(/engineType\s*=\s*"client"/);
    const models = (s: string) => s.slice(s.indexOf('// phoihop data model'));
    expect(models(sqlite)).toBe(models(postgres));
  });
});
