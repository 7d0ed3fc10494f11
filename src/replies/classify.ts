// What a message read from the replies mailbox is, from its headers and text alone: an automatic answer
// (never taken as a submission, never answered: no mail loops), the task emails it names, and the reply's
// own words without the quoted original and the signature.

/** The headers the classification reads, lower-case names, each value as one string. */
export type HeaderLookup = (name: string) => string | undefined;

/**
 * Out-of-office and auto-reply wording in subjects, Vietnamese and English (Outlook, Gmail, Zimbra and the
 * Vietnamese e-office systems' usual phrases).
 */
const AUTO_SUBJECT =
  /\b(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|auto[- ]?response|away from (the )?office|on leave|on vacation|undeliverable|delivery status notification|mail delivery failed)\b|trả lời tự động|thư tự động|phản hồi tự động|vắng mặt|đi công tác|nghỉ phép|không có mặt tại cơ quan/i;

/** Why a message is taken for an automatic answer, or null when it is a person's. */
export function autoReplyReason(header: HeaderLookup, subject: string, fromAddress: string): string | null {
  const auto = header('auto-submitted')?.trim().toLowerCase();
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`; // RFC 3834
  for (const name of ['x-autoreply', 'x-autorespond']) {
    const value = header(name)?.trim();
    if (value) return `${name}: ${value}`;
  }
  const precedence = header('precedence')?.trim().toLowerCase();
  if (precedence === 'auto_reply' || precedence === 'bulk' || precedence === 'junk') {
    return `Precedence: ${precedence}`;
  }
  if (/^(mailer-daemon|postmaster)@/i.test(fromAddress)) return `From: ${fromAddress}`;
  if (/multipart\/report/i.test(header('content-type') ?? '')) return 'Content-Type: multipart/report';
  if (AUTO_SUBJECT.test(subject)) return `Subject: ${subject}`;
  return null;
}

/** The Message-IDs a reply cites (In-Reply-To first, then References from the newest). */
export function citedMessageIds(inReplyTo: string | undefined, references: string | string[] | undefined) {
  const ids = (value: string | undefined) => value?.match(/<[^<>\s]+>/g) ?? [];
  const refs = Array.isArray(references) ? references.flatMap((r) => ids(r)) : ids(references);
  return { inReplyTo: ids(inReplyTo), references: refs.reverse() };
}

/** A line that starts the quoted original: "On … wrote:", "Vào … đã viết:", Outlook's header block. */
const QUOTE_START = [
  /^On .+ wrote:\s*$/i,
  /^(Vào|Lúc) .+ (đã )?viết:\s*$/i,
  /^.+ <[^>]+> (wrote|đã viết|viết):\s*$/i,
  /^-{2,}\s*(Original Message|Forwarded message|Thư gốc|Thư chuyển tiếp)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^(From|Từ|Người gửi):\s.+$/i,
];
/** A line that starts a signature: the "-- " delimiter (RFC 3676), or the phone apps' tag lines. */
const SIGNATURE_START = [/^--\s*$/, /^Sent from my /i, /^Được gửi từ /i, /^Gửi từ (iPhone|điện thoại)/i];

/**
 * The reply's own words: everything above the quoted original and the signature, quoted lines ("> …")
 * dropped, blank runs folded, trimmed.
 */
export function ownText(text: string): string {
  const kept: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (QUOTE_START.some((r) => r.test(line.trim())) || SIGNATURE_START.some((r) => r.test(line))) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line.trimEnd());
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The failing sender checks that the receiving servers wrote in `Authentication-Results` (RFC 8601): SPF,
 * DKIM or DMARC `fail` (and SPF `softfail`), e.g. ["dmarc=fail"]. Every such header is read: a forged
 * header can only claim a failure against its own message, and a claimed pass is not trusted anyway.
 */
export function failedAuthentication(values: readonly string[]): string[] {
  const failed = new Set<string>();
  for (const value of values) {
    for (const m of value.matchAll(/\b(spf|dkim|dmarc)\s*=\s*(fail|softfail|permerror)\b/gi)) {
      failed.add(`${m[1]!.toLowerCase()}=${m[2]!.toLowerCase()}`);
    }
  }
  return [...failed];
}
