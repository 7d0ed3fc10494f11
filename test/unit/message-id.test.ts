import { deterministicMessageId } from '../../src/activities/notification-log';

describe('deterministic Message-ID', () => {
  it('is the same for the same key and differs between keys', () => {
    const a = deterministicMessageId(
      'cycle:kh99:2027:SOYT:plan:request:a@example.gov.vn',
      'x <phoihop@example.gov.vn>',
    );
    expect(a).toBe(
      deterministicMessageId('cycle:kh99:2027:SOYT:plan:request:a@example.gov.vn', 'phoihop@example.gov.vn'),
    );
    expect(a).toMatch(/^<[0-9a-f]{32}\.phoihop@example\.gov\.vn>$/);
    expect(a).not.toBe(
      deterministicMessageId('cycle:kh99:2027:SOYT:plan:request:b@example.gov.vn', 'phoihop@example.gov.vn'),
    );
  });
});
