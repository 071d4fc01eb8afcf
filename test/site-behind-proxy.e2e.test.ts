import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from './chromium.js';
import { colourPhoto } from './media-samples.js';
import { PROXIES, startReverseProxy, type RunningProxy } from './reverse-proxies.js';
import { startTestRuntime, type TestRuntime } from './test-runtime.js';
import { testToolMissing } from './tools/test-tools.js';
import { unzipEntries } from './unzip.js';

const missing = chromiumMissing() ?? testToolMissing('caddy', 'apt-get install caddy');

// The web app as a family reaches it: https://photos… through Caddy (deploy/Caddyfile), in
// Chromium — sign-up, uploads single and in parts, the timeline, a zip download, a shared link
// opened by a stranger, and the original downloaded from the viewer, all at the proxy's origin.
describe.skipIf(missing)(`the web app through Caddy over HTTPS${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let runtime: TestRuntime;
  let proxy: RunningProxy;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-site-https-'));
    runtime = await startTestRuntime({ SHOEBOX_PART_SIZE: String(5 * 1024 * 1024) });
    proxy = await startReverseProxy(PROXIES.find((p) => p.name === 'caddy')!, work, '127.0.0.11', runtime.port);
    browser = await launchChromium();
    // The test's own CA is not in Chromium's store; a real site has a public certificate.
    context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  }, 150_000);
  afterAll(async () => {
    await browser?.close();
    proxy?.stop();
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('signs up, uploads (one in parts), downloads a zip and the original, and shares a link a stranger opens', { timeout: 180_000 }, async () => {
    const { origin } = proxy;
    await page.goto(origin);
    await page.waitForURL(/\/login\/\?next=/);
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${origin}/`);
    const session = (await context.cookies(origin)).find((c) => c.name === 'immich_access_token');
    expect(session?.secure).toBe(true);

    // 12 MB with 5 MB parts: three presigned parts through the proxy.
    const small = await colourPhoto(220, 20, 20, 1, 900, 600);
    const big = Buffer.concat([await colourPhoto(20, 30, 220, 2, 900, 600), randomBytes(12 * 1024 * 1024)]);
    const files = { 'Sommer ☀.jpg': small, 'groß.jpg': big };
    const paths = await Promise.all(Object.entries(files).map(async ([name, bytes]) => {
      const file = path.join(work, name);
      await writeFile(file, bytes);
      return file;
    }));
    const parts: string[] = [];
    page.on('request', (request) => request.method() === 'PUT' && parts.push(request.url()));
    await page.getByLabel('Choose photos and videos').setInputFiles(paths);
    await page.getByText('2 of 2 uploaded').waitFor({ timeout: 60_000 });
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(parts.every((url) => url.startsWith(`${origin}/_blob/`))).toBe(true);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.tile img').length === 2 && [...document.querySelectorAll('.tile img')].every((img) => (img as HTMLImageElement).naturalWidth > 0), undefined, { timeout: 60_000 });

    const tiles = page.getByRole('button', { name: /^Photo taken/ });
    await tiles.nth(0).click({ modifiers: ['Control'] });
    await tiles.nth(1).click({ modifiers: ['Control'] });
    const toolbar = page.getByRole('toolbar', { name: '2 selected' });
    const [zip] = await Promise.all([page.waitForEvent('download'), toolbar.getByRole('button', { name: 'Download' }).click()]);
    const entries = await unzipEntries(await readFile((await zip.path())!));
    expect([...entries.keys()].sort()).toEqual(Object.keys(files).sort());
    for (const [name, bytes] of Object.entries(files)) expect(entries.get(name)!.equals(bytes), name).toBe(true);

    await toolbar.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByRole('textbox', { name: 'Link to the selected photos' }).inputValue();
    expect(link.startsWith(`${origin}/`)).toBe(true);
    const stranger = await browser.newContext({ ignoreHTTPSErrors: true });
    const guest = await stranger.newPage();
    await guest.goto(link);
    await guest.waitForFunction(() => document.querySelectorAll('.tile img').length === 2 && [...document.querySelectorAll('.tile img')].every((img) => (img as HTMLImageElement).naturalWidth > 0), undefined, { timeout: 30_000 });
    await stranger.close();

    await page.goto(origin);
    const downloaded: string[] = [];
    for (let i = 0; i < 2; i++) {
      await page.getByRole('button', { name: /^Photo taken/ }).nth(i).click();
      const viewer = page.getByRole('dialog');
      const [original] = await Promise.all([page.waitForEvent('download'), viewer.getByRole('link', { name: 'Download the original' }).click()]);
      const name = original.suggestedFilename();
      downloaded.push(name);
      expect((await readFile((await original.path())!)).equals(files[name as keyof typeof files]), name).toBe(true);
      await page.keyboard.press('Escape');
    }
    expect(downloaded.sort()).toEqual(Object.keys(files).sort());
  });
});
