import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

/** One headless Chromium with a phone-sized and a desktop context (and more on demand), Vietnamese locale and time zone. */
export interface E2EBrowser {
  browser: Browser;
  phone: BrowserContext;
  desktop: BrowserContext;
  /**
   * Another phone- or desktop-sized context, with its own cookies (another person at another device);
   * closed with the browser.
   */
  newContext(kind: 'phone' | 'desktop'): Promise<BrowserContext>;
  /** Closes every context and the browser (its processes exit). Safe to call twice. */
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
    const contexts: BrowserContext[] = [];
    const newContext = async (kind: 'phone' | 'desktop') => {
      const common = { locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' } as const;
      const context = await browser.newContext(
        kind === 'phone'
          ? { ...common, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
          : { ...common, viewport: DESKTOP },
      );
      contexts.push(context);
      return context;
    };
    const phone = await newContext('phone');
    const desktop = await newContext('desktop');
    let closed = false;
    return {
      browser,
      phone,
      desktop,
      newContext,
      async close() {
        if (closed) return;
        closed = true;
        for (const context of contexts) await context.close().catch(() => undefined);
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
 * element wider than the screen anywhere counts), with the elements to blame. An element inside a box that
 * scrolls or clips sideways (a wide table in `overflow-x: auto`, scrolled with a finger) is not to blame:
 * the page itself does not move.
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
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') { clipped = true; break; }
      }
      if (clipped) continue;
      const parent = el.parentElement;
      if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5) continue;
      const text = (el.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
      culprits.push(el.tagName + (el.className ? '.' + el.className : '') + ' "' + text + '" (right edge ' + Math.round(right) + 'px)');
    }
    return { pixels, culprits };
  })()`)) as Overflow;
}

/**
 * The boxes of the page that scroll sideways on their own (`overflow-x: auto` or `scroll`, content wider
 * than the box): allowed, since the page itself stays put, but each hides part of its content until the
 * reader swipes it, e.g. 'DIV.scroll > TABLE.timeline "Thời điểm Nhiệm vụ…": 521px in 343px (178px hidden)'.
 */
export async function scrollBoxes(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      if (style.overflowX !== 'auto' && style.overflowX !== 'scroll') continue;
      if (el.scrollWidth <= el.clientWidth) continue;
      const inner = el.firstElementChild;
      const what = inner ? inner.tagName + (inner.className ? '.' + inner.className : '') : '';
      const text = ((inner || el).innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 30);
      out.push(el.tagName + (el.className ? '.' + el.className : '') + ' > ' + what + ' "' + text + '": ' +
        el.scrollWidth + 'px in ' + el.clientWidth + 'px (' + (el.scrollWidth - el.clientWidth) + 'px hidden)');
    }
    return out;
  })()`)) as string[];
}

/** Writes what the layout checks found, page by page, to test-results/<name>.json (for people to read). */
export function writeLayoutReport(name: string, report: unknown): string {
  const path = join(projectRoot, 'test-results', `${name}.json`);
  mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
