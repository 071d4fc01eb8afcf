import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, logIn, SCREENSHOTS } from './chromium.js';
import { colourPhoto, facePhoto, mediaPath, readMedia, sha1Hex } from './media-samples.js';
import { writeTinyClipPack, writeTinyFacePack } from './model-packs.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';
import { unzipEntries } from './unzip.js';

type Json = Record<string, any>;
const missing = chromiumMissing();
const PASSWORD = 'correct horse battery staple';
const MiB = 1024 * 1024;

/**
 * The web app's second half in Chromium: uploads that survive a reload, downloading and
 * sharing a selection, search chips, people merged from the grid, the viewer's people, albums
 * and map, album members, shared links, external libraries, the scrubber, and a check of
 * every page's controls and contrast.
 */
describe.skipIf(missing)(`organising a library in the web app${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let runtime: TestRuntime;
  // Not localhost: any 127.x address is another origin to the browser, as a NAS's address is.
  let origin: string;
  let browser: Browser;
  let page: Page;
  let work: string;
  let api: ReturnType<typeof apiClient>;
  let ada: TestUser;
  let bea: TestUser;
  const ids: Record<string, string> = {};

  const shoot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  const tile = (id: string) => page.locator(`.tile:has(img[src*="${id}"])`);
  const send = (user: TestUser, method: string, route: string, body?: unknown) => api.call<any>(method, route, { key: user.apiKey, body });

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-site-organise-'));
    await writeTinyClipPack(path.join(work, 'models'));
    await writeTinyFacePack(path.join(work, 'models'));
    // 5 MiB parts (the least S3 allows), so a 14 MB file is a three-part upload.
    runtime = await startTestRuntime({ SHOEBOX_MODELS: path.join(work, 'models'), SHOEBOX_PART_SIZE: String(5 * MiB), SHOEBOX_HOST: '127.0.0.2' });
    origin = `http://127.0.0.2:${runtime.port}`;
    api = apiClient(origin);
    ada = await api.signUpAdmin('ada@example.com', PASSWORD);
    bea = await api.createUser(ada, 'bea@example.com', PASSWORD);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    await logIn(page, origin, 'ada@example.com', PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  // First, while the library holds only faces: the tiny recognizer tells people apart by colour alone.
  it('merges two people from the faces grid; the viewer names who is in a photo and its albums', async () => {
    const faces = { rosa: [] as string[], gina: [] as string[] };
    for (const seed of [1, 2, 3]) faces.rosa.push(await api.upload(ada, await facePhoto([230, 10, 10], seed), `rosa-${seed}.jpg`));
    for (const seed of [4, 5, 6]) faces.gina.push(await api.upload(ada, await facePhoto([10, 230, 10], seed), `gina-${seed}.jpg`));
    const people = await waitFor(async () => {
      const list = (await send(ada, 'GET', '/people')).body.people;
      return list.length === 2 ? list : undefined;
    }, 'two people');
    const byColour = async (faceAsset: string) => (await send(ada, 'GET', `/faces?id=${faceAsset}`)).body[0].person.id;
    ids.rosa = await byColour(faces.rosa[0]!);
    ids.gina = await byColour(faces.gina[0]!);
    expect(new Set(people.map((p: Json) => p.id))).toEqual(new Set([ids.rosa, ids.gina]));
    await send(ada, 'PUT', `/people/${ids.rosa}`, { name: 'Rosa' });
    await send(ada, 'PUT', `/people/${ids.gina}`, { name: 'Gina' });
    ids.album = (await send(ada, 'POST', '/albums', { albumName: 'Family', assetIds: [faces.rosa[0]] })).body.id;

    await page.goto(`${origin}/people/`);
    await page.getByLabel('Select Rosa').check();
    await page.getByLabel('Select Gina').check();
    const toolbar = page.getByRole('toolbar', { name: '2 people selected' });
    await toolbar.getByLabel('Keep').selectOption({ label: 'Rosa' });
    await shoot('people-merge');
    await toolbar.getByRole('button', { name: 'Merge into one person' }).click();
    await page.getByRole('status').getByText('Merged 1 person into Rosa.').waitFor();
    await expect.poll(() => page.locator('.people > li').count()).toBe(1);
    expect((await send(ada, 'GET', `/people/${ids.rosa}/statistics`)).body).toEqual({ assets: 6 });

    // The viewer's details: who is in the photo, the albums it is in.
    await page.goto(`${origin}/person/?id=${ids.rosa}`);
    await tile(faces.rosa[0]!).click();
    await page.keyboard.press('i');
    const details = page.getByRole('complementary', { name: 'Details' });
    await details.getByRole('link', { name: 'Rosa' }).waitFor();
    await details.getByRole('link', { name: 'Family' }).waitFor();
    await shoot('viewer-details');
    await page.keyboard.press('Escape');

  });

  it('carries on an upload cut short by a reload, sending only the parts still missing', async () => {
    const big = await sharp({ create: { width: 2200, height: 2200, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png({ compressionLevel: 1 }).toBuffer();
    expect(big.length).toBeGreaterThan(10 * MiB);
    const file = path.join(work, 'noise.png');
    await writeFile(file, big);
    const sent: number[] = [];
    page.on('request', (r) => {
      const part = r.method() === 'PUT' ? new URL(r.url()).searchParams.get('partNumber') : null;
      if (part) sent.push(Number(part));
    });
    // The second part's connection drops, as on a train going into a tunnel.
    const secondPart = /[?&]partNumber=2(&|$)/;
    await page.route(secondPart, (route) => route.abort('connectionreset'));
    await page.goto(origin);
    await page.getByLabel('Choose photos and videos').setInputFiles(file);
    await page.getByText(/noise\.png: failed \(.*\), tried again next time/).waitFor();
    expect(sent).toEqual([1, 2]);

    await page.unroute(secondPart);
    sent.length = 0;
    await page.reload();
    await page.getByText('1 of 1 uploaded (resumed from your last visit)').waitFor({ timeout: 30_000 });
    expect(sent).toEqual([2, 3]); // part 1 was remembered, not sent again

    const ticket = await send(ada, 'POST', '/uploads', { fileName: 'noise.png', size: big.length, checksum: sha1Hex(big) });
    expect(ticket.body.status).toBe('duplicate');
    ids.big = ticket.body.id;
    // Complete is not yet verified: the original is served once the metadata stage has it (a slow machine shows the gap).
    await waitFor(async () => ((await send(ada, 'GET', `/assets/${ids.big}`)).body.status !== 'uploading' ? true : undefined), 'the upload verified');
    const original = await fetch(`${origin}/api/assets/${ids.big}/original`, { headers: { 'x-api-key': ada.apiKey } });
    expect(sha1Hex(Buffer.from(await original.arrayBuffer()))).toBe(sha1Hex(big));
    const queued = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('shoebox-uploads');
          open.onsuccess = () => {
            const count = open.result.transaction('queue').objectStore('queue').count();
            count.onsuccess = () => resolve(count.result);
          };
        }),
    );
    expect(queued).toBe(0);
  });

  it('downloads a selection as a zip of the originals and shares it by link', async () => {
    const red = await colourPhoto(220, 20, 20, 1, 600, 400);
    const blue = await colourPhoto(20, 30, 220, 2, 600, 400);
    ids.red = await api.upload(ada, red, 'red.jpg');
    ids.blue = await api.upload(ada, blue, 'blue.jpg');
    await page.goto(origin);
    await tile(ids.red).click({ modifiers: ['Control'] });
    await tile(ids.blue).click({ modifiers: ['Control'] });
    const toolbar = page.getByRole('toolbar', { name: '2 selected' });
    const [download] = await Promise.all([page.waitForEvent('download'), toolbar.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^shoebox-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = await unzipEntries(await readFile((await download.path())!));
    expect([...files.keys()].sort()).toEqual(['blue.jpg', 'red.jpg']);
    expect(files.get('red.jpg')!.equals(red)).toBe(true);
    expect(files.get('blue.jpg')!.equals(blue)).toBe(true);

    await toolbar.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByRole('textbox', { name: 'Link to the selected photos' }).inputValue();
    const stranger = await browser.newContext();
    const guest = await stranger.newPage();
    await guest.goto(link);
    await guest.waitForFunction(() => document.querySelectorAll('.tile img').length === 2);
    const shown = await guest.locator('.tile img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
    expect(shown.some((src) => src!.includes(ids.red!)) && shown.some((src) => src!.includes(ids.blue!))).toBe(true);
    await stranger.close();
  });

  it('narrows a smart search with camera, place and date chips', async () => {
    ids.nikon = await api.upload(ada, await readMedia('exif-samples__DSCN0010.jpg'), 'DSCN0010.jpg'); // NIKON, near Arezzo, 2008
    const found = async () => (await send(ada, 'POST', '/search/smart', { query: 'red' })).body.assets?.items.map((a: Json) => a.id) ?? [];
    await waitFor(async () => ((await found()).includes(ids.nikon) ? true : undefined), 'the NIKON photo indexed');
    const all = (await found()).length;
    await page.goto(`${origin}/search/?q=red`);
    await expect.poll(() => page.locator('.tile').count()).toBe(all);
    await page.getByLabel('Camera').selectOption('NIKON');
    await page.waitForURL(/make=NIKON/);
    await expect.poll(() => page.locator('.tile').count()).toBe(1);
    expect(await page.locator('.tile img').getAttribute('src')).toContain(ids.nikon);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Place').selectOption('Arezzo');
    await expect.poll(() => page.locator('.tile').count()).toBe(1);
    await page.getByLabel('From').fill('2020-01-01');
    await page.getByText('Nothing found with these filters.').waitFor();
    await page.getByLabel('Place').selectOption('');
    await expect.poll(() => page.locator('.tile').count()).toBe(all - 1); // all but 2008's
    expect(await tile(ids.nikon).count()).toBe(0);
    await shoot('search-filters');

    // A geotagged photo's details link to the map, centred on it.
    await page.goto(origin);
    await tile(ids.nikon!).click();
    await page.keyboard.press('i');
    const details = page.getByRole('complementary', { name: 'Details' });
    // A small map of the place, drawn on the bundled outline (Leaflet loads only now).
    await details.getByRole('link', { name: 'Where this was taken: open the map here' }).locator('.leaflet-overlay-pane path').first().waitFor();
    await details.getByRole('link', { name: /show on the map/ }).click();
    await page.waitForURL(/\/map\/\?lat=43\.46/);
    await page.getByTitle('1 photo near Arezzo').waitFor();
  });

  it('shares an album with another user, and lists, changes and revokes shared links', async () => {
    await page.goto(`${origin}/album/?id=${ids.album}`);
    const members = page.getByRole('region', { name: 'Shared with' });
    await members.getByLabel('Share with').selectOption({ label: 'bea@example.com (bea@example.com)' });
    await members.getByLabel('Who can').selectOption('viewer');
    await members.getByRole('button', { name: 'Share', exact: true }).click();
    await members.getByText('bea@example.com (bea@example.com) — can view').waitFor();
    const shared = (await send(bea, 'GET', '/albums?shared=true')).body;
    expect(shared.map((a: Json) => a.albumName)).toEqual(['Family']);

    await page.goto(`${origin}/sharing/`);
    const link = page.getByRole('listitem', { name: 'Selected photos' });
    const url = await link.getByRole('textbox', { name: 'Link to Selected photos' }).inputValue();
    const key = new URL(url).searchParams.get('key')!;
    await link.getByLabel('Allow downloads').uncheck();
    await expect.poll(async () => (await send(ada, 'GET', '/shared-links')).body[0].allowDownload).toBe(false);
    await shoot('shared-links');
    expect((await api.call('GET', `/shared-links/me?key=${key}`)).status).toBe(200);
    await link.getByRole('button', { name: 'Revoke the link to Selected photos' }).click();
    await page.getByText('Nothing shared by link yet.', { exact: false }).waitFor();
    expect((await api.call('GET', `/shared-links/me?key=${key}`)).status).toBe(401);

    // A page gone stale (the link revoked elsewhere) says why its action failed.
    const other = (await send(ada, 'POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [ids.red], description: 'Old link' })).body;
    await page.reload();
    const revoke = page.getByRole('button', { name: 'Revoke the link to Old link' });
    await revoke.waitFor();
    await send(ada, 'DELETE', `/shared-links/${other.id}`);
    await revoke.click();
    await page.getByRole('alert').getByText('Not found or no sharedLink.delete access').waitFor();
  });

  it('lets the admin add, check and scan an external library; others see no admin pages', async () => {
    const folder = path.join(work, 'nas');
    await mkdir(path.join(folder, '2019'), { recursive: true });
    await copyFile(mediaPath('exif-samples__DSCN0010.jpg'), path.join(folder, '2019', 'arezzo.jpg'));
    await writeFile(path.join(folder, '2019', 'green.jpg'), await colourPhoto(20, 200, 30, 40));

    await page.goto(`${origin}/admin/libraries/`);
    await page.getByText('No external libraries.', { exact: false }).waitFor();
    const form = page.getByRole('region', { name: 'Add a library' });
    // Shoebox's own storage is refused, with the reason.
    await form.getByLabel('Name').fill('Loop');
    await form.getByLabel('Folders, one per line').fill(runtime.dataDir);
    await form.getByRole('button', { name: 'Add library' }).click();
    await page.getByRole('status').getByText(/Shoebox’s own storage/).waitFor();
    await form.getByLabel('Owner').selectOption({ label: 'bea@example.com (bea@example.com)' });
    await form.getByLabel('Name').fill('NAS');
    await form.getByLabel('Folders, one per line').fill(folder);
    await form.getByRole('button', { name: 'Add library' }).click();
    await page.getByRole('status').getByText('NAS added; scanning its folders').waitFor();
    const library = page.getByRole('listitem', { name: 'NAS' });
    await expect
      .poll(async () => {
        await page.reload();
        return library.getByText(/2 items/).count();
      }, { timeout: 30_000 })
      .toBe(1);
    await library.getByRole('button', { name: 'Check folders' }).click();
    await library.getByText('✓ readable').waitFor();
    await shoot('admin-libraries');
    expect((await send(bea, 'GET', '/timeline/buckets')).body.reduce((n: number, b: Json) => n + b.count, 0)).toBe(2);

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Libraries' }).waitFor();
    const other = await browser.newContext();
    const beaPage = await other.newPage();
    await logIn(beaPage, origin, 'bea@example.com', PASSWORD);
    await beaPage.getByRole('link', { name: 'Shared links' }).waitFor();
    expect(await beaPage.getByRole('link', { name: 'Libraries' }).count()).toBe(0);
    expect(await beaPage.getByRole('link', { name: 'Users' }).count()).toBe(0);
    // Bea browses the library by its folders on disk, one level at a time.
    await beaPage.goto(`${origin}/folders/?path=${encodeURIComponent(folder)}`);
    await beaPage.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'nas' }).waitFor();
    await beaPage.getByRole('list', { name: 'Folders' }).getByRole('link', { name: '2019' }).click();
    await beaPage.waitForURL(/path=.*2019/);
    await beaPage.locator('.tile').nth(1).waitFor();
    expect(await beaPage.locator('.tile').count()).toBe(2);
    await beaPage.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'All folders' }).click();
    await beaPage.getByRole('list', { name: 'Folders' }).getByRole('link').first().waitFor();
    await other.close();
  });

  it('archives and unarchives, trashes, restores and empties the trash; the admin changes a quota', async () => {
    await page.goto(origin);
    await tile(ids.red!).focus();
    await page.keyboard.press('x'); // selects from the keyboard
    await page.getByRole('toolbar', { name: '1 selected' }).getByRole('button', { name: 'Archive' }).click();
    await tile(ids.red!).waitFor({ state: 'detached' });
    await page.goto(`${origin}/archive/`);
    await tile(ids.red!).click({ modifiers: ['Control'] });
    await page.getByRole('toolbar', { name: '1 selected' }).getByRole('button', { name: 'Unarchive' }).click();
    await page.getByText('Archived photos stay out of the timeline').waitFor();

    await page.goto(origin);
    await tile(ids.red!).click({ modifiers: ['Control'] });
    await tile(ids.blue!).click({ modifiers: ['Control'] });
    await page.getByRole('toolbar', { name: '2 selected' }).getByRole('button', { name: 'Move to trash' }).click();
    await tile(ids.blue!).waitFor({ state: 'detached' });
    await page.goto(`${origin}/trash/`);
    await tile(ids.red!).click({ modifiers: ['Control'] });
    await page.getByRole('toolbar', { name: '1 selected' }).getByRole('button', { name: 'Restore' }).click();
    await tile(ids.red!).waitFor({ state: 'detached' });
    await tile(ids.blue!).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByText('The trash is empty.').waitFor();
    expect((await send(ada, 'GET', `/assets/${ids.red}`)).body.isTrashed).toBe(false);
    await expect.poll(async () => (await send(ada, 'GET', `/assets/${ids.blue}`)).status).toBe(400);

    await page.goto(`${origin}/admin/users/`);
    await page.getByLabel('Quota for bea@example.com in GB (empty: none)').fill('2');
    await page.getByRole('button', { name: 'Set the quota for bea@example.com' }).click();
    await page.getByRole('row', { name: /bea@example.com.*of 2 GB/ }).waitFor();
    expect((await send(ada, 'GET', `/admin/users/${bea.id}`)).body.quotaSizeInBytes).toBe(2 * 1024 ** 3);
  });

  it('sets a PIN, moves a photo into the locked folder, opens it with the PIN and locks it again', async () => {
    await page.goto(`${origin}/locked/`);
    await page.getByLabel('New PIN').fill('135790');
    await page.getByLabel('The PIN again').fill('135791');
    await page.getByRole('button', { name: 'Set PIN' }).click();
    await page.getByRole('alert').filter({ hasText: 'The two PINs differ' }).waitFor();
    await page.getByLabel('New PIN').fill('135790');
    await page.getByLabel('The PIN again').fill('135790');
    await page.getByRole('button', { name: 'Set PIN' }).click();
    await page.getByText('Nothing here yet.').waitFor();
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();

    await page.goto(origin);
    await tile(ids.red!).click({ modifiers: ['Control'] });
    await page.getByRole('toolbar', { name: '1 selected' }).getByRole('button', { name: 'Move to locked folder' }).click();
    await tile(ids.red!).waitFor({ state: 'detached' });
    // Locked, the session cannot reach it — not even its thumbnail.
    expect((await page.request.get(`${origin}/api/assets/${ids.red}/thumbnail`)).status()).toBe(400);

    await page.goto(`${origin}/locked/`);
    await page.getByLabel('PIN', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong PIN — try again.' }).waitFor();
    await page.getByLabel('PIN', { exact: true }).fill('135790');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await tile(ids.red!).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'locked-folder.png') });
    expect((await page.request.get(`${origin}/api/assets/${ids.red}/thumbnail`)).status()).toBe(200);
    // Ada's API key is not her unlocked browser: the photo stays out of its reach.
    expect((await send(ada, 'GET', `/assets/${ids.red}`)).status).toBe(400);

    await tile(ids.red!).click({ modifiers: ['Control'] });
    await page.getByRole('toolbar', { name: '1 selected' }).getByRole('button', { name: 'Move out of locked folder' }).click();
    await page.getByText('Nothing here yet.').waitFor();
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    await page.goto(origin);
    await tile(ids.red!).waitFor();
  });

  it('scrubs through years of photos by dragging the scrubber and by keys', async () => {
    const months = [];
    for (let year = 2016; year <= 2023; year++) for (let month = 1; month <= 12; month++) months.push({ localDateTime: `${year}-${String(month).padStart(2, '0')}-15T12:00:00` });
    await insertSyntheticAssets(runtime.ports.db, ada.id, months.flatMap((m) => [m, m, m]));
    await page.goto(origin);
    const scrubber = page.getByRole('slider', { name: 'Scroll the timeline by date' });
    await scrubber.waitFor();
    const box = (await scrubber.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.6, { steps: 8 });
    await page.locator('.scrubber-label').waitFor();
    await page.mouse.up();
    expect(await page.evaluate(() => scrollY)).toBeGreaterThan(1000);
    await expect.poll(() => scrubber.getAttribute('aria-valuetext')).toMatch(/20(1\d|2[0-3])$/);
    await shoot('timeline-scrubber');

    await scrubber.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.evaluate(() => scrollY)).toBe(0);
    await page.keyboard.press('PageDown');
    await expect.poll(() => scrubber.getAttribute('aria-valuetext')).toBe('December 2023');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => scrubber.getAttribute('aria-valuetext')).toBe('November 2023');
    await page.keyboard.press('PageDown');
    await expect.poll(() => scrubber.getAttribute('aria-valuetext')).toBe('December 2022');
    await page.keyboard.press('PageUp');
    await expect.poll(() => scrubber.getAttribute('aria-valuetext')).toBe('December 2023');

    // A day's check selects all of it, and clears it again.
    const day = await page.evaluate(() => new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date('2023-12-15')));
    await page.getByRole('button', { name: `Select ${day}` }).click();
    await page.getByRole('toolbar', { name: '3 selected' }).waitFor();
    await page.getByRole('button', { name: `Select ${day}`, pressed: true }).click();
    await page.getByRole('toolbar').waitFor({ state: 'detached' });
  });

  it('tags a photo in the viewer, shows it on the tags page under every level, renames and deletes a tag', async () => {
    const photo = await api.upload(ada, await colourPhoto(200, 140, 40, 31), 'ribeira.jpg');
    await page.goto(`${origin}/favorites/`);
    await send(ada, 'PUT', `/assets/${photo}`, { isFavorite: true });
    await page.reload();
    await tile(photo).click();
    await page.keyboard.press('i');
    const details = page.getByRole('complementary', { name: 'Details' });
    // A path makes every level; non-ASCII as typed.
    await details.getByLabel('Add a tag').fill('Viagens/Porto à noite');
    await details.getByLabel('Add a tag').press('Enter');
    await details.getByRole('link', { name: 'Viagens/Porto à noite' }).click();
    await page.waitForURL(/\/tags\/\?id=/);
    const tree = page.getByRole('navigation', { name: 'Tags' });
    await tree.getByRole('link', { name: 'Viagens' }).waitFor();
    await tile(photo).waitFor();
    // The tag above shows the photo too.
    await tree.getByRole('link', { name: 'Viagens' }).click();
    await tile(photo).waitFor();
    ids.tag = new URL(page.url()).searchParams.get('id')!;

    await tree.getByRole('link', { name: 'Porto à noite' }).click();
    await page.getByLabel('Tag name').fill('Ribeira');
    await page.getByLabel('Tag name').press('Enter');
    await tree.getByRole('link', { name: 'Ribeira' }).waitFor();
    expect((await send(ada, 'GET', `/assets/${photo}`)).body.tags.map((t: Json) => t.value)).toEqual(['Viagens/Ribeira']);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await shoot('tags');
    await page.setViewportSize({ width: 1280, height: 800 });

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete tag' }).click();
    await page.waitForURL(/\/tags\/$/);
    await tree.getByRole('link', { name: 'Viagens' }).waitFor();
    expect(await tree.getByRole('link', { name: 'Ribeira' }).count()).toBe(0);
    expect((await send(ada, 'GET', `/assets/${photo}`)).body.tags).toEqual([]);
  });

  it('reviews duplicates side by side: the larger copy is ticked, resolving trashes the other, keep-all dismisses', async () => {
    const lilac = await colourPhoto(150, 40, 170, 7, 640, 480);
    const big = await api.upload(ada, lilac, 'lila groß.jpg');
    const small = await api.upload(ada, await sharp(lilac).resize(320, 240).jpeg({ quality: 60 }).toBuffer(), 'lila klein.jpg');
    await waitFor(async () => {
      const groups = (await send(ada, 'GET', '/duplicates')).body as Json[];
      return groups.some((g) => g.assets.some((a: Json) => a.id === big) && g.assets.some((a: Json) => a.id === small)) ? true : undefined;
    }, 'the two copies to be found');
    await page.goto(`${origin}/duplicates/`);
    const group = page.getByRole('region').filter({ has: page.locator(`img[src*="${big}"]`) });
    const keep = (id: string) => group.locator('li', { has: page.locator(`img[src*="${id}"]`) }).getByRole('checkbox', { name: 'Keep' });
    await group.getByText('lila klein.jpg').waitFor();
    expect(await keep(big).isChecked()).toBe(true);
    expect(await keep(small).isChecked()).toBe(false);
    await shoot('duplicates');
    await group.getByRole('button', { name: 'Keep 1, trash 1' }).click();
    await page.getByRole('status').filter({ hasText: '1 photo moved to the trash.' }).waitFor();
    expect((await send(ada, 'GET', `/assets/${small}`)).body).toMatchObject({ isTrashed: true, duplicateId: null });
    expect((await send(ada, 'GET', `/assets/${big}`)).body).toMatchObject({ isTrashed: false, duplicateId: null });

    // Back from the trash and grouped again, then kept both.
    expect((await send(ada, 'POST', '/trash/restore/assets', { ids: [small] })).status).toBe(200);
    expect((await send(ada, 'PUT', '/assets', { ids: [big, small], duplicateId: crypto.randomUUID() })).status).toBe(204);
    await page.reload();
    await group.getByRole('button', { name: 'Keep all', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Kept them all' }).waitFor();
    await group.waitFor({ state: 'detached' });
    for (const id of [big, small]) expect((await send(ada, 'GET', `/assets/${id}`)).body).toMatchObject({ isTrashed: false, duplicateId: null });
  });

  it('rotates, crops and mirrors a photo in the viewer, keeping the original, and undoes it', async () => {
    const bytes = await colourPhoto(200, 150, 60, 8, 640, 480);
    const photo = await api.upload(ada, bytes, 'laranja.jpg');
    await page.goto(origin);
    await tile(photo).click();
    await page.keyboard.press('i');
    const panel = page.getByRole('region', { name: 'Edit' });
    const shown = page.locator('.viewer .stage img');
    const size = () => shown.evaluate((img: HTMLImageElement) => (img.complete ? `${img.naturalWidth}x${img.naturalHeight}` : ''));
    await panel.getByRole('button', { name: 'Rotate right' }).click();
    await panel.getByRole('status').filter({ hasText: 'Edited' }).waitFor();
    await expect.poll(size).toBe('480x640');
    expect((await send(ada, 'GET', `/assets/${photo}`)).body).toMatchObject({ isEdited: true, width: 480, height: 640 });
    await panel.getByLabel('Crop').selectOption({ label: 'Square' });
    await expect.poll(size, { timeout: 20_000 }).toBe('480x480');
    await shoot('edit-panel');
    expect((await send(ada, 'GET', `/assets/${photo}/edits`)).body.edits.map((e: Json) => e.action)).toEqual(['crop', 'rotate']);
    const original = await api.media(`/assets/${photo}/original`, ada.apiKey);
    expect(sha1Hex(original.bytes)).toBe(sha1Hex(bytes));
    await panel.getByRole('button', { name: 'Undo all edits' }).click();
    await panel.getByRole('status').filter({ hasText: 'Back to the original.' }).waitFor();
    await expect.poll(size, { timeout: 20_000 }).toBe('640x480');
    expect((await send(ada, 'GET', `/assets/${photo}`)).body.isEdited).toBe(false);
    await page.keyboard.press('Escape');
  });

  it('shows a stack as its primary with a count, and steps through it in the viewer', async () => {
    const raw = await api.upload(ada, await colourPhoto(60, 60, 160, 9), 'IMG_7001.jpg');
    const jpg = await api.upload(ada, await colourPhoto(60, 160, 160, 10), 'IMG_7001 (edited).jpg');
    const stack = (await send(ada, 'POST', '/stacks', { assetIds: [raw, jpg] })).body;
    await page.goto(origin);
    await tile(raw).waitFor();
    expect(await tile(raw).getAttribute('aria-label')).toMatch(/a stack of 2$/);
    expect(await tile(jpg).count()).toBe(0);
    await tile(raw).click();
    const strip = page.getByRole('group', { name: 'Stack of 2' });
    await strip.getByRole('button', { name: '2 of 2: IMG_7001 (edited).jpg' }).click();
    await page.locator(`.viewer .stage img[src*="${jpg}"]`).first().waitFor();
    expect(await strip.getByRole('button', { name: '2 of 2: IMG_7001 (edited).jpg' }).getAttribute('aria-pressed')).toBe('true');
    await shoot('stack-viewer');
    await page.keyboard.press('Escape');
    expect((await send(ada, 'DELETE', `/stacks/${stack.id}`)).status).toBe(204);
  });

  it('explores people, places and things before a search', async () => {
    // Immich's explore shows a place once there are five photos of it: four more near Arezzo.
    const arezzo = (await send(ada, 'GET', `/assets/${ids.nikon}`)).body.exifInfo;
    await insertSyntheticAssets(runtime.ports.db, ada.id, [1, 2, 3, 4].map((i) => ({ localDateTime: `2008-10-2${i}T10:00:00`, city: arezzo.city, latitude: arezzo.latitude, longitude: arezzo.longitude })));
    await page.goto(`${origin}/search/`);
    const people = page.getByRole('region', { name: 'People' });
    await people.getByRole('link', { name: 'Rosa' }).waitFor();
    const places = page.getByRole('region', { name: 'Places' });
    await places.getByRole('link', { name: 'Arezzo' }).waitFor();
    await shoot('explore');
    await places.getByRole('link', { name: 'Arezzo' }).click();
    await page.waitForURL(/\/map\/\?lat=43\.46/);
    await page.goto(`${origin}/search/`);
    await page.getByRole('region', { name: 'Things' }).getByRole('link', { name: 'Sunset' }).click();
    await page.waitForURL(/\/search\/\?q=sunset/);
    await page.getByRole('heading', { name: 'Results for “sunset”' }).waitFor();
  });

  it('names every control on every page, and keeps text readable in light and dark', async () => {
    const pages = ['/', '/search/', '/search/?q=red', '/people/', `/person/?id=${ids.rosa}`, '/map/', '/albums/', `/album/?id=${ids.album}`, '/tags/', `/tags/?id=${ids.tag}`, '/folders/', '/duplicates/', '/sharing/', '/partners/', '/favorites/', '/archive/', '/locked/', '/trash/', '/account/', '/admin/jobs/', '/admin/users/', '/admin/libraries/'];
    const interactive = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'slider', 'spinbutton', 'listbox', 'switch', 'menuitem']);
    const cdp = await page.context().newCDPSession(page);
    const unnamed: string[] = [];
    for (const route of pages) {
      await page.goto(`${origin}${route}`);
      await page.waitForLoadState('networkidle');
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string } }> };
      const controls = nodes.filter((n) => !n.ignored && interactive.has(n.role?.value ?? ''));
      expect(controls.length, `controls on ${route}`).toBeGreaterThan(10); // the menu alone has more
      for (const n of controls) if (!n.name?.value?.trim()) unnamed.push(`${route}: a ${n.role!.value} without a name`);
    }
    expect(unnamed).toEqual([]);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${origin}/albums/`);
      await page.getByRole('button', { name: 'Create album' }).waitFor();
      const ratios = await page.evaluate(() => {
        type Rgba = { r: number; g: number; b: number; a: number };
        // Computed colours come as rgb()/rgba() in 0–255, or color(srgb …) in 0–1 (color-mix).
        const parse = (css: string): Rgba => {
          const n = css.match(/[\d.]+/g)!.map(Number);
          const scale = css.startsWith('color(') ? 255 : 1;
          return { r: n[0]! * scale, g: n[1]! * scale, b: n[2]! * scale, a: n[3] ?? 1 };
        };
        const over = (top: Rgba, below: Rgba): Rgba => ({ r: top.r * top.a + below.r * (1 - top.a), g: top.g * top.a + below.g * (1 - top.a), b: top.b * top.a + below.b * (1 - top.a), a: 1 });
        const luminance = ({ r, g, b }: Rgba) => {
          const [lr, lg, lb] = [r, g, b].map((v) => {
            const c = v / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * lr! + 0.7152 * lg! + 0.0722 * lb!;
        };
        const pageBackground = parse(getComputedStyle(document.body).backgroundColor);
        const of = (selector: string) => {
          const element = document.querySelector(selector);
          if (!element) return null;
          const style = getComputedStyle(element);
          const background = over(parse(style.backgroundColor), pageBackground);
          const [a, b] = [luminance(over(parse(style.color), background)), luminance(background)].sort((x, y) => y - x);
          return Math.round(((a! + 0.05) / (b! + 0.05)) * 10) / 10;
        };
        const probe = document.createElement('span');
        probe.className = 'muted';
        probe.textContent = 'probe';
        document.querySelector('main')!.append(probe);
        return {
          text: of('body'),
          navigation: of('nav a:not([aria-current])'),
          current: of('nav a[aria-current="page"]'),
          muted: of('main .muted'),
          button: of('.button'),
          primary: of('.button.primary'),
        };
      });
      for (const [what, ratio] of Object.entries(ratios)) expect(ratio, `${what} in ${scheme}`).toBeGreaterThanOrEqual(4.5);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
