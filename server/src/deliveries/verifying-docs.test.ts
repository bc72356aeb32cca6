import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startWebhookStory, type WebhookStory } from './story.js';

// The Node snippet of docs/API.md, "Verifying webhooks", run as a customer would run it,
// against a real signed delivery: if the docs drift from what we send, this fails.
const API_MD = fileURLToPath(new URL('../../../docs/API.md', import.meta.url));
const STANDARDWEBHOOKS = pathToFileURL(createRequire(import.meta.url).resolve('standardwebhooks')).href;

async function nodeSnippet(): Promise<string> {
  const markdown = await readFile(API_MD, 'utf8');
  const section = markdown.slice(markdown.indexOf('### Verifying webhooks'));
  const snippet = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!snippet) throw new Error('docs/API.md has no ```js block under "Verifying webhooks"');
  return snippet;
}

let story: WebhookStory;
let dir: string;
let script: string;
beforeAll(async () => {
  story = await startWebhookStory();
  dir = await mkdtemp(join(tmpdir(), 'nebulahex-docs-'));
  script = join(dir, 'receiver.mjs');
  const harness = 'const { body, headers } = JSON.parse(process.argv[2]);\nprocess.stdout.write(JSON.stringify(receiveDelivery(body, headers)));\n';
  await writeFile(script, `${(await nodeSnippet()).replace("from 'standardwebhooks'", `from '${STANDARDWEBHOOKS}'`)}\n${harness}`);
});
afterAll(async () => {
  await story.close();
  await rm(dir, { recursive: true, force: true });
});

const runSnippet = (secret: string, delivery: { body: string; headers: Record<string, unknown> }) =>
  promisify(execFile)(process.execPath, [script, JSON.stringify(delivery)], { env: { PATH: process.env.PATH, NEBULAHEX_SIGNING_SECRET: secret } });

describe('the Node snippet of "Verifying webhooks"', () => {
  it('accepts a real delivery and refuses it with a changed body, another secret or a timestamp past the tolerance', async () => {
    const hook = await story.subscribe({ event: 'lead.captured' });
    const eventId = await story.publish('lead.captured');
    await story.waitForRequests('/hook', 1);
    const [request] = story.receiver.requests;
    if (!request) throw new Error('no delivery');
    const delivery = { body: request.body, headers: request.headers as Record<string, unknown> };

    const { stdout } = await runSnippet(hook.signingSecret, delivery);
    expect(JSON.parse(stdout)).toEqual({ id: eventId, type: 'lead.captured', data: JSON.parse(request.body).data });
    await expect(runSnippet(hook.signingSecret, { ...delivery, body: request.body.replace('"test":false', '"test":true') })).rejects.toThrow(/No matching signature/i);
    await expect(runSnippet(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, delivery)).rejects.toThrow(/No matching signature/i);
    const sixMinutesAgo = String(Math.floor(Date.now() / 1000) - 360);
    await expect(runSnippet(hook.signingSecret, { ...delivery, headers: { ...delivery.headers, 'webhook-timestamp': sixMinutesAgo } })).rejects.toThrow(/too old/i);
  });
});
