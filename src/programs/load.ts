// Reads program definitions (programs/*.yaml), validates them (schema, cross-references, templates) and
// computes their content hash. Every problem is reported with the file, the path inside it, the line
// and what is expected; all problems of a file are reported at once.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { formatPath, ProgramValidationError, type ProgramIssue } from './errors';
import { programSchema } from './schema';
import { analyzeTemplateText } from './templates';
import {
  TEMPLATE_SLOTS,
  TEMPLATE_VARIABLES,
  TEMPLATE_VARIABLE_NAMES,
  type TemplateVariableName,
  type TemplateVariableSpec,
} from './template-variables';
import type { ProgramDefinition } from './types';

export interface LoadedProgram {
  file: string;
  definition: ProgramDefinition;
  /** sha256 (hex) of the canonical JSON of the validated definition. */
  hash: string;
}

/** The folder of the shipped program definitions. */
export const PROGRAMS_DIR = path.resolve(__dirname, '..', '..', 'programs');

export function programHash(definition: ProgramDefinition): string {
  return createHash('sha256').update(canonicalJson(definition), 'utf8').digest('hex');
}

type PathSegment = string | number;

/** Finds the line and column of `path` in the YAML document (the nearest existing ancestor if missing). */
function locate(
  doc: Document,
  lines: LineCounter,
  at: readonly PathSegment[],
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let offset = (doc.contents as YamlNode | null)?.range?.[0] ?? 0;
  for (const segment of at) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = (pair.key as YamlNode).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing (the field is missing)';
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}

function messageFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const base = issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message;
    return `${base}; got ${describeInput(issue.input)}`;
  }
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid')) {
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describeInput(issue.input)}`;
  }
  return issue.message;
}

function issuesFromZod(file: string, doc: Document, lines: LineCounter, error: z.ZodError): ProgramIssue[] {
  const issues: ProgramIssue[] = [];
  for (const issue of error.issues) {
    const at = issue.path as PathSegment[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const full = [...at, key];
        issues.push({
          file,
          path: formatPath(full),
          ...locate(doc, lines, full),
          message: `unknown field "${key}" (check its spelling and indentation; the format is in docs/coordinators.md, "Program files")`,
        });
      }
      continue;
    }
    issues.push({ file, path: formatPath(at), ...locate(doc, lines, at), message: messageFor(issue) });
  }
  return issues;
}

/** Compile checks and variable checks of every template, and of each milestone's use of them. */
function templateIssues(
  file: string,
  doc: Document,
  lines: LineCounter,
  def: ProgramDefinition,
): ProgramIssue[] {
  const issues: ProgramIssue[] = [];
  const report = (at: PathSegment[], message: string) =>
    issues.push({ file, path: formatPath(at), ...locate(doc, lines, at), message });
  const used = new Map<string, Set<TemplateVariableName>>();
  for (const [name, template] of Object.entries(def.templates)) {
    const variables = new Set<TemplateVariableName>();
    for (const part of ['subject', 'body'] as const) {
      for (const lang of ['vi', 'en'] as const) {
        const at = ['templates', name, part, lang];
        try {
          const analysis = analyzeTemplateText(template[part][lang]);
          analysis.variables.forEach((v) => variables.add(v));
          for (const unknown of analysis.unknown) {
            report(
              at,
              `template "${name}" uses unknown variable "${unknown}"; documented variables: ${TEMPLATE_VARIABLE_NAMES.join(', ')}`,
            );
          }
        } catch (error) {
          report(at, `template "${name}" does not compile: ${(error as Error).message}`);
        }
      }
    }
    used.set(name, variables);
  }
  def.milestones.forEach((milestone, i) => {
    for (const slot of TEMPLATE_SLOTS) {
      const name = milestone.templates[slot];
      for (const variable of used.get(name) ?? []) {
        const spec: TemplateVariableSpec = TEMPLATE_VARIABLES[variable];
        if (spec.slots && !spec.slots.includes(slot)) {
          report(
            ['milestones', i, 'templates', slot],
            `template "${name}" uses "${variable}", which "${slot}" emails do not carry (only ${spec.slots.join(', ')})`,
          );
        }
        if (spec.needsPeriod && !milestone.period) {
          report(
            ['milestones', i, 'templates', slot],
            `template "${name}" uses "${variable}", but milestone "${milestone.key}" has no data period`,
          );
        }
      }
    }
  });
  return issues;
}

/** Validates the text of a program definition; throws ProgramValidationError listing every problem. */
export function parseProgram(text: string, file: string): LoadedProgram {
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {
    lineCounter: lines,
    prettyErrors: true,
    uniqueKeys: true,
  });
  if (doc.errors.length > 0) {
    throw new ProgramValidationError(
      file,
      doc.errors.map((e) => ({
        file,
        path: '',
        line: e.linePos?.[0].line ?? 1,
        column: e.linePos?.[0].col ?? 1,
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const result = programSchema.safeParse(doc.toJS({ maxAliasCount: 100 }), { reportInput: true });
  if (!result.success) throw new ProgramValidationError(file, issuesFromZod(file, doc, lines, result.error));
  const issues = templateIssues(file, doc, lines, result.data);
  if (issues.length > 0) throw new ProgramValidationError(file, issues);
  return { file, definition: result.data, hash: programHash(result.data) };
}

/** Reads and validates one program file. */
export function loadProgramFile(file: string): LoadedProgram {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the program file ${file}: ${(error as Error).message}`);
  }
  return parseProgram(text, file);
}

/** Reads and validates every `*.yaml` / `*.yml` file of a folder (default: the shipped programs/). */
export function loadPrograms(dir: string = PROGRAMS_DIR): LoadedProgram[] {
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const programs = files.map((name) => loadProgramFile(path.join(dir, name)));
  const byCode = new Map<string, string>();
  for (const program of programs) {
    const other = byCode.get(program.definition.code);
    if (other)
      throw new Error(
        `Programs ${other} and ${program.file} have the same code "${program.definition.code}"`,
      );
    byCode.set(program.definition.code, program.file);
  }
  return programs;
}
