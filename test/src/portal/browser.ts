import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from '@jest/globals';
import { callApi, type TestApp } from '@nebulahex/server/testing';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/ensure-chromium.sh installs it): Playwright cannot download its own here. */
export const CHROMIUM = process.env.NEBULAHEX_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where every page's screenshot goes (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../screenshots/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`bash scripts/ensure-chromium.sh\` (npm test does).`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe is evaluated
 * through the DevTools protocol, which the page's CSP does not govern (no inline script).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** A full-page screenshot named after the page. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}

/** Presses Tab until the focused element's accessible text matches `name` (keyboard-only use). */
export async function tabTo(page: Page, name: RegExp, maxPresses = 60): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return '';
      const label = element.id ? document.querySelector(`label[for="${CSS.escape(element.id)}"]`)?.textContent : '';
      return `${element.getAttribute('aria-label') ?? ''} ${label ?? ''} ${element.textContent ?? ''}`.trim();
    });
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached an element named ${name}`);
}

/**
 * What sticks out of the viewport sideways (wide tables scroll inside their own region),
 * as tag.class; empty when the layout fits.
 */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    return Array.from(document.querySelectorAll("body *"))
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1 && !element.closest('.table-wrap, pre'))
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)
      .slice(0, 10);
  });
}

/**
 * What a reader of the page's tables (the `.table-wrap` regions) cannot read without scrolling
 * sideways, as sentences; empty when every table fits: the page or a region scrolling sideways,
 * a row's element past the viewport's edges, a cell wider than its content allows, a word past
 * the visible right edge, a body cell that does not show its column's name.
 */
export function tableReadingProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (element: Element) => `${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways (${root.scrollWidth} px in ${root.clientWidth} px)`);
    const wraps = Array.from(document.querySelectorAll<HTMLElement>('.table-wrap'));
    if (wraps.length === 0) problems.push('the page has no table');
    for (const wrap of wraps) {
      const table = wrap.getAttribute('aria-label') ?? 'a table';
      if (wrap.scrollWidth > wrap.clientWidth) problems.push(`${table} scrolls sideways (${wrap.scrollWidth} px in ${wrap.clientWidth} px)`);
      const visibleRight = Math.min(wrap.getBoundingClientRect().right, window.innerWidth);
      for (const element of Array.from(wrap.querySelectorAll('table, tbody, tbody *'))) {
        const box = element.getBoundingClientRect();
        if (box.width > 0 && (box.left < -0.5 || box.right > window.innerWidth + 0.5)) {
          problems.push(`${table}: ${describe(element)} spans ${Math.round(box.left)}–${Math.round(box.right)} px of a ${window.innerWidth} px viewport`);
        }
      }
      const headers = Array.from(wrap.querySelectorAll('thead th')).map((th) => (th.textContent ?? '').trim());
      for (const row of Array.from(wrap.querySelectorAll('tbody > tr'))) {
        const cells = Array.from(row.children) as HTMLElement[];
        const labelled = cells.length === headers.length; // not a detail row spanning every column
        cells.forEach((cell, index) => {
          if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`${table}: ${describe(cell)} is wider than its cell (${cell.scrollWidth} px in ${cell.clientWidth} px)`);
          if (labelled) {
            const label = headers[index] ?? '';
            const before = getComputedStyle(cell, '::before');
            if (cell.dataset.label !== label) problems.push(`${table}: ${describe(cell)} is labelled ${JSON.stringify(cell.dataset.label)}, its column is ${JSON.stringify(label)}`);
            else if (before.display === 'none' || !before.content.startsWith(JSON.stringify(label))) problems.push(`${table}: ${describe(cell)} does not show its column's name ${JSON.stringify(label)} (::before ${before.content})`);
          }
          const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let text = texts.nextNode() as Text | null; text; text = texts.nextNode() as Text | null) {
            if (text.parentElement?.closest('pre')) continue; // scrolls in its own box
            for (const word of text.data.matchAll(/\S+/g)) {
              const range = document.createRange();
              range.setStart(text, word.index);
              range.setEnd(text, word.index + word[0].length);
              const past = Array.from(range.getClientRects()).some((box) => box.width > 0 && box.right > visibleRight + 0.5);
              if (past) problems.push(`${table}: "${word[0]}" is cut at the right edge`);
            }
          }
        });
      }
    }
    return problems;
  });
}

