import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { connectTestDatabase, dropTestDatabase } from '../testing/database.js';
import { deliveryModel, type DeliveryDoc } from './model.js';
import { createDeliveryWriter, NO_LEASE } from './record.js';

let connection: Connection;
beforeAll(async () => {
  connection = await connectTestDatabase(undefined, { monitorCommands: true });
});
afterAll(async () => {
  await dropTestDatabase(connection);
  await connection.close();
});

function sendingDelivery(id: string, owner: string): DeliveryDoc {
  const now = new Date();
  return {
    _id: id, eventId: `evt_${id}`, subscriptionId: 'hook_1', workspaceId: 'ws_1', eventType: 'lead.captured', status: 'sending',
    attemptCount: 0, roundStart: 0, nextAttemptAt: now, lockedUntil: new Date(now.getTime() + 60_000), lockedBy: owner,
    lastStatusCode: null, lastDurationMs: null, failureReason: null, attempts: [], createdAt: now, updatedAt: now, completedAt: null,
  };
}

describe('the delivery writer', () => {
  it('writes concurrent attempts in one bulk write, and tells the one whose lock was taken over that it was not stored', async () => {
    const Deliveries = deliveryModel(connection);
    await Deliveries.insertMany([sendingDelivery('dlv_kept', 'me'), sendingDelivery('dlv_lost', 'me'), sendingDelivery('dlv_other', 'me')]);
    const held = await Deliveries.find({}).sort({ _id: 1 }).lean<DeliveryDoc[]>();
    // Another worker took this one over after this worker's lock ran out.
    await Deliveries.updateOne({ _id: 'dlv_lost' }, { $set: { lockedBy: 'someone-else' } });
    const writer = createDeliveryWriter(connection);
    const commands: string[] = [];
    const client = connection.getClient();
    const listen = (event: { commandName: string }) => commands.push(event.commandName);
    client.on('commandStarted', listen);
    const [kept, lost, other] = await Promise.all(
      held.map((delivery) => writer.record(delivery, 'me', { statusCode: 200, durationMs: 12, responseExcerpt: 'ok' }, { kind: 'delivered' })),
    );
    client.off('commandStarted', listen);

    expect([kept, lost, other]).toEqual([true, false, true]);
    expect(commands.filter((name) => name === 'update')).toHaveLength(1);
    const stored = await Deliveries.find({}).sort({ _id: 1 }).lean<DeliveryDoc[]>();
    expect(stored.map((delivery) => [delivery._id, delivery.status, delivery.attemptCount, delivery.lockedBy])).toEqual([
      ['dlv_kept', 'succeeded', 1, null],
      ['dlv_lost', 'sending', 0, 'someone-else'],
      ['dlv_other', 'succeeded', 1, null],
    ]);
    expect(stored[0]!.lockedUntil).toEqual(NO_LEASE);
  });
});
