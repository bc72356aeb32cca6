import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { verifyWebhook } from '@nebulahex/shared';
import { callApi, createWorkspace, waitFor } from '@nebulahex/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStory, type Story } from '../support/story.js';
import { checkPage, deliveryLogRows, launchBrowser, overflowing, screenshot, signInLink, tabTo } from './browser.js';

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

/** A fresh single-use sign-in link for the story's workspace. */
const portalLink = () => signInLink(story.app, story.workspace.auth);

async function signIn(context?: BrowserContext): Promise<Page> {
  const page = await (context ?? (await browser.newContext())).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(await portalLink());
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return page;
}


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
    const delivered = deliveryLogRows(page).filter({ hasText: 'Succeeded' });
    await delivered.first().waitFor();
    const cells = await delivered.first().locator('td').allTextContents();
    expect(cells[3]).toBe('200');
    expect(cells[4]).toMatch(/^\d+ ms$/);
    const received = story.receiver.on('/portal-hook')[0];
    expect(received && verifyWebhook({ headers: received.headers, body: received.body, secret })).toEqual({ valid: true });

    // The receiver starts failing: the failure reason shows; the attempts show its answer.
    story.receiver.respond(() => ({ status: 503, body: 'down for maintenance' }));
    await page.getByRole('button', { name: 'Send test event' }).click();
    const failed = deliveryLogRows(page).filter({ hasText: 'Failed' });
    await failed.first().waitFor({ timeout: 20_000 });
    expect(await failed.first().textContent()).toMatch(/503/);
    await failed.first().getByRole('button', { name: /Attempts of delivery/ }).click();
    await page.getByText('down for maintenance').first().waitFor();
    await page.getByText('Attempt 3').waitFor();
    await checkPage(page, 'endpoint-detail');

    // Replay once the receiver is back.
    story.receiver.respond(() => ({ status: 200, body: 'ok' }));
    await failed.first().getByRole('button', { name: /Replay delivery/ }).click();
    await waitFor(async () => (await deliveryLogRows(page).filter({ hasText: 'Succeeded' }).count()) === 2 && (await deliveryLogRows(page).filter({ hasText: 'Failed' }).count()) === 0, {
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
});
