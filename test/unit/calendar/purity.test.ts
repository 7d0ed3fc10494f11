import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';

/**
 * Workflow code imports the calendar's pure modules, so they must stay deterministic: no Node built-ins, no
 * npm packages doing I/O, no clock, no randomness, no Intl/time-zone lookups. Only load.ts may read files.
 */
const SRC = resolve(__dirname, '../../../src/calendar');
const PURE = ['dates.ts', 'lunar.ts', 'holidays.ts', 'working-calendar.ts'];

function code(file: string): string {
  // Strip comments so that prose such as "no Date, no Intl" does not count.
  return readFileSync(join(SRC, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function importsOf(file: string): string[] {
  const specifiers: string[] = [];
  for (const m of code(file).matchAll(
    /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    specifiers.push((m[1] ?? m[2] ?? m[3])!);
  }
  return specifiers;
}

describe('the pure calendar modules', () => {
  it.each(PURE)('%s imports only other pure calendar modules', (file) => {
    const imports = importsOf(file);
    for (const spec of imports) {
      expect(builtinModules.includes(spec.replace(/^node:/, '')) || spec.startsWith('node:')).toBe(false);
      expect(spec.startsWith('./')).toBe(true); // no npm package
      expect(PURE).toContain(`${spec.slice(2)}.ts`);
    }
  });

  it.each(PURE)('%s uses no clock, randomness, Intl, process or timers', (file) => {
    const source = code(file);
    for (const forbidden of [
      /\bnew Date\b/,
      /\bDate\s*\./,
      /\bIntl\b/,
      /Math\.random/,
      /\bprocess\b/,
      /\bset(Timeout|Interval)\b/,
      /\brequire\(/,
    ]) {
      expect(source).not.toMatch(forbidden);
    }
  });

  it('the import scan sees what load.ts imports (so it would catch a Node import)', () => {
    expect(importsOf('load.ts')).toEqual(
      expect.arrayContaining(['node:fs', 'node:path', 'yaml', './holidays']),
    );
  });

  it('bundle as Temporal workflow code, and the Node-only loader does not', async () => {
    const ok = await bundleWorkflowCode({
      workflowsPath: require.resolve('./fixtures/calendar-workflow'),
      logger: recordingLogger([]),
    });
    expect(ok.code).toContain('calendarWorkflow');

    const logged: string[] = [];
    await expect(
      bundleWorkflowCode({
        workflowsPath: require.resolve('./fixtures/loader-workflow'),
        logger: recordingLogger(logged),
      }),
    ).rejects.toThrow('Webpack finished with errors');
    expect(logged.join('\n')).toMatch(/ERROR in node:fs/); // the loader's Node import is what broke it
  }, 120_000);
});

/** A Temporal logger that keeps what the bundler says (its errors name the modules that broke the bundle). */
function recordingLogger(into: string[]): Logger {
  const keep = (message: string, meta?: LogMetadata): void => {
    into.push(`${message} ${meta ? JSON.stringify(meta) : ''}`);
  };
  return {
    log: (_level: LogLevel, message: string, meta?: LogMetadata) => keep(message, meta),
    trace: keep,
    debug: keep,
    info: keep,
    warn: keep,
    error: keep,
  };
}
