import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { eventModel } from '../events/model.js';
import { removeExpired } from './jobs.js';
import { deliveryModel } from './model.js';
import { CSV_COLUMNS } from './presenter.js';
import { startWebhookStory, type WebhookStory } from './story.js';

/** Enough CSV for these rows: none of their values holds a comma, quote or line break. */
function csvRows(text: string): Array<Record<string, string>> {
  const [header = '', ...lines] = text.trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [names[index], value])));
}

let story: WebhookStory;
beforeEach(async () => {
  story = await startWebhookStory({ WEBHOOK_RETRY_SCHEDULE: [0.1] });
});
afterEach(async () => {
  await story.close();
});

describe('delivery lists', () => {
  it('filter by status, page with a cursor, and export as CSV', async () => {
    story.receiver.respond((request) => ({ status: JSON.parse(request.body).data.orderId === 'fail' ? 500 : 200 }));
    const hook = await story.subscribe({ event: 'order.lookup' });
    for (const orderId of ['a', 'fail', 'b']) await story.publish('order.lookup', { orderId });
    await story.waitForDeliveries(hook.id, (list) => list.length === 3 && list.every((d) => d.status === 'succeeded' || d.status === 'failed'), 'three finished deliveries');

    const { body: failed } = await story.api('GET', `/hooks/${hook.id}/deliveries?status=failed`);
    expect(failed.deliveries).toHaveLength(1);
    expect(failed.deliveries[0]).toMatchObject({ status: 'failed', attemptCount: 2, lastStatusCode: 500 });

    const { body: page1 } = await story.api('GET', `/hooks/${hook.id}/deliveries?limit=2`);
    const { body: page2 } = await story.api('GET', `/hooks/${hook.id}/deliveries?limit=2&cursor=${page1.nextCursor}`);
    expect(page1.deliveries).toHaveLength(2);
    expect(page2).toMatchObject({ nextCursor: null, deliveries: [expect.objectContaining({ id: expect.any(String) })] });

    const response = await story.app.request(`/api/v1/hooks/${hook.id}/deliveries.csv`, { headers: story.workspace.auth });
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = csvRows(await response.text());
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(rows.map((row) => row.status).sort()).toEqual(['failed', 'succeeded', 'succeeded']);
    expect(rows.find((row) => row.status === 'failed')).toMatchObject({ attempts: '2', lastStatusCode: '500', failureReason: 'the receiver answered 500' });
  });
});

describe('the CSV export', () => {
  it('escapes values a spreadsheet would run as a formula', async () => {
    story.receiver.respond(() => ({ status: 500 }));
    const hook = await story.subscribe({ event: 'order.lookup' });
    await story.publish('order.lookup');
    const [delivery] = await story.waitForDeliveries(hook.id, (list) => list[0]?.status === 'failed', 'the delivery to fail');
    // No exported field holds receiver-controlled text today; one that does later must not become a formula.
    const Deliveries = deliveryModel(story.app.connection);
    const rowsFor = async (failureReason: string) => {
      await Deliveries.updateOne({ _id: delivery?.id }, { $set: { failureReason } });
      const response = await story.app.request(`/api/v1/hooks/${hook.id}/deliveries.csv`, { headers: story.workspace.auth });
      return csvRows(await response.text());
    };
    expect((await rowsFor('=HYPERLINK("https://evil.example")'))[0]?.failureReason).toBe(`"'=HYPERLINK(""https://evil.example"")"`);
    for (const formula of ['+1', '-2', '@SUM(A1)']) expect((await rowsFor(formula))[0]?.failureReason).toBe(`'${formula}`);
    expect((await rowsFor('the receiver answered 500'))[0]?.failureReason).toBe('the receiver answered 500');
  });
});

describe('retention', () => {
  it('removes finished deliveries and events past the retention, keeping held ones and their events', async () => {
    const hook = await story.subscribe({ event: 'order.lookup' });
    const kept = await story.publish('order.lookup');
    const expired = await story.publish('order.lookup');
    const held = await story.publish('order.lookup');
    await story.waitForDeliveries(hook.id, (list) => list.length === 3 && list.every((d) => d.status === 'succeeded'), 'three deliveries');
    const Deliveries = deliveryModel(story.app.connection);
    const Events = eventModel(story.app.connection);
    const old = new Date(Date.now() - 31 * 86_400_000);
    for (const id of [expired, held]) {
      await Events.updateOne({ _id: id }, { $set: { createdAt: old } });
      await Deliveries.updateOne({ eventId: id }, { $set: { createdAt: old, ...(id === held ? { status: 'held' } : {}) } });
    }
    expect(await removeExpired(story.app.connection, 30)).toMatchObject({ events: 1, deliveries: 1 });
    expect((await Events.find({}, { _id: 1 }).lean()).map((event) => event._id).sort()).toEqual([kept, held].sort());
    expect(await Deliveries.countDocuments({ eventId: expired })).toBe(0);
    expect(await Deliveries.countDocuments({ eventId: held })).toBe(1);
  });
});
