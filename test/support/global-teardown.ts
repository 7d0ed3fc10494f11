/** Stops the servers global-setup.ts started, in reverse order. */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __phoihopServers?: { stop(): Promise<void> }[] }).__phoihopServers ?? [];
  for (const server of started.reverse()) await server.stop();
}
