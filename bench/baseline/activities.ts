// The baseline's only activity: no work at all, so the baseline measures the engine alone.
export async function noop(): Promise<void> {}
