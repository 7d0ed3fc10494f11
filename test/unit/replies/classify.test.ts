import {
  autoReplyReason,
  citedMessageIds,
  failedAuthentication,
  ownText,
} from '../../../src/replies/classify';

const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];

describe('automatic answers', () => {
  it('are told by RFC 3834 Auto-Submitted, X-Autoreply, Precedence, a mailer daemon, or out-of-office wording', () => {
    const person = 'ha.tt@soyt.dienbien.example';
    expect(autoReplyReason(headers({ 'auto-submitted': 'auto-replied' }), 'Re: Kế hoạch', person)).toBe(
      'Auto-Submitted: auto-replied',
    );
    expect(autoReplyReason(headers({ 'x-autoreply': 'yes' }), 'Re: Kế hoạch', person)).toBe(
      'x-autoreply: yes',
    );
    expect(autoReplyReason(headers({ precedence: 'auto_reply' }), 'Re: Kế hoạch', person)).toBe(
      'Precedence: auto_reply',
    );
    expect(autoReplyReason(headers({}), 'Undelivered', 'MAILER-DAEMON@mail.example')).toMatch(/^From:/);
    for (const subject of [
      'Trả lời tự động: Kế hoạch năm 2027',
      'Thư tự động - vắng mặt',
      'Tôi đang đi công tác',
      'Automatic reply: Plan 2027',
      'Out of Office: Plan 2027',
    ]) {
      expect(autoReplyReason(headers({}), subject, person)).toBe(`Subject: ${subject}`);
    }
  });

  it('are not a person’s reply, even one that says "no" to Auto-Submitted', () => {
    expect(
      autoReplyReason(
        headers({ 'auto-submitted': 'no' }),
        'Re: Đề nghị gửi Kế hoạch',
        'ha.tt@soyt.dienbien.example',
      ),
    ).toBeNull();
  });
});

describe('a reply’s own text', () => {
  it('stops at the quoted original (Vietnamese, English, Outlook) and at the signature', () => {
    expect(ownText('Gửi kế hoạch.\n\nVào 10:00 Thứ Hai, Sở VHTTDL <vanthu@x> đã viết:\n> Kính gửi')).toBe(
      'Gửi kế hoạch.',
    );
    expect(ownText('Attached.\r\nOn Mon, 18 Jan 2027, Sở VHTTDL wrote:\r\n> Dear')).toBe('Attached.');
    expect(ownText('Gửi.\n\n-----Original Message-----\nFrom: x')).toBe('Gửi.');
    expect(ownText('Gửi.\n________________________________\nTừ: Sở VHTTDL')).toBe('Gửi.');
    expect(ownText('Trân trọng.\n-- \nTrần Thanh Hà\nSở Y tế')).toBe('Trân trọng.');
    expect(ownText('Gửi anh.\n\nSent from my iPhone')).toBe('Gửi anh.');
    expect(ownText('> quoted first\nMy answer\n\n\n\nmore')).toBe('My answer\n\nmore');
  });
});

describe('the Message-IDs a reply cites', () => {
  it('are In-Reply-To first, then References newest first', () => {
    expect(citedMessageIds('<b@x>', '<a@x> <b@x>')).toEqual({
      inReplyTo: ['<b@x>'],
      references: ['<b@x>', '<a@x>'],
    });
    expect(citedMessageIds(undefined, ['<a@x>', '<c@x>'])).toEqual({
      inReplyTo: [],
      references: ['<c@x>', '<a@x>'],
    });
  });
});

describe('Authentication-Results', () => {
  it('give the failing SPF, DKIM and DMARC checks, and nothing for passes', () => {
    expect(
      failedAuthentication([
        'mx.example; spf=softfail smtp.mailfrom=x; dkim=pass header.d=x',
        'mx2.example; DMARC=fail (p=reject) header.from=x',
      ]),
    ).toEqual(['spf=softfail', 'dmarc=fail']);
    expect(failedAuthentication(['mx.example; spf=pass; dkim=pass; dmarc=pass'])).toEqual([]);
    expect(failedAuthentication([])).toEqual([]);
  });
});
