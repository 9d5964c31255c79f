import { test, expect } from '@playwright/test';
import { open } from './helpers.mjs';

// The installable app: a manifest that names its icons, a service worker that
// registers, a Chinese offline page, and no page or /api/ answer in its cache.

test('the manifest parses and names icons that exist', async ({ page, request }) => {
  await open(page, '/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const response = await request.get(href);
  expect(response.ok()).toBe(true);
  const manifest = await response.json();
  expect(manifest.short_name).toBe('网格通');
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toMatch(/^\//);
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  const sizes = manifest.icons.map((i) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    const img = await request.get(icon.src);
    expect(img.ok(), icon.src).toBe(true);
    expect(img.headers()['content-type']).toBe('image/png');
  }
});

test('the service worker registers, and offline a page answers in Chinese', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true, baseURL });
  const page = await context.newPage();
  await open(page, '/');
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(new URL(scope).pathname).toBe('/');
  // Once the worker controls the page, a navigation without a network gets the offline page.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await open(page, '/board');
  await context.setOffline(true);
  await page.goto('/wishes');
  await expect(page.getByTestId('offline')).toContainText('现在没有网络');
  // Back online, the offline page reloads itself into the page that was asked for.
  await context.setOffline(false);
  // (A chunk fetch that failed while offline waits out its back-off first.)
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 30_000 });
  await expect(page).toHaveURL(/\/wishes$/);
  // What the worker keeps: the app's own static files, never a page or an API answer.
  const cached = await page.evaluate(async () => {
    const urls = [];
    for (const key of await caches.keys()) {
      for (const r of await (await caches.open(key)).keys()) urls.push(new URL(r.url).pathname);
    }
    return urls;
  });
  expect(cached).toContain('/offline.html');
  expect(cached).toContain('/pkg/gridlink.wasm');
  expect(cached.filter((p) => p.startsWith('/api/'))).toEqual([]);
  // Pages: none but the report form's, kept for offline capture (not visited here).
  expect(cached.filter((p) => !p.includes('.') && !p.startsWith('/__offline/'))).toEqual([]);
  await context.close();
});
