import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { verifyWebhook } from '@nebulahex/shared';
import { callApi, createWorkspace, waitFor } from '@nebulahex/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStory, type Story } from '../support/story.js';
import { launchBrowser, overflowing, screenshot, seriousViolations, tableReadingProblems, tabTo } from './browser.js';

jest.setTimeout(120_000);

let story: Story;
let browser: Browser;
beforeAll(async () => {
  story = await startStory();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await story?.close();
});

/** A fresh single-use sign-in link for the story's workspace (as an admin key asks for it). */
async function portalLink(auth = story.workspace.auth): Promise<string> {
  const { status, body } = await callApi(story.app, '/auth/portal-links', { method: 'POST', headers: auth });
  expect(status).toBe(201);
  return body.url as string;
}

async function signIn(context?: BrowserContext): Promise<Page> {
  const page = await (context ?? (await browser.newContext())).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(await portalLink());
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return page;
}

/** Every page is checked the same way: no serious or critical axe violation, and a screenshot. */
async function checkPage(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
}

const log = (page: Page) => page.getByTestId('delivery-log').locator('tbody > tr:not(.detail)');

describe('the portal, in Chromium', () => {
  it('the story: link → endpoint → secret once → test event → failure → replay → pause/resume → CSV → keys', async () => {
    const page = await signIn();
    expect(new URL(page.url()).pathname).toBe('/portal/');
    await checkPage(page, 'overview');

    // Create an endpoint; its signing secret is shown this once.
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByText('No endpoints yet').waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill(story.receiver.url('/portal-hook'));
    await page.getByLabel('Description (optional)').fill('CRM sync');
    await page.getByRole('checkbox', { name: /lead\.captured/ }).check();
    await page.getByRole('checkbox', { name: /order\.lookup/ }).check();
    await checkPage(page, 'endpoint-create');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.getByText('Verify deliveries with this secret').click();
    await checkPage(page, 'endpoint-created');
    await page.getByRole('status').getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'CRM sync' }).waitFor();
    expect(await page.content()).not.toContain(secret);

    // A test event is delivered, signed with that secret, and logged with its status code and response time.
    await page.getByRole('button', { name: 'Send test event' }).click();
    const delivered = log(page).filter({ hasText: 'Succeeded' });
    await delivered.first().waitFor();
    const cells = await delivered.first().locator('td').allTextContents();
    expect(cells[3]).toBe('200');
    expect(cells[4]).toMatch(/^\d+ ms$/);
    const received = story.receiver.on('/portal-hook')[0];
    expect(received && verifyWebhook({ headers: received.headers, body: received.body, secret })).toEqual({ valid: true });

    // The receiver starts failing: the failure reason shows; the attempts show its answer.
    story.receiver.respond(() => ({ status: 503, body: 'down for maintenance' }));
    await page.getByRole('button', { name: 'Send test event' }).click();
    const failed = log(page).filter({ hasText: 'Failed' });
    await failed.first().waitFor({ timeout: 20_000 });
    expect(await failed.first().textContent()).toMatch(/503/);
    await failed.first().getByRole('button', { name: /Attempts of delivery/ }).click();
    await page.getByText('down for maintenance').first().waitFor();
    await page.getByText('Attempt 3').waitFor();
    await checkPage(page, 'endpoint-detail');

    // Replay once the receiver is back.
    story.receiver.respond(() => ({ status: 200, body: 'ok' }));
    await failed.first().getByRole('button', { name: /Replay delivery/ }).click();
    await waitFor(async () => (await log(page).filter({ hasText: 'Succeeded' }).count()) === 2 && (await log(page).filter({ hasText: 'Failed' }).count()) === 0, {
      timeoutMs: 15_000,
      message: 'the replayed delivery to succeed in the log',
    });

    // Pause here; the overview puts it first with its reason, and resumes it.
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByText(/paused by hand/).waitFor();
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('listitem').filter({ hasText: /paused by hand \(in the portal\)/ }).waitFor();
    await checkPage(page, 'overview-paused');
    await page.getByRole('button', { name: 'Resume CRM sync' }).click();
    await page.getByText('No endpoint is paused or failing.').waitFor();
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('link', { name: story.receiver.url('/portal-hook') }).click();
    await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();

    // The endpoint's limit of deliveries at once: the server default until edited here.
    const limit = page.locator('.summary div').filter({ hasText: 'Deliveries at once' });
    await limit.getByText('server default').waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel(/Deliveries at once, per worker/).fill('5');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await limit.getByText('5', { exact: true }).waitFor();

    // The CSV has those deliveries.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const { body: listed } = await story.api(`/hooks?limit=100`);
    const hookId = listed.hooks[0].id as string;
    const { body: deliveries } = await story.api(`/hooks/${hookId}/deliveries`);
    expect(csv.split('\n')[0]).toMatch(/^deliveryId,eventId,eventType,status,attempts,lastStatusCode,responseTimeMs/);
    for (const delivery of deliveries.deliveries) expect(csv).toContain(`${delivery.id},${delivery.eventId},lead.captured,succeeded`);

    // A key is created (shown once) and revoked; the revoked key gets 401.
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('Story key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(key).toMatch(/^nhx_sk_/);
    expect((await callApi(story.app, '/bots', { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
    await checkPage(page, 'api-keys');
    await page.getByRole('button', { name: 'Revoke Story key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText(/^Revoked /).waitFor();
    expect((await callApi(story.app, '/bots', { headers: { Authorization: `Bearer ${key}` } })).status).toBe(401);

    await page.getByRole('link', { name: 'Event catalog' }).click();
    await page.getByRole('heading', { name: /endpoint\.paused/ }).waitFor();
    await checkPage(page, 'event-catalog');
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByText('Deliveries, last 24 h').waitFor();
    await checkPage(page, 'overview-with-deliveries');
    await page.context().close();
  });

  it('refuses a reused or expired link, shows nothing of another workspace, and refuses CSRF', async () => {
    const link = await portalLink();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const reused = await (await browser.newContext()).newPage();
    const answer = await reused.goto(link);
    expect(answer?.status()).toBe(410);
    await reused.getByRole('heading', { name: 'This sign-in link cannot be used' }).waitFor();
    await checkPage(reused, 'link-refused');

    const other = await createWorkspace(story.app, 'Other Co');
    const { body: foreign } = await callApi(story.app, '/hooks', { method: 'POST', headers: other.auth, body: { event: 'lead.captured', targetUrl: story.receiver.url('/other') } });
    await page.goto(`${story.app.baseUrl}/portal/endpoints/${foreign.id}`);
    await page.getByRole('alert').getByText('The subscription was not found.').waitFor();
    expect(await page.content()).not.toContain(story.receiver.url('/other'));

    // A page on another origin posts to the API with the portal's cookie: refused, nothing made.
    story.receiver.respond((request) => (request.path === '/evil' ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>evil</title>' } : { status: 200 }));
    const evil = await context.newPage();
    await evil.goto(story.receiver.url('/evil'));
    const before = (await story.api('/auth/keys')).body.keys.length;
    await evil.evaluate(async (target) => {
      await fetch(`${target}/api/v1/auth/keys`, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{"name":"forged","role":"admin"}' });
      await fetch(`${target}/api/v1/auth/keys`, { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{"name":"forged"}' });
    }, story.app.baseUrl);
    // And the same from the portal's own origin without the CSRF header (say, an injected script).
    const status = await page.evaluate(async () => (await fetch('/api/v1/auth/keys', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"forged"}' })).status);
    expect(status).toBe(403);
    expect((await story.api('/auth/keys')).body.keys.length).toBe(before);
    await context.close();
  });

  it('works with the keyboard alone and holds its layout at 375 px', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await signIn(context);
    for (const [link, heading] of [['Endpoints', 'Endpoints'], ['Event catalog', 'Event catalog'], ['API keys', 'API keys'], ['Overview', 'Overview']] as const) {
      await tabTo(page, new RegExp(`^${link}$`));
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect(await overflowing(page)).toEqual([]);
      await screenshot(page, `mobile-${heading.toLowerCase().replace(/ /g, '-')}`);
    }
    await tabTo(page, /^API keys$/);
    await page.keyboard.press('Enter');
    await tabTo(page, /Key name/);
    await page.keyboard.type('Keyboard key');
    await tabTo(page, /^Create key$/);
    await page.keyboard.press('Enter');
    await page.getByTestId('secret-value').waitFor();
    await tabTo(page, /^Revoke Keyboard key$/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape'); // cancels: the key stays
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await page.getByRole('button', { name: 'Revoke Keyboard key' }).count()).toBe(1);
    expect(await overflowing(page)).toEqual([]);
    await context.close();
  });

  it('shows its tables at 375 px as cards, each cell with its column name, nothing cut or scrolled sideways; a plain table on a desktop', async () => {
    const narrow = await createWorkspace(story.app, 'Narrow Co');
    const events = ['message.sent', 'lead.captured', 'order.lookup', 'conversation.fallback', 'conversation.escalation'];
    const targetUrl = story.receiver.url('/narrow-screens');
    const created = await callApi(story.app, '/hooks', { method: 'POST', headers: narrow.auth, body: { events, targetUrl, description: 'Every conversation event' } });
    expect(created.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(await portalLink(narrow.auth));
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();

    await page.getByRole('link', { name: 'Endpoints' }).click();
    const endpoints = page.getByRole('region', { name: 'Endpoints' });
    const eventsCell = endpoints.getByRole('cell', { name: events.join(', ') });
    await eventsCell.waitFor();
    expect(await tableReadingProblems(page)).toEqual([]);
    // The cell shows its column's name, and its events whole, inside the viewport; the header row is not in the way.
    const seen = await eventsCell.evaluate((cell) => ({
      label: getComputedStyle(cell, '::before').content,
      right: cell.getBoundingClientRect().right,
      viewport: window.innerWidth,
      text: (cell as HTMLElement).innerText,
      headerHeight: cell.closest('table')?.querySelector('thead')?.getBoundingClientRect().height ?? -1,
    }));
    expect(seen.label).toMatch(/^"Events"/);
    expect(seen.right).toBeLessThanOrEqual(seen.viewport);
    expect(seen.text.replace(/\s+/g, ' ')).toContain(events.join(', '));
    expect(seen.headerHeight).toBeLessThanOrEqual(1);
    // Still a table to assistive technology (Chromium's own accessibility tree): its header cells are
    // there, and a cell's name is its content alone, not its shown column name as well.
    const cdp = await context.newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value?: string }; name?: { value?: string }; ignored?: boolean }> };
    const exposed = nodes.filter((node) => !node.ignored).map((node) => `${node.role?.value} ${node.name?.value ?? ''}`.trim());
    expect(exposed).toEqual(expect.arrayContaining(['table', 'columnheader Events', `rowheader ${targetUrl} Every conversation event`, `cell ${events.join(', ')}`]));
    await cdp.detach();
    await checkPage(page, 'mobile-endpoints-cards');

    // The delivery log reads the same way, and so do the API keys and the event catalog.
    await page.getByRole('link', { name: targetUrl }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await log(page).filter({ hasText: 'Succeeded' }).first().waitFor();
    expect(await tableReadingProblems(page)).toEqual([]);
    await checkPage(page, 'mobile-delivery-log');
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('region', { name: 'API keys' }).getByRole('row').nth(1).waitFor();
    expect(await tableReadingProblems(page)).toEqual([]);
    await page.getByRole('link', { name: 'Event catalog' }).click();
    await page.getByRole('region', { name: 'Fields of lead.captured' }).waitFor();
    expect(await tableReadingProblems(page)).toEqual([]);

    // On a desktop the tables are as they were: a visible header row, each row one line of cells without labels.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await eventsCell.waitFor();
    const header = endpoints.getByRole('columnheader', { name: 'Events' });
    expect(await header.isVisible()).toBe(true);
    const desktop = await endpoints.evaluate((wrap) => {
      const row = wrap.querySelector('tbody > tr');
      const cells = Array.from(row?.children ?? []);
      const headerRow = wrap.querySelector('thead > tr')?.getBoundingClientRect();
      return {
        tops: new Set(cells.map((cell) => Math.round(cell.getBoundingClientRect().top))).size,
        headerAboveRow: (headerRow?.bottom ?? Infinity) <= (row?.getBoundingClientRect().top ?? -Infinity) + 1,
        headerHeight: headerRow?.height ?? 0,
        labels: cells.map((cell) => getComputedStyle(cell, '::before').content),
        columns: wrap.querySelectorAll('thead th').length,
        cells: cells.length,
      };
    });
    expect(desktop.tops).toBe(1);
    expect(desktop.headerAboveRow).toBe(true);
    expect(desktop.headerHeight).toBeGreaterThan(10);
    expect(desktop.cells).toBe(desktop.columns);
    expect(new Set(desktop.labels)).toEqual(new Set(['none']));
    await context.close();
  });

  it('shows a refused link on a styled page with why and what next, without script or CSP violations, and no token', async () => {
    const link = await portalLink();
    const token = new URL(link).searchParams.get('token') ?? '';
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(303); // used once
    const invalidToken = `nhx_pl_${'x'.repeat(43)}`;
    const cases = [
      { name: 'link-refused-375', url: link, status: 410, why: /used already or has expired/, viewport: { width: 375, height: 800 }, secret: token },
      { name: 'link-refused-invalid', url: `${story.app.baseUrl}/portal/session/start?token=${invalidToken}`, status: 404, why: /not a valid sign-in link/, viewport: { width: 1280, height: 800 }, secret: invalidToken },
    ];
    for (const { name, url, status, why, viewport, secret } of cases) {
      const context = await browser.newContext({ viewport });
      // Chromium's own look of the same markup, to tell the stylesheet's effect from the defaults.
      const plain = await context.newPage();
      await plain.setContent('<!doctype html><html lang="en"><body><main><h1>Heading</h1><p>Text</p></main></body></html>');
      const defaults = await plain.evaluate(() => ({ font: getComputedStyle(document.body).fontFamily, maxWidth: getComputedStyle(document.querySelector('main') as Element).maxWidth }));
      await plain.close();

      await context.addInitScript(() => {
        const violations: string[] = [];
        (window as unknown as { cspViolations: string[] }).cspViolations = violations;
        document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('requestfailed', (request) => errors.push(`${request.url()} failed`));
      expect((await page.goto(url))?.status()).toBe(status); // goto waits for the load event: stylesheets are in
      await page.getByRole('heading', { level: 1, name: 'This sign-in link cannot be used' }).waitFor();
      await page.getByText(why).waitFor();

      const seen = await page.evaluate(() => {
        const root = document.scrollingElement ?? document.documentElement;
        const main = document.querySelector('main');
        return {
          scripts: document.querySelectorAll('script').length,
          inlineStyles: document.querySelectorAll('style, [style]').length,
          sheets: Array.from(document.styleSheets).map((sheet) => ({ href: sheet.href ?? '', rules: sheet.cssRules.length })),
          font: getComputedStyle(document.body).fontFamily,
          maxWidth: main ? getComputedStyle(main).maxWidth : '',
          mainWidth: main?.getBoundingClientRect().width ?? Infinity,
          sideways: root.scrollWidth - root.clientWidth,
          violations: (window as unknown as { cspViolations: string[] }).cspViolations,
        };
      });
      expect(seen.scripts).toBe(0);
      expect(seen.inlineStyles).toBe(0);
      expect(seen.sheets.length).toBeGreaterThan(0);
      for (const sheet of seen.sheets) {
        expect(new URL(sheet.href).origin).toBe(story.app.baseUrl);
        expect(new URL(sheet.href).pathname).toMatch(/^\/portal\//);
        expect(sheet.rules).toBeGreaterThan(0); // loaded and parsed (nosniff: only as text/css)
        const served = await fetch(sheet.href);
        expect(served.status).toBe(200);
        expect(served.headers.get('content-type')).toMatch(/^text\/css/);
      }
      expect(seen.font).not.toBe(defaults.font);
      expect(seen.maxWidth).not.toBe(defaults.maxWidth);
      expect(seen.mainWidth).toBeLessThanOrEqual(viewport.width);
      expect(seen.sideways).toBeLessThanOrEqual(0);
      expect(seen.violations).toEqual([]);
      expect(errors.filter((error) => !/status of (404|410)/.test(error))).toEqual([]); // the document's own status is logged
      expect(await page.content()).not.toContain(secret);
      await checkPage(page, name);

      // The next step: the portal, which (without a session) says how to get a new link.
      await page.getByRole('link', { name: 'Go to the portal' }).click();
      await page.getByRole('heading', { level: 1, name: 'NebulaHex portal' }).waitFor();
      await page.getByText('You are not signed in, or your session has ended.').waitFor();
      expect(new URL(page.url()).pathname).toBe('/portal/');
      await context.close();
    }
  });
});
