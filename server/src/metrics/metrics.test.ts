import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startWebhookStory, type WebhookStory } from '../deliveries/story.js';
import { startTestApp, waitFor } from '../testing/index.js';

let story: WebhookStory;
beforeAll(async () => {
  story = await startWebhookStory();
});
afterAll(() => story.close());

const scrape = async (token = story.app.config.INTERNAL_API_TOKEN) =>
  story.app.request('/metrics', { headers: { Authorization: `Bearer ${token}` } });

/** The value of one sample line, e.g. `nebulahex_delivery_attempts_total{outcome="delivered"}`. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((row) => row.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it('is for operators only: the internal token, not an API key', async () => {
    expect((await scrape('not-the-token')).status).toBe(401);
    expect((await story.app.request('/metrics', { headers: story.workspace.auth })).status).toBe(401);
  });

  it('counts deliveries, their latency, API requests by route and database commands', async () => {
    await story.subscribe({ event: 'lead.captured', path: '/metrics-ok' });
    await story.publish('lead.captured');
    await story.waitForRequests('/metrics-ok', 1);
    await story.api('GET', '/bots');
    const text = await waitFor(async () => {
      const body = await (await scrape()).text();
      return (sample(body, 'nebulahex_delivery_attempts_total{outcome="delivered"}') ?? 0) >= 1 ? body : undefined;
    }, { message: 'the delivered attempt to be counted' });
    expect(sample(text, 'nebulahex_delivery_first_attempt_latency_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'nebulahex_delivery_attempt_duration_seconds_count{outcome="delivered"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'nebulahex_http_requests_total{method="GET",route="/api/v1/bots",status="200"}')).toBe(1);
    expect(sample(text, 'nebulahex_db_commands_total{command="insert"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^nebulahex_delivery_backlog\{state="due"\} \d+$/m);
    expect(text).toMatch(/^nebulahex_subscriptions_paused \d+$/m);
    // The database's own count of documents read for queries (the deliveries above were read).
    expect(sample(text, 'nebulahex_db_documents_scanned')).toBeGreaterThan(0);
  });

  it('counts failed attempts and the retries they scheduled', async () => {
    story.receiver.respond((request) => (request.path === '/metrics-fail' ? { status: 503, body: 'down' } : { status: 200, body: 'ok' }));
    await story.subscribe({ event: 'lead.captured', path: '/metrics-fail' });
    await story.publish('lead.captured');
    const text = await waitFor(async () => {
      const body = await (await scrape()).text();
      return (sample(body, 'nebulahex_delivery_retries_scheduled_total') ?? 0) >= 1 ? body : undefined;
    }, { message: 'a retry to be scheduled' });
    expect(sample(text, 'nebulahex_delivery_attempts_total{outcome="retry"}')).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /readyz', () => {
  it('shows when the crash sweep last ran', async () => {
    const body = await waitFor(async () => {
      const answer = (await (await story.app.request('/readyz')).json()) as { checks: { sweep: { lastRunAt: string | null } } };
      return answer.checks.sweep.lastRunAt ? answer : undefined;
    }, { message: 'the sweep to run' });
    expect(body).toMatchObject({ status: 'ready', checks: { database: true, scheduler: true, sweep: { overdue: false } } });
  });

  it('answers 503 when the sweep has not finished for many of its intervals', async () => {
    const app = await startTestApp(); // no scheduler of its own: the sweep record below is all it sees
    try {
      const tenMinutesAgo = new Date(Date.now() - 600_000);
      await app.connection.collection('agendaJobs').insertOne({ name: 'webhook-sweep', type: 'single', priority: 0, nextRunAt: tenMinutesAgo, lastFinishedAt: tenMinutesAgo, data: null });
      const answer = await app.request('/readyz');
      expect(answer.status).toBe(503);
      expect(((await answer.json()) as { checks: { sweep: unknown } }).checks.sweep).toEqual({ lastRunAt: tenMinutesAgo.toISOString(), overdue: true });
    } finally {
      await app.close();
    }
  });
});
