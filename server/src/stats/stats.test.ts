import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Collection } from 'mongodb';
import { newId } from '../db/model.js';
import { deliveryModel, type DeliveryDoc } from '../deliveries/model.js';
import { NO_LEASE } from '../deliveries/record.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { callApi, createWorkspace, type WorkspaceFixture } from '../testing/fixtures.js';
import { percentile } from './aggregate.js';

let testApp: TestApp;
let workspace: WorkspaceFixture;
const HOUR = 3_600_000;
beforeAll(async () => {
  testApp = await startTestApp({ config: { WEBHOOK_ALLOW_HTTP: true, WEBHOOK_ALLOW_PRIVATE_TARGETS: true } });
  workspace = await createWorkspace(testApp);
});
afterAll(() => testApp.close());

const createHook = async (w: WorkspaceFixture) =>
  (await callApi(testApp, '/hooks', { method: 'POST', headers: w.auth, body: { event: 'lead.captured', targetUrl: 'http://127.0.0.1:9/hook' } })).body as { id: string };

/** Stores deliveries as the engine would leave them (status, last response time, creation time). */
async function seed(hookId: string, rows: Array<{ status: DeliveryDoc['status']; ms: number | null; ago: number }>) {
  const now = Date.now();
  const docs: DeliveryDoc[] = rows.map(({ status, ms, ago }) => ({
    _id: newId('dlv'), eventId: newId('evt'), subscriptionId: hookId, workspaceId: workspace.workspaceId, eventType: 'lead.captured', status,
    attemptCount: ms === null ? 0 : 1, roundStart: 0, nextAttemptAt: new Date(now), lockedUntil: NO_LEASE, lockedBy: null,
    lastStatusCode: ms === null ? null : status === 'succeeded' ? 200 : 500, lastDurationMs: ms, failureReason: status === 'failed' ? 'the receiver answered 500' : null,
    attempts: [], createdAt: new Date(now - ago), updatedAt: new Date(now - ago), completedAt: null,
  }));
  await (deliveryModel(testApp.connection).collection as unknown as Collection<DeliveryDoc>).insertMany(docs);
}

describe('delivery statistics', () => {
  it('count an endpoint per hour by outcome with p95, over 24 h and 7 d', async () => {
    const hook = await createHook(workspace);
    await seed(hook.id, [
      ...Array.from({ length: 19 }, (_, i) => ({ status: 'succeeded' as const, ms: 10 + i, ago: 10 * 60_000 })),
      { status: 'failed', ms: 900, ago: 10 * 60_000 },
      { status: 'failed', ms: 50, ago: 3 * HOUR + 60_000 },
      { status: 'held', ms: null, ago: 3 * HOUR + 60_000 },
      { status: 'succeeded', ms: 40, ago: 3 * 24 * HOUR },
    ]);
    const { status, body } = await callApi(testApp, `/hooks/${hook.id}/stats?range=24h`, { headers: workspace.auth });
    expect(status).toBe(200);
    expect(body.buckets).toHaveLength(25); // the hour in progress and the 24 before it
    expect(body.totals).toMatchObject({ total: 22, succeeded: 19, failed: 2, inProgress: 1 });
    expect(body.totals.successRate).toBeCloseTo(19 / 21);
    const busy = body.buckets.filter((bucket: { total: number }) => bucket.total > 0);
    expect(busy.map((bucket: { total: number }) => bucket.total)).toEqual([2, 20]);
    expect(busy[1]).toMatchObject({ succeeded: 19, failed: 1, p95Ms: 28, p50Ms: 19 });

    const { body: week } = await callApi(testApp, `/hooks/${hook.id}/stats?range=7d`, { headers: workspace.auth });
    expect(week.buckets).toHaveLength(169);
    expect(week.totals.total).toBe(23);
    expect((await callApi(testApp, `/hooks/${hook.id}/stats?range=1y`, { headers: workspace.auth })).status).toBe(422);
  });

  it('sum the workspace per endpoint, and never count another workspace', async () => {
    const own = await createHook(workspace);
    await seed(own.id, [{ status: 'succeeded', ms: 5, ago: 60_000 }, { status: 'failed', ms: 7, ago: 60_000 }]);
    const other = await createWorkspace(testApp);
    const foreign = await createHook(other);
    const { body } = await callApi(testApp, '/stats/overview', { headers: workspace.auth });
    expect(body.endpoints.find((row: { hookId: string }) => row.hookId === own.id)).toMatchObject({ total: 2, succeeded: 1, failed: 1, successRate: 0.5 });
    expect(body.endpoints.map((row: { hookId: string }) => row.hookId)).not.toContain(foreign.id);
    expect((await callApi(testApp, `/hooks/${foreign.id}/stats`, { headers: workspace.auth })).status).toBe(404);
  });

  it('take percentiles by nearest rank', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  });
});
