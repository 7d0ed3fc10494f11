import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../support/tools';

/**
 * Debian's Chromium (installed by scripts/setup), driven by playwright-core. Never a browser downloaded
 * by Playwright: the project reaches only package registries.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where screenshots land (git-ignored): test-results/screenshots/<name>.png. */
export const SCREENSHOT_DIR = join(projectRoot, 'test-results', 'screenshots');

/** A small phone held upright: the narrowest screen the portal must fit without sideways scrolling. */
export const PHONE = { width: 375, height: 812 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

/** One headless Chromium with a phone-sized and a desktop context, Vietnamese locale and time zone. */
export interface E2EBrowser {
  browser: Browser;
  phone: BrowserContext;
  desktop: BrowserContext;
  /** Closes both contexts and the browser (its processes exit). Safe to call twice. */
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<E2EBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: run scripts/setup (it installs Debian's chromium package)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Tests run as root in CI, where Chromium's sandbox cannot start.
    args: ['--no-sandbox'],
  });
  try {
    const common = { locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' } as const;
    const phone = await browser.newContext({
      ...common,
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const desktop = await browser.newContext({ ...common, viewport: DESKTOP });
    let closed = false;
    return {
      browser,
      phone,
      desktop,
      async close() {
        if (closed) return;
        closed = true;
        await phone.close().catch(() => undefined);
        await desktop.close().catch(() => undefined);
        await browser.close();
      },
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** A full-page PNG of `page` at test-results/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must be a plain file name: ${name}`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** What sticks out past the right edge of the viewport: how far, and the elements that do. */
export interface Overflow {
  /** CSS pixels the page scrolls sideways (0: none). */
  pixels: number;
  /** The outermost elements past the viewport's right edge, e.g. 'TABLE "29/11/2026 Đề nghị ha.tt@…" (right edge 421px)'. */
  culprits: string[];
}

/**
 * How far the page's content overflows the viewport sideways, measured on the document and body (so an
 * element wider than the screen anywhere counts), with the elements to blame.
 */
export async function horizontalOverflow(page: Page): Promise<Overflow> {
  // A string, evaluated in the page: the project's TypeScript has no DOM types.
  return (await page.evaluate(`(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const pixels = Math.max(0, Math.max(root.scrollWidth, document.body.scrollWidth) - width);
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const right = el.getBoundingClientRect().right;
      if (right <= width + 0.5) continue;
      const parent = el.parentElement;
      if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5) continue;
      const text = (el.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
      culprits.push(el.tagName + (el.className ? '.' + el.className : '') + ' "' + text + '" (right edge ' + Math.round(right) + 'px)');
    }
    return { pixels, culprits };
  })()`)) as Overflow;
}
