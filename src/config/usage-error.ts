/** A command given with options that cannot work: printed as its message alone, with exit status 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}
