import { expect } from '@jest/globals';
import type { TestApp } from './app.js';

/**
 * Checks a page the server writes itself (the refused sign-in link, the OAuth error page):
 * no script or inline style, and a link to the shared versioned stylesheet, which answers as
 * CSS that the browser may not sniff as anything else.
 */
export async function expectSharedStylesheet(app: Pick<TestApp, 'request'>, html: string): Promise<void> {
  expect(html).not.toMatch(/<script|<style|style=/i);
  const href = /<link rel="stylesheet" href="([^"]+)">/.exec(html)?.[1] ?? '';
  expect(href).toMatch(/^\/portal\/session\/page\.css\?v=[0-9a-f]{12}$/);
  const css = await app.request(href);
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  expect(css.headers.get('x-content-type-options')).toBe('nosniff');
  expect(await css.text()).toContain('max-width');
}