/** Every page is checked the same way: no serious or critical axe violation, and a screenshot. */
export async function checkPage(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
}

/** The rows of an endpoint's delivery log, without their expanded details. */
export const deliveryLogRows = (page: Page) => page.getByTestId('delivery-log').locator('tbody > tr:not(.detail)');

/** A fresh single-use portal sign-in link, as a workspace's admin key asks for it. */
export async function signInLink(app: Pick<TestApp, 'request'>, auth: Record<string, string>): Promise<string> {
  const { status, body } = await callApi(app, '/auth/portal-links', { method: 'POST', headers: auth });
  expect(status).toBe(201);
  return body.url as string;
}

/** Chromium's own look of a server page's markup (body font, main's max-width), to tell the stylesheet's effect from the defaults. */
async function defaultLook(context: BrowserContext): Promise<{ font: string; maxWidth: string }> {
  const plain = await context.newPage();
  await plain.setContent('<!doctype html><html lang="en"><body><main><h1>Heading</h1><p>Text</p></main></body></html>');
  const defaults = await plain.evaluate(() => ({ font: getComputedStyle(document.body).fontFamily, maxWidth: getComputedStyle(document.querySelector('main') as Element).maxWidth }));
  await plain.close();
  return defaults;
}

/** Has every page of the context keep its CSP violations in `window.cspViolations` (an init script, which the page's CSP does not govern). */
async function recordCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
}

/** How a page the server writes itself came out: its scripts, inline styles, stylesheets, computed look, sideways scroll and CSP violations. */
export function serverPageLook(page: Page) {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const main = document.querySelector('main');
    // A sheet that did not load (a CSP block, say) throws on reading its rules: -1.
    const rulesOf = (sheet: CSSStyleSheet) => {
      try {
        return sheet.cssRules.length;
      } catch {
        return -1;
      }
    };
    return {
      scripts: document.querySelectorAll('script').length,
      inlineStyles: document.querySelectorAll('style, [style]').length,
      sheets: Array.from(document.styleSheets).map((sheet) => ({ href: sheet.href ?? '', rules: rulesOf(sheet) })),
      font: getComputedStyle(document.body).fontFamily,
      maxWidth: main ? getComputedStyle(main).maxWidth : '',
      mainWidth: main?.getBoundingClientRect().width ?? Infinity,
      sideways: root.scrollWidth - root.clientWidth,
      violations: (window as unknown as { cspViolations?: string[] }).cspViolations ?? ['no violation recorder'],
    };
  });
}

/**
 * A fresh context at `viewport` for a page the server writes itself: Chromium's default look
 * to compare with, CSP violations recorded, and the console errors and failed requests it logs.
 */
export async function openServerPage(browser: Browser, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport });
  const defaults = await defaultLook(context);
  await recordCspViolations(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('requestfailed', (request) => errors.push(`${request.url()} failed`));
  return { context, page, errors, defaults };
}

/** The stylesheet changed the page from Chromium's defaults, it fits `width` without sideways scroll, and the CSP blocked nothing. */
export function expectStyledToFit(seen: Awaited<ReturnType<typeof serverPageLook>>, defaults: { font: string; maxWidth: string }, width: number): void {
  expect(seen.font).not.toBe(defaults.font);
  expect(seen.maxWidth).not.toBe(defaults.maxWidth);
  expect(seen.mainWidth).toBeLessThanOrEqual(width);
  expect(seen.sideways).toBeLessThanOrEqual(0);
  expect(seen.violations).toEqual([]);
}
