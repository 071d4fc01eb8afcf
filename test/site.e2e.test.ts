import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, SCREENSHOTS } from './chromium.js';
import { writeTinyClipPack, writeTinyFacePack } from './model-packs.js';
import { colourPhoto, readMedia } from './media-samples.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, type TestRuntime } from './test-runtime.js';

const missing = chromiumMissing();

describe.skipIf(missing)(`the web app in Chromium${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let runtime: TestRuntime;
  // Not localhost: any 127.x address is another origin to the browser, as a NAS's address is.
  let origin: string;
  let browser: Browser;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-site-'));
    await writeTinyClipPack(path.join(work, 'models'));
    await writeTinyFacePack(path.join(work, 'models'));
    runtime = await startTestRuntime({ SHOEBOX_MODELS: path.join(work, 'models'), SHOEBOX_HOST: '127.0.0.2' });
    origin = `http://127.0.0.2:${runtime.port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  const shoot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

  it('sends a new visitor to create the first account, then to an empty timeline', async () => {
    await page.goto(origin);
    await page.waitForURL(/\/login\/\?next=/);
    await page.getByRole('heading', { name: 'Welcome to Shoebox' }).waitFor();
    await shoot('login');
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${origin}/`);
    await page.getByText('No photos yet').waitFor();
  });

  it('uploads photos with progress, shows them in the timeline and opens the viewer', async () => {
    const files = await Promise.all([colourPhoto(220, 20, 20, 1, 900, 600), colourPhoto(20, 30, 220, 2, 900, 600), colourPhoto(20, 200, 30, 3, 900, 600)]);
    const paths = await Promise.all(files.map(async (bytes, i) => {
      const file = path.join(work, `photo-${i}.jpg`);
      await writeFile(file, bytes);
      return file;
    }));
    await page.getByLabel('Choose photos and videos').setInputFiles(paths);
    await page.getByText('3 of 3 uploaded').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: /^Photo taken/ }).nth(2).waitFor();
    expect(await page.getByRole('button', { name: /^Photo taken/ }).count()).toBe(3);
    // The thumbnails load once the pipeline made them.
    await page.waitForFunction(() => [...document.querySelectorAll('.tile img')].every((img) => (img as HTMLImageElement).naturalWidth > 0), undefined, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Close' }).click();
    await shoot('timeline');

    await page.getByRole('button', { name: /^Photo taken/ }).first().click();
    const viewer = page.getByRole('dialog');
    await viewer.waitFor();
    await page.keyboard.press('i');
    await viewer.getByRole('complementary', { name: 'Details' }).getByRole('textbox', { name: 'Description' }).waitFor();
    await shoot('viewer');
    const firstName = await viewer.getByRole('heading', { level: 2 }).textContent();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => viewer.getByRole('heading', { level: 2 }).textContent().catch(() => firstName)).not.toBe(firstName);
    await page.keyboard.press('f');
    await viewer.getByRole('button', { name: 'Favourite (f)', pressed: true }).waitFor();
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    await page.goto(`${origin}/favorites/`);
    await page.getByRole('button', { name: /^Photo taken/ }).first().waitFor();
    expect(await page.getByRole('button', { name: /^Photo taken/ }).count()).toBe(1);
  });

  it('finds photos by what is in them from the search box', async () => {
    await page.goto(origin);
    // Wait until the three are indexed for smart search, then search like a person would.
    await expect
      .poll(async () => (await page.evaluate(() => fetch('/api/search/smart', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'red' }) }).then((r) => r.json()))).assets?.items?.length, { timeout: 30_000 })
      .toBe(3);
    await page.getByRole('searchbox', { name: 'Search your photos' }).fill('something red');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\/\?q=something\+red/);
    await page.getByRole('heading', { name: 'Results for “something red”' }).waitFor();
    await page.locator('.tile img').first().waitFor();
    await shoot('search');
    const first = await page.locator('.tile img').first().getAttribute('src');
    const red = await page.evaluate(() => fetch('/api/search/smart', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'red' }) }).then((r) => r.json()));
    expect(first).toContain(red.assets.items[0].id);
  });

  it('puts a selection in a new album, comments on it, and shares it behind a password', async () => {
    await page.goto(origin);
    const tiles = page.getByRole('button', { name: /^Photo taken/ });
    await tiles.nth(2).waitFor();
    await tiles.nth(0).click({ modifiers: ['Control'] });
    await tiles.nth(1).click({ modifiers: ['Shift'] });
    await page.getByRole('toolbar', { name: '2 selected' }).waitFor();
    await page.getByRole('button', { name: 'Add to album' }).click();
    await page.getByLabel('New album name').fill('Holidays');
    await page.getByRole('button', { name: 'Add', exact: true }).click();

    await page.goto(`${origin}/albums/`);
    await page.getByRole('link', { name: /Holidays.*2 items/ }).click();
    await page.getByRole('heading', { name: 'Holidays' }).waitFor();
    await page.locator('.tile').nth(1).waitFor(); // the grid lays out once it knows its width
    expect(await page.locator('.tile').count()).toBe(2);
    await page.getByLabel('Comment').fill('What a trip!');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('region', { name: 'Activity' }).getByText('What a trip!').waitFor();
    await page.getByLabel('Password (optional)').fill('sunny beach');
    await page.getByRole('button', { name: 'Create share link' }).click();
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link).toMatch(/\/s\/\?key=/);
    await shoot('album');

    // Someone without an account opens the link in a browser of their own.
    const stranger = await browser.newContext();
    const guest = await stranger.newPage();
    await guest.goto(link);
    await guest.getByRole('heading', { name: 'This album is protected' }).waitFor();
    await guest.getByLabel('Password').fill('wrong guess');
    await guest.getByRole('button', { name: 'Open' }).click();
    await guest.getByRole('alert').getByText(/Wrong password/).waitFor();
    await guest.getByLabel('Password').fill('sunny beach');
    await guest.getByRole('button', { name: 'Open' }).click();
    await guest.getByRole('heading', { name: 'Holidays' }).waitFor();
    await guest.waitForFunction(() => document.querySelectorAll('.tile img').length === 2 && [...document.querySelectorAll('.tile img')].every((i) => (i as HTMLImageElement).naturalWidth > 0));
    await guest.screenshot({ path: path.join(SCREENSHOTS, 'shared-link.png') });
    // The link opens what it shares and nothing else of the owner's.
    expect(await guest.evaluate(() => fetch('/api/albums').then((r) => r.status))).toBe(401);
    await stranger.close();
  });

  it('shows "on this day" memories above the timeline, opening as a slideshow', async () => {
    const { rows } = await runtime.ports.db.query<{ id: string }>(`SELECT id FROM users WHERE email = 'ada@example.com'`);
    const lastYear = new Date();
    lastYear.setUTCFullYear(lastYear.getUTCFullYear() - 1);
    await insertSyntheticAssets(runtime.ports.db, rows[0]!.id, [{ localDateTime: `${lastYear.toISOString().slice(0, 10)}T10:00:00` }]);
    await page.goto(origin);
    await page.getByRole('region', { name: 'Memories' }).getByRole('button', { name: '1 year ago' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
  });

  it('changes the password and makes API keys on the account page; shows the admin the queues', async () => {
    await page.goto(`${origin}/account/`);
    await page.getByLabel('Name').fill('Laptop CLI');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByRole('textbox', { name: 'New API key' }).inputValue();
    expect((await fetch(`${origin}/api/users/me`, { headers: { 'x-api-key': secret } })).status).toBe(200);
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('an even longer password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').getByText('Wrong password').waitFor();
    await page.getByLabel('Current password').fill('a long enough password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed').waitFor();
    await shoot('account');

    await page.goto(`${origin}/admin/users/`);
    await page.getByLabel('Name').fill('Carl');
    await page.getByLabel('Email').fill('carl@example.com');
    await page.getByLabel('First password').fill('carls first password');
    await page.getByLabel('Storage quota in GB (empty: none)').fill('5');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('row', { name: /carl@example.com.*of 5 GB/ }).waitFor();
    await shoot('admin-users');
    await page.getByRole('row', { name: /carl@example.com/ }).getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('row', { name: /carl@example.com/ }).waitFor({ state: 'detached' });

    await page.goto(`${origin}/admin/jobs/`);
    await page.getByRole('rowheader', { name: 'Smart search' }).waitFor();
    await page.getByRole('rowheader', { name: 'Thumbnails' }).waitFor();
    // Pausing a stage from the page shows it paused, and resuming it lets it run again.
    await page.getByRole('button', { name: 'Pause Video encoding' }).click();
    await page.getByRole('rowheader', { name: 'Video encoding (paused)' }).waitFor();
    await page.getByRole('button', { name: 'Resume Video encoding' }).click();
    await page.getByRole('rowheader', { name: 'Video encoding', exact: true }).waitFor();
    await shoot('admin-jobs');
  });

  it('edits a photo’s description and rating in the viewer’s info panel', async () => {
    await page.goto(origin);
    await page.getByRole('button', { name: /^Photo taken/ }).first().click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('i');
    const details = page.getByRole('complementary', { name: 'Details' });
    // Typed key by key: its "i"s and "f"s are text, not the viewer's shortcuts.
    await details.getByLabel('Description').pressSequentially('Sunset at the lake in fine fall light');
    await page.getByRole('button', { name: 'Info (i)', pressed: true }).waitFor();
    await details.getByRole('radio', { name: '4 stars' }).click();
    await details.getByRole('radio', { name: '4 stars', checked: true }).waitFor();
    const id = new URL(await page.getByRole('dialog').locator('img').first().getAttribute('src') ?? '', origin).pathname.split('/')[3];
    await details.getByLabel('Taken').fill('2019-07-14T18:30');
    await details.getByLabel('Time zone').fill('+01:00');
    await details.getByLabel('Latitude').fill('38.7223');
    await details.getByLabel('Longitude').fill('-9.1393');
    await details.getByRole('button', { name: 'Save date and place' }).click();
    await details.getByText('Lisbon').waitFor(); // the place is looked up again from the new coordinates
    const asset = await page.evaluate((assetId) => fetch(`/api/assets/${assetId}`).then((r) => r.json()), id);
    expect(asset.exifInfo).toMatchObject({ description: 'Sunset at the lake in fine fall light', rating: 4, city: 'Lisbon' });
    expect(asset.isFavorite).toBe(false);
    expect(asset.localDateTime).toMatch(/^2019-07-14T18:30:00/);
    await page.keyboard.press('Escape');
  });

  it('shows a partner’s library once they share it', async () => {
    const api = apiClient(origin);
    const ada = await api.loginWithKey('ada@example.com', 'an even longer password');
    const bea = await api.createUser(ada, 'bea@example.com');
    const beaPhoto = await api.upload(bea, await colourPhoto(200, 200, 20, 9), 'bea.jpg');
    expect((await api.call('POST', '/partners', { key: bea.apiKey, body: { sharedWithId: ada.id } })).status).toBe(201);
    await page.goto(`${origin}/partners/`);
    await page.getByRole('link', { name: /bea@example.com’s photos/ }).click();
    await page.locator('.tile').first().waitFor();
    expect(await page.locator('.tile img').first().getAttribute('src')).toContain(beaPhoto);
    expect(await page.locator('.tile').count()).toBe(1);
    await shoot('partner');
  });

  it('puts geotagged photos on a map that works offline, and lists a marker’s photos', async () => {
    const api = apiClient(origin);
    const ada = await api.loginWithKey('ada@example.com', 'an even longer password');
    await api.upload(ada, await readMedia('exif-samples__DSCN0010.jpg'), 'DSCN0010.jpg'); // GPS: near Arezzo
    await page.goto(`${origin}/map/`);
    // Arezzo's photo, and the one placed in Lisbon in the viewer.
    await page.getByRole('region', { name: 'Map of 2 geotagged photos' }).waitFor();
    // No tile server configured: the bundled world outline is drawn instead.
    await page.locator('.leaflet-overlay-pane path').first().waitFor();
    await page.getByTitle('1 photo near Arezzo').click();
    await page.getByRole('complementary', { name: 'Photos here' }).locator('.tile').waitFor();
    await shoot('map');
  });

  it('is usable at phone width and in dark mode', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(origin);
    await page.getByRole('button', { name: /^Photo taken/ }).first().waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(18, 18, 18)');
    // The menu is a strip above the photos, which take the whole width; nothing scrolls sideways.
    const layout = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - innerWidth,
      nav: document.querySelector('nav')!.getBoundingClientRect().toJSON(),
      main: document.querySelector('main')!.getBoundingClientRect().toJSON(),
    }));
    expect(layout.overflow).toBeLessThanOrEqual(0);
    expect(layout.nav.height).toBeLessThan(80);
    expect(layout.main.top).toBeGreaterThanOrEqual(layout.nav.bottom - 1);
    expect(layout.main.width).toBeGreaterThan(380);
    await shoot('timeline-phone-dark');
  });
});
