import { UsageError } from '../config/usage-error';
import { loadPrograms, PROGRAMS_DIR, type LoadedProgram } from './load';

/** Finds a program by code among the program files, naming the known codes when it is not there. */
export function findProgram(code: string, dir: string = PROGRAMS_DIR): LoadedProgram {
  const programs = loadPrograms(dir);
  const found = programs.find((p) => p.definition.code === code);
  if (!found) {
    throw new UsageError(
      `no program "${code}" in ${dir}; known: ${programs.map((p) => p.definition.code).join(', ') || '(none)'}`,
    );
  }
  return found;
}
