// Errors of program definitions, each saying where (file, path inside it, line) and what is expected.

export interface ProgramIssue {
  file: string;
  /** Path inside the definition, e.g. `milestones[2].due.after.workingDays`; empty for the top level. */
  path: string;
  /** 1-based line and column in the file (of the nearest enclosing node when the field is missing). */
  line: number;
  column: number;
  message: string;
}

export function formatProgramIssue(issue: ProgramIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path || '(top level)'}: ${issue.message}`;
}

export class ProgramValidationError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ProgramIssue[],
  ) {
    super(
      `${file}: the program definition is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  ${formatProgramIssue(issue)}`).join('\n') +
        '\nFix the file and load it again (the program format is described in docs/coordinators.md, "Program files").',
    );
    this.name = 'ProgramValidationError';
  }
}

/** `['milestones', 2, 'due']` → `milestones[2].due`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const name = String(segment);
      out += /^[A-Za-z_][\w-]*$/.test(name) ? (out ? `.${name}` : name) : `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}
