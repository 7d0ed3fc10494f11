import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalConfigFromEnv, workflowUiUrl } from '../../src/config/temporal';
import { smtpConfigFromEnv } from '../../src/config/smtp';
import { ConfigError, maskSecret } from '../../src/config/env-error';

describe('Temporal configuration from the environment', () => {
  it('defaults to the embedded dev server', () => {
    const config = temporalConfigFromEnv({});
    expect(config).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'phoihop' });
    expect(config.tls).toBeUndefined();
    expect(workflowUiUrl(config, 'cycle:kh99:2027')).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows/cycle%3Akh99%3A2027',
    );
  });

  it.each(['localhost', 'http://x:7233', 'host:99999', 'a b:1'])(
    'names TEMPORAL_ADDRESS when it is %p',
    (value) => {
      expect(() => temporalConfigFromEnv({ TEMPORAL_ADDRESS: value })).toThrow(ConfigError);
      expect(() => temporalConfigFromEnv({ TEMPORAL_ADDRESS: value })).toThrow(
        /^TEMPORAL_ADDRESS: .*host:port/,
      );
    },
  );

  it('rejects a malformed namespace and TLS flag, naming the variable', () => {
    expect(() => temporalConfigFromEnv({ TEMPORAL_NAMESPACE: 'bad ns' })).toThrow(/^TEMPORAL_NAMESPACE:/);
    expect(() => temporalConfigFromEnv({ TEMPORAL_TLS: 'yes' })).toThrow(/^TEMPORAL_TLS: "yes"/);
  });

  it('reads mutual TLS files and requires both halves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoihop-tls-'));
    const crt = join(dir, 'client.pem');
    const key = join(dir, 'client.key');
    writeFileSync(crt, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n');
    const config = temporalConfigFromEnv({
      TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233',
      TEMPORAL_TLS_CERT: crt,
      TEMPORAL_TLS_KEY: key,
    });
    expect(config.tls?.clientCertPair?.crt.toString()).toContain('BEGIN CERTIFICATE');
    expect(() => temporalConfigFromEnv({ TEMPORAL_TLS_CERT: crt })).toThrow(
      /^TEMPORAL_TLS_KEY: mutual TLS needs both/,
    );
    expect(() =>
      temporalConfigFromEnv({ TEMPORAL_TLS_CERT: join(dir, 'missing.pem'), TEMPORAL_TLS_KEY: key }),
    ).toThrow(/^TEMPORAL_TLS_CERT: cannot read .*missing\.pem/);
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    expect(() => temporalConfigFromEnv({ TEMPORAL_TLS_CA: join(dir, 'junk.pem') })).toThrow(
      /^TEMPORAL_TLS_CA: .* is not a PEM file/,
    );
  });

  it('turns TLS on for an API key unless TEMPORAL_TLS=false', () => {
    expect(temporalConfigFromEnv({ TEMPORAL_API_KEY: 'k' }).tls).toBeDefined();
    expect(temporalConfigFromEnv({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls).toBeUndefined();
  });
});

describe('SMTP configuration from the environment', () => {
  it('defaults to the embedded inbox', () => {
    expect(smtpConfigFromEnv({})).toMatchObject({
      url: 'smtp://127.0.0.1:1025',
      inboxUrl: 'http://127.0.0.1:8025',
    });
  });

  it('names SMTP_URL and masks its password', () => {
    expect(() => smtpConfigFromEnv({ SMTP_URL: 'http://user:secret@mail:25' })).toThrow(
      /^SMTP_URL: .*smtp:\/\//,
    );
    try {
      smtpConfigFromEnv({ SMTP_URL: 'imap://user:secret@mail:25' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
      expect((err as Error).message).toContain('user:***@');
    }
    expect(() => smtpConfigFromEnv({ SMTP_URL: 'not a url' })).toThrow(/^SMTP_URL: "not a url" is not a URL/);
  });

  it('checks SMTP_FROM', () => {
    expect(() => smtpConfigFromEnv({ SMTP_FROM: 'nobody' })).toThrow(/^SMTP_FROM:/);
    expect(smtpConfigFromEnv({ SMTP_FROM: 'Sở VHTTDL <vanthu@example.gov.vn>' }).from).toBe(
      'Sở VHTTDL <vanthu@example.gov.vn>',
    );
  });

  it('reads the email rate limit, 10 per second unless SMTP_MAX_PER_SECOND says otherwise', () => {
    expect(smtpConfigFromEnv({}).maxPerSecond).toBe(10);
    expect(smtpConfigFromEnv({ SMTP_MAX_PER_SECOND: '0.5' }).maxPerSecond).toBe(0.5);
    for (const bad of ['0', '-3', 'fast', '1e9']) {
      expect(() => smtpConfigFromEnv({ SMTP_MAX_PER_SECOND: bad })).toThrow(
        new RegExp(`^SMTP_MAX_PER_SECOND: "${bad}" is not a rate: expected emails per second`),
      );
    }
  });

  it('masks secrets in URL-like values', () => {
    expect(maskSecret('postgres://u:p@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(maskSecret('smtp://h:25')).toBe('smtp://h:25');
  });
});
