import { imapConfigFromEnv, replyConfigFromEnv } from '../../../src/config/replies';
import { ConfigError } from '../../../src/config/env-error';
import {
  notificationOfAddress,
  replyAddress,
  replyCode,
  verifyReplyCode,
} from '../../../src/replies/reply-code';
import { composeTaskEmail } from '../../../src/replies/outgoing';

const SECRET = 's'.repeat(64);
const FROM = 'Sở VHTTDL <vanthu@sovhttdl.dienbien.example>';

describe('reply codes', () => {
  it('name the notification they were made for, and only with the key that signed them', () => {
    const code = replyCode(4242, SECRET);
    expect(code).toMatch(/^r[0-9a-z]+\.[0-9a-f]{12}$/);
    expect(verifyReplyCode(code, SECRET)).toBe(4242);
    expect(verifyReplyCode(code.toUpperCase(), SECRET)).toBe(4242); // a server that folds case
    expect(verifyReplyCode(code, 't'.repeat(64))).toBeNull();
    // Another id with the same signature: refused.
    expect(verifyReplyCode(code.replace(/^r[0-9a-z]+/, 'r3a5'), SECRET)).toBeNull();
    expect(verifyReplyCode('r1.zzzz', SECRET)).toBeNull();
  });

  it('go in a sub-address of the reply mailbox, read back from any case', () => {
    const config = replyConfigFromEnv({}, FROM, SECRET);
    const address = replyAddress(config, 77)!;
    expect(address).toMatch(/^vanthu\+r25\.[0-9a-f]{12}@sovhttdl\.dienbien\.example$/);
    expect(notificationOfAddress(config, address)).toBe(77);
    expect(notificationOfAddress(config, address.toUpperCase())).toBe(77);
    expect(notificationOfAddress(config, 'vanthu@sovhttdl.dienbien.example')).toBeNull();
    expect(notificationOfAddress(config, address.replace('dienbien', 'laichau'))).toBeNull();
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
  });

  it('are configured by PHOIHOP_REPLY_TO, validated, or turned off', () => {
    expect(replyConfigFromEnv({ PHOIHOP_REPLY_TO: 'traloi@example.gov.vn' }, FROM, SECRET).address).toEqual({
      local: 'traloi',
      domain: 'example.gov.vn',
    });
    expect(replyConfigFromEnv({ PHOIHOP_REPLY_TO: 'off' }, FROM, SECRET).address).toBeNull();
    expect(() => replyConfigFromEnv({ PHOIHOP_REPLY_TO: 'tra+loi@example.gov.vn' }, FROM, SECRET)).toThrow(
      ConfigError,
    );
    expect(() => replyConfigFromEnv({ PHOIHOP_REPLY_TO: 'not an address' }, FROM, SECRET)).toThrow(
      /PHOIHOP_REPLY_TO: "not an address" cannot take replies/,
    );
    expect(() =>
      replyConfigFromEnv({ PHOIHOP_REPLY_TO: `${'a'.repeat(40)}@example.gov.vn` }, FROM, SECRET),
    ).toThrow(/leave room for the reply code/);
  });
});

describe('the IMAP configuration', () => {
  it('is read from PHOIHOP_IMAP_URL, and absent without it', () => {
    expect(imapConfigFromEnv({})).toBeNull();
    expect(
      imapConfigFromEnv({
        PHOIHOP_IMAP_URL: 'imaps://vanthu%40example.gov.vn:p%40ss@mail.example.gov.vn/Tra%20loi',
      }),
    ).toEqual({
      host: 'mail.example.gov.vn',
      port: 993,
      secure: true,
      user: 'vanthu@example.gov.vn',
      password: 'p@ss',
      mailbox: 'Tra loi',
      pollSeconds: 60,
    });
  });

  it('refuses what it cannot use, saying what to write, with the password masked', () => {
    expect(() => imapConfigFromEnv({ PHOIHOP_IMAP_URL: 'pop3://u:secretpw@host' })).toThrow(
      /must start with imap:\/\/ or imaps:\/\//,
    );
    expect(() => imapConfigFromEnv({ PHOIHOP_IMAP_URL: 'pop3://u:secretpw@host' })).not.toThrow(/secretpw/);
    expect(() => imapConfigFromEnv({ PHOIHOP_IMAP_URL: 'imap://host/INBOX' })).toThrow(/user and password/);
    expect(() =>
      imapConfigFromEnv({ PHOIHOP_IMAP_URL: 'imap://u:p@host', PHOIHOP_IMAP_POLL_SECONDS: 'often' }),
    ).toThrow(/PHOIHOP_IMAP_POLL_SECONDS/);
  });
});

describe('task emails', () => {
  const pair = {
    primary: 'vi' as const,
    other: 'en' as const,
    main: { text: 'Kính gửi Sở Y tế', html: '<html><body><p>Kính gửi</p></body></html>' },
    alt: { text: 'Dear Department of Health', html: '<html><body><p>Dear</p></body></html>' },
  };
  const config = replyConfigFromEnv({}, FROM, SECRET);

  it('asking the agency for something say, in Vietnamese first, that a reply with documents submits them', () => {
    const email = composeTaskEmail(config, 'reminder', 'focal_point', false, pair);
    expect(email.text).toMatch(
      /^Kính gửi Sở Y tế\n\nTrả lời bằng email: đơn vị có thể trả lời \(Reply\) email này/,
    );
    expect(email.text).toContain('đề nghị gia hạn');
    expect(email.text).toMatch(
      /Dear Department of Health\n\nAnswering by email: you may reply to this email/,
    );
    expect(email.html).toMatch(/<p>Kính gửi<\/p><p>Trả lời bằng email: [^<]*<\/p>\n<\/body>/);
    expect(email.replyTo?.(9)).toBe(replyAddress(config, 9));
  });

  it('of a milestone with required figures send the agency to the portal instead', () => {
    const email = composeTaskEmail(config, 'request', 'head', true, pair);
    expect(email.text).toContain(
      'nhiệm vụ này có số liệu bắt buộc nên văn bản và số liệu cần được nộp trên trang nhiệm vụ',
    );
    expect(email.text).not.toContain('đính kèm văn bản (bản có chữ ký');
  });

  it('to coordinators, receipts, or with replies turned off carry no reply address nor paragraph', () => {
    for (const email of [
      composeTaskEmail(config, 'escalation', 'coordinators', false, pair),
      composeTaskEmail(config, 'received', 'focal_point', false, pair),
      composeTaskEmail(
        replyConfigFromEnv({ PHOIHOP_REPLY_TO: 'off' }, FROM, SECRET),
        'request',
        'focal_point',
        false,
        pair,
      ),
    ]) {
      expect(email.replyTo).toBeUndefined();
      expect(email.text).not.toContain('Trả lời bằng email');
    }
  });
});
