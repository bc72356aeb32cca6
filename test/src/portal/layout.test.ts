import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { callApi, createWorkspace } from '@nebulahex/server/testing';
import type { Browser } from 'playwright-core';
import { startStory, type Story } from '../support/story.js';
import { checkPage, deliveryLogRows, expectStyledToFit, launchBrowser, openServerPage, serverPageLook, signInLink, tableReadingProblems } from './browser.js';

// How the portal's pages hold up on a phone's width and a desktop's, and how the server's own
// pages (the refused link, the refused OAuth authorization) look: measured in Chromium, not taken from the stylesheet.

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

describe('the portal at every width, in Chromium', () => {
  it('shows its tables at 375 px as cards, each cell with its column name, nothing cut or scrolled sideways; a plain table on a desktop', async () => {
    const narrow = await createWorkspace(story.app, 'Narrow Co');
    const events = ['message.sent', 'lead.captured', 'order.lookup', 'conversation.fallback', 'conversation.escalation'];
    const targetUrl = story.receiver.url('/narrow-screens');
    const created = await callApi(story.app, '/hooks', { method: 'POST', headers: narrow.auth, body: { events, targetUrl, description: 'Every conversation event' } });
    expect(created.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(await signInLink(story.app, narrow.auth));
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
    const succeeded = deliveryLogRows(page).filter({ hasText: 'Succeeded' }).first();
    await succeeded.waitFor();
    expect(await tableReadingProblems(page)).toEqual([]);
    // A delivery without a failure says so, rather than showing an empty "Failure reason"; one delivery is "1 delivery", one hour "1 hour".
    expect(await succeeded.locator('[data-label="Failure reason"]').evaluate((cell) => ({ text: (cell as HTMLElement).innerText, danger: cell.classList.contains('failure') }))).toEqual({ text: '—', danger: false });
    await page.getByText(/^1 delivery · success/).waitFor();
    await page.getByText("The chart's numbers (1 hour with deliveries)").waitFor();
    // Without a pointer (a phone has none) the chart's legend gives the range's totals, not uPlot's "--";
    // with the pointer over an hour, that hour's figures; off the chart, the totals again.
    const legend = () =>
      page.locator('.chart .u-legend tr.u-series').evaluateAll((rows) => rows.map((row) => `${row.querySelector('.u-label')?.textContent}: ${row.querySelector('.u-value')?.textContent}`));
    const totals = ['Time: last 24 hours', 'Succeeded: 1', 'Failed: 0', expect.stringMatching(/^p95 response time: \d+ ms$/)];
    expect(await legend()).toEqual(totals);
    const plotArea = page.locator('.chart .u-over');
    const { width, height } = (await plotArea.boundingBox()) ?? { width: 0, height: 0 };
    await plotArea.hover({ position: { x: width - 1, y: height / 2 } }); // the latest hour: this delivery's
    await page.waitForFunction(() => !document.querySelector('.chart .u-legend .u-value')?.textContent?.startsWith('last'));
    expect(await legend()).toEqual([expect.stringMatching(/^Time: .*\d/), 'Succeeded: 1', 'Failed: 0', expect.stringMatching(/^p95 response time: \d+ ms$/)]);
    await page.mouse.move(1, 1);
    await page.waitForFunction(() => document.querySelector('.chart .u-legend .u-value')?.textContent === 'last 24 hours');
    expect(await legend()).toEqual(totals);
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
    const link = await signInLink(story.app, story.workspace.auth);
    const token = new URL(link).searchParams.get('token') ?? '';
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(303); // used once
    const invalidToken = `nhx_pl_${'x'.repeat(43)}`;
    const cases = [
      { name: 'link-refused-375', url: link, status: 410, why: /used already or has expired/, viewport: { width: 375, height: 800 }, secret: token },
      { name: 'link-refused-invalid', url: `${story.app.baseUrl}/portal/session/start?token=${invalidToken}`, status: 404, why: /not a valid sign-in link/, viewport: { width: 1280, height: 800 }, secret: invalidToken },
    ];
    for (const { name, url, status, why, viewport, secret } of cases) {
      const { context, page, errors, defaults } = await openServerPage(browser, viewport);
      expect((await page.goto(url))?.status()).toBe(status); // goto waits for the load event: stylesheets are in
      await page.getByRole('heading', { level: 1, name: 'This sign-in link cannot be used' }).waitFor();
      await page.getByText(why).waitFor();

      const seen = await serverPageLook(page);
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
      expectStyledToFit(seen, defaults, viewport.width);
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

  it('shows a refused OAuth authorization on the same styled page, with the reason and its code, without script or CSP violations', async () => {
    const query = new URLSearchParams({
      client_id: 'not-a-client',
      response_type: 'code',
      redirect_uri: 'https://evil.example/cb',
      scope: 'workspace',
      state: 'state-1',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    const url = `${story.app.baseUrl}/oauth/auth?${query}`;
    for (const { name, viewport } of [
      { name: 'oauth-refused-375', viewport: { width: 375, height: 800 } },
      { name: 'oauth-refused-1280', viewport: { width: 1280, height: 800 } },
    ]) {
      const { context, page, errors, defaults } = await openServerPage(browser, viewport);
      const response = await page.goto(url); // waits for the load event: stylesheets are in
      expect(response?.status()).toBe(400);
      const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
      expect(csp).toMatch(/style-src 'self'/);
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).not.toContain('unsafe-inline');
      expect(new URL(page.url()).origin).toBe(story.app.baseUrl); // not redirected to the unregistered URI
      await page.getByRole('heading', { level: 1, name: 'This app cannot be connected' }).waitFor();
      await page.getByText('invalid_client', { exact: true }).waitFor();
      await page.getByText('Start connecting again from the app you came from.').waitFor();

      const seen = await serverPageLook(page);
      expect(seen.scripts).toBe(0);
      expect(seen.inlineStyles).toBe(0);
      expect(seen.sheets).toHaveLength(1);
      for (const sheet of seen.sheets) {
        expect(new URL(sheet.href).origin).toBe(story.app.baseUrl);
        expect(new URL(sheet.href).pathname).toBe('/portal/session/page.css'); // the refused sign-in page's own
        expect(sheet.rules).toBeGreaterThan(0);
        const served = await fetch(sheet.href);
        expect(served.status).toBe(200);
        expect(served.headers.get('content-type')).toMatch(/^text\/css/);
      }
      expectStyledToFit(seen, defaults, viewport.width);
      expect(errors.filter((error) => !/status of 400/.test(error))).toEqual([]); // the document's own status is logged
      await checkPage(page, name);
      await context.close();
    }
  });
});
