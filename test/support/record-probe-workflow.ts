// A workflow that only records one obligation through the follow-up workflows' own activity proxy
// (src/workflows/ladder/activities.ts, with its real options), for test/integration/activity-timeouts.test.ts.
import type { Activities } from '../../src/activities';
import { recordActivities } from '../../src/workflows/ladder/activities';

const { recordObligation } = recordActivities();

export async function recordProbe(input: Parameters<Activities['recordObligation']>[0]): Promise<void> {
  await recordObligation(input);
}
