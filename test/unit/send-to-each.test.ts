import { ApplicationFailure } from '@temporalio/common';
import { PERMANENT_EMAIL_FAILURE, sendToEach } from '../../src/activities/notification-log';

describe('sendToEach', () => {
  it('lists a recipient refused for good and still sends to the others', async () => {
    const sent: string[] = [];
    const result = await sendToEach(
      ['a@x.example', 'b@x.example', 'c@x.example'],
      (to) => `focal_point ${to}`,
      async (to) => {
        if (to === 'b@x.example') {
          throw ApplicationFailure.nonRetryable('550 no such mailbox', PERMANENT_EMAIL_FAILURE);
        }
        sent.push(to);
      },
    );
    expect(sent).toEqual(['a@x.example', 'c@x.example']);
    expect(result).toEqual({
      delivered: 2,
      undeliverable: ['focal_point b@x.example: 550 no such mailbox'],
    });
  });

  it('stops at any other failure and throws it (the activity is retried)', async () => {
    const sent: string[] = [];
    const down = new Error('connect ECONNREFUSED 127.0.0.1:1025');
    await expect(
      sendToEach(
        ['a@x.example', 'b@x.example', 'c@x.example'],
        (to) => to,
        async (to) => {
          if (to === 'b@x.example') throw down;
          sent.push(to);
        },
      ),
    ).rejects.toBe(down);
    expect(sent).toEqual(['a@x.example']);
  });
});
