import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEventPublisher } from '../events/publisher.js';
import { eventModel } from '../events/model.js';
import { startTestApp, type TestApp } from '../testing/index.js';
import { workspaceModel } from '../workspaces/model.js';
import { demoBanner, demoPortalLink, seedDemo, shouldSeedDemo, type DemoSeed } from './seed.js';

const run = promisify(execFile);

let testApp: TestApp;
let seed: DemoSeed | null;
beforeAll(async () => {
  testApp = await startTestApp();
  seed = await seedDemo({ connection: testApp.connection, events: createEventPublisher({ connection: testApp.connection }), config: testApp.config });
});
afterAll(() => testApp.close());

const curlLines = (banner: string) => banner.split('\n').filter((line) => line.trim().startsWith('curl '));

describe('demo seed', () => {
  it('runs only on the embedded database with DEMO_SEED on', () => {
    expect(shouldSeedDemo({ MONGODB_URI: undefined, DEMO_SEED: true })).toBe(true);
    expect(shouldSeedDemo({ MONGODB_URI: undefined, DEMO_SEED: false })).toBe(false);
    expect(shouldSeedDemo({ MONGODB_URI: 'mongodb://db.example:27017/x', DEMO_SEED: true })).toBe(false);
  });

  it('creates a workspace, two bots and conversations with a lead and an escalation', async () => {
    expect(seed).not.toBeNull();
    const auth = { Authorization: `Bearer ${seed?.apiKey}` };
    const bots = (await (await testApp.request('/api/v1/bots', { headers: auth })).json()) as { bots: unknown[] };
    expect(bots.bots).toHaveLength(2);
    const conversations = (await (await testApp.request('/api/v1/conversations', { headers: auth })).json()) as { conversations: { status: string; lead: unknown }[] };
    expect(conversations.conversations.length).toBeGreaterThanOrEqual(3);
    expect(conversations.conversations.map((c) => c.status).sort()).toEqual(['escalated', 'open', 'open']);
    expect(conversations.conversations.filter((c) => c.lead !== null)).toHaveLength(1);
    const types = (await eventModel(testApp.connection).find({ workspaceId: seed?.workspaceId }).lean()).map((event) => event.type).sort();
    expect(types).toEqual(['conversation.escalation', 'lead.captured']);
  });

  it('does nothing once a workspace exists', async () => {
    const again = await seedDemo({ connection: testApp.connection, events: createEventPublisher({ connection: testApp.connection }), config: testApp.config });
    expect(again).toBeNull();
    expect(await workspaceModel(testApp.connection).countDocuments()).toBe(1);
  });

  it('prints two curl examples that work when pasted into a shell', async () => {
    const banner = demoBanner(testApp.baseUrl, testApp.config.INTERNAL_API_TOKEN, seed);
    expect(banner).toContain(seed?.apiKey);
    expect(banner).toContain(testApp.config.INTERNAL_API_TOKEN);
    expect(banner).toContain(`${testApp.baseUrl}/docs`);
    const commands = curlLines(banner);
    expect(commands).toHaveLength(2);
    const [list, send] = await Promise.all(commands.map((command) => run('sh', ['-c', command.trim()])));
    expect(JSON.parse(list?.stdout ?? '')).toMatchObject({ conversations: expect.any(Array) });
    expect(JSON.parse(send?.stdout ?? '')).toMatchObject({ messageId: expect.stringMatching(/^msg_/), conversationId: seed?.conversationId });
  });

  it('prints a portal sign-in link for the demo workspace that opens a session once', async () => {
    const link = await demoPortalLink(testApp.connection, testApp.config, testApp.baseUrl);
    const banner = demoBanner(testApp.baseUrl, testApp.config.INTERNAL_API_TOKEN, seed, link);
    const printed = /Portal of the demo workspace.*: (\S+)$/m.exec(banner)?.[1] ?? '';
    expect(printed).toBe(link);
    const first = await fetch(printed, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = /nhx_portal=[^;]+/.exec(first.headers.get('set-cookie') ?? '')?.[0] ?? '';
    const session = (await (await testApp.request('/portal/session', { headers: { cookie } })).json()) as { workspace: { id: string } };
    expect(session.workspace.id).toBe(seed?.workspaceId);
    expect((await fetch(printed, { redirect: 'manual' })).status).toBe(410);
  });

  it('tells how to create a workspace when the database was seeded before', async () => {
    const [command] = curlLines(demoBanner(testApp.baseUrl, testApp.config.INTERNAL_API_TOKEN, null));
    const { stdout } = await run('sh', ['-c', command?.trim() ?? 'false']);
    expect(JSON.parse(stdout)).toMatchObject({ workspace: { name: 'My workspace' }, apiKey: { role: 'admin' } });
  });
});
