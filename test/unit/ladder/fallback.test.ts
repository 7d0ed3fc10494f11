import type { RecipientRole } from '../../../src/programs/types';
import { sendWithFallback, type SendOutcome } from '../../../src/workflows/ladder/fallback';

/** A send where the roles in `unreachable` have only refused addresses, and `absent` ones no address. */
function fakeSend(unreachable: RecipientRole[], absent: RecipientRole[] = []) {
  const sent: string[] = [];
  const send = async (to: RecipientRole[], step: string): Promise<SendOutcome> => {
    sent.push(`${step} → ${to.join(',')}`);
    const refused = to.filter((r) => unreachable.includes(r)).map((r) => `${r} ${r}@example.vn: 550`);
    const delivered = to.filter((r) => !unreachable.includes(r) && !absent.includes(r)).length;
    return { delivered, undeliverable: refused };
  };
  return { send, sent };
}

describe('sendWithFallback', () => {
  it('sends once when someone got the email', async () => {
    const { send, sent } = fakeSend([]);
    const notes: string[] = [];
    await sendWithFallback(send, ['focal_point'], 'r0:remind-2', {
      note: (l) => notes.push(l),
      noteFallbackRefusals: true,
    });
    expect(sent).toEqual(['r0:remind-2 → focal_point']);
    expect(notes).toEqual([]);
  });

  it('goes up to the head, then the coordinators, until someone gets it, with notes', async () => {
    const { send, sent } = fakeSend(['focal_point', 'head']);
    const notes: string[] = [];
    await sendWithFallback(send, ['focal_point'], 'request', {
      note: (l) => notes.push(l),
      noteFallbackRefusals: true,
    });
    expect(sent).toEqual([
      'request → focal_point',
      'request-to-head → head',
      'request-to-coordinators → coordinators',
    ]);
    expect(notes).toEqual([
      'undeliverable: focal_point focal_point@example.vn: 550',
      'request: nobody reachable; sent to head instead',
      'undeliverable: head head@example.vn: 550',
      'request: nobody reachable; sent to coordinators instead',
    ]);
  });

  it('notes only the first send’s refusals when asked so, and skips a group already written to', async () => {
    const { send, sent } = fakeSend(['focal_point', 'head', 'coordinators']);
    const notes: string[] = [];
    await sendWithFallback(send, ['focal_point', 'head'], 'notice', {
      note: (l) => notes.push(l),
      noteFallbackRefusals: false,
    });
    expect(sent).toEqual(['notice → focal_point,head', 'notice-to-coordinators → coordinators']);
    expect(notes).toEqual([
      'undeliverable: focal_point focal_point@example.vn: 550',
      'undeliverable: head head@example.vn: 550',
      'notice: nobody reachable; sent to coordinators instead',
    ]);
  });

  it('does not go up when nobody was written to (no address on file, nothing refused)', async () => {
    const { send, sent } = fakeSend([], ['focal_point']);
    await sendWithFallback(send, ['focal_point'], 'request', { note: () => {}, noteFallbackRefusals: true });
    expect(sent).toEqual(['request → focal_point']);
  });
});
