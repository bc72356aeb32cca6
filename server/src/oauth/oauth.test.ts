import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../testing/app.js';
import { createWorkspace, type WorkspaceFixture } from '../testing/fixtures.js';
import { answerConsent, authorizeUrl, connectApp, consentUid, CookieJar, followRedirects, pkcePair, signInToPortal, TEST_OAUTH_CLIENT, tokenRequest } from '../testing/oauth.js';
import { oauthRecordModel } from './model.js';

let testApp: TestApp;
let workspace: WorkspaceFixture;
beforeAll(async () => {
  testApp = await startTestApp({ config: TEST_OAUTH_CLIENT });
  workspace = await createWorkspace(testApp, 'Acme Support');
});
afterAll(() => testApp.close());

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('the OAuth dance', () => {
  it('authorize → portal consent → code → tokens that act on the workspace', async () => {
    const tokens = await connectApp(testApp, workspace.workspaceId, 'Ada Lovelace');
    expect(tokens).toMatchObject({ scope: 'workspace', expires_in: 3600 });
    const me = await testApp.request('/api/v1/auth/me', { headers: bearer(tokens.access_token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ workspace: { id: workspace.workspaceId, name: 'Acme Support' }, connection: { app: 'Zapier', connectedBy: 'Ada Lovelace' } });
  });
});
