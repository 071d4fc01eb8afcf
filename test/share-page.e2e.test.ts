import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourPhoto } from './media-samples.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { startHousehold, type Household } from './test-runtime.js';

type Json = Record<string, any>;

/**
 * /share/{key}, the address Immich's apps give out for a shared link: a page whose Open Graph
 * tags make the link's preview in a chat or a mail (title, count, the cover, fetchable with the
 * key alone), and that takes a person on to the shared page, in Immich's words and markup. A
 * link behind a password or expired previews as nothing in particular, an unknown key is a 404
 * with no preview; what a link says is escaped. /s/{slug} is the same page for a link's slug.
 */
describe('the share page (/share/{key})', () => {
  let h: Household;
  let origin: string;
  const page = async (key: string) => {
    const response = await fetch(`${origin}/share/${key}`, { redirect: 'manual' });
    return { status: response.status, type: response.headers.get('content-type'), html: await response.text() };
  };
  const meta = (html: string, property: string) => new RegExp(`<meta property="${property}" content="([^"]*)" />`).exec(html)?.[1];

  beforeAll(async () => {
    h = await startHousehold('127.0.0.31');
    origin = `http://127.0.0.31:${h.runtime.port}`;
  });
  afterAll(() => h?.runtime.close());

  it('previews an album link with its name, count and cover, and leads on to the shared page', async () => {
    const { api, ada } = h;
    const photos = [await api.upload(ada, await colourPhoto(200, 120, 40, 1), 'praia.jpg'), await api.upload(ada, await colourPhoto(40, 120, 200, 2), 'mar.jpg')];
    const album = (await api.call<Json>('POST', '/albums', { key: ada.apiKey, body: { albumName: 'Férias <2024> & "amigos"', assetIds: photos } })).body;
    const link = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'ALBUM', albumId: album.id } })).body;
    const { status, type, html } = await page(link.key);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/html/);
    expect(meta(html, 'og:title')).toBe('Férias &lt;2024&gt; &amp; &quot;amigos&quot;');
    expect(html).not.toContain('<2024>');
    // Immich's exact tag, which its own tests look for.
    expect(html).toContain('<meta name="description" content="2 shared photos &amp; videos" />');
    expect(html).toContain(`<meta http-equiv="refresh" content="0; url=/s/?key=${link.key}" />`);
    const image = meta(html, 'og:image')!.replaceAll('&amp;', '&');
    expect(image).toBe(`${origin}/api/assets/${album.albumThumbnailAssetId}/thumbnail?size=preview&key=${link.key}`);
    // A chat app fetches the picture with nothing but the link's key.
    const picture = await fetch(image);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/jpeg');
  });

  it('previews a link of chosen photos by its description', async () => {
    const { api, ada } = h;
    const photo = await api.upload(ada, await colourPhoto(90, 200, 90, 3), 'jardim.jpg');
    const link = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds: [photo], description: 'O jardim da avó' } })).body;
    const { html } = await page(link.key);
    expect(meta(html, 'og:title')).toBe('O jardim da avó');
    expect(meta(html, 'og:description')).toBe('1 shared photos &amp; videos');
    expect(meta(html, 'og:image')).toContain(`/api/assets/${photo}/thumbnail`);
  });

  it('tells nothing of a link behind a password or an expired one, and answers 404 for one that does not exist', async () => {
    const { api, ada } = h;
    const assetIds = await insertSyntheticAssets(h.runtime.ports.db, ada.id, [{ localDateTime: '2023-08-01T10:00:00' }]);
    const secret = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds, description: 'Secret trip', password: 'open sesame' } })).body;
    const expired = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds, description: 'Old trip', expiresAt: '2020-01-01T00:00:00Z' } })).body;
    for (const key of [secret.key, expired.key]) {
      const { status, html } = await page(key);
      expect(status, key).toBe(200);
      expect(meta(html, 'og:title'), key).toBe('Shoebox');
      expect(meta(html, 'og:image'), key).toBeUndefined();
      expect(html).not.toMatch(/Secret trip|Old trip/);
    }
    for (const key of ['no-such-key', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'x'.repeat(500)]) {
      const { status, type, html } = await page(key);
      expect(status, key).toBe(404);
      expect(type).toMatch(/^text\/html/);
      expect(html).not.toMatch(/og:|<script/);
    }
    // Immich's discovery document stays where the apps look for it.
    expect(await (await fetch(`${origin}/.well-known/immich`)).json()).toEqual({ api: { endpoint: '/api' } });
  });

  it('opens a link by its slug: /s/{slug}, ?slug= on the API, one slug per link', async () => {
    const { api, ada, bea } = h;
    const photo = await api.upload(ada, await colourPhoto(200, 200, 40, 4), 'sol.jpg');
    // A slug is letters, digits, - and _: it is a path segment.
    const refused = await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds: [photo], slug: 'verão-não' } });
    expect(refused.status).toBe(400);
    const made = await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds: [photo], slug: 'summer-2024' } });
    expect(made.status).toBe(201);
    expect(made.body.slug).toBe('summer-2024');
    const taken = await api.call<Json>('POST', '/shared-links', { key: bea.apiKey, body: { type: 'INDIVIDUAL', assetIds: [await api.upload(bea, await colourPhoto(9, 9, 9, 5), 'b.jpg')], slug: 'summer-2024' } });
    expect(taken.status).toBe(400);
    expect(taken.body.message).toBe('Shared link with this slug already exists');

    const response = await fetch(`${origin}/s/summer-2024`, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<meta name="description" content="1 shared photos &amp; videos" />');
    expect((await fetch(`${origin}/s/no-such-slug`)).status).toBe(404);
    // The web app's own page at /s/ is still the site's.
    expect((await fetch(`${origin}/s/`)).status).toBe(200);

    const me = await api.call<Json>('GET', '/shared-links/me?slug=summer-2024');
    expect(me.status).toBe(200);
    expect(me.body.assets.map((a: Json) => a.id)).toEqual([photo]);
    expect((await api.call('GET', `/assets/${photo}/thumbnail?slug=summer-2024`)).status).toBe(200);
    expect((await api.call('GET', '/shared-links/me?slug=other')).status).toBe(401);
    const cleared = await api.call<Json>('PATCH', `/shared-links/${made.body.id}`, { key: ada.apiKey, body: { slug: null } });
    expect(cleared.body.slug).toBeNull();
    expect((await fetch(`${origin}/s/summer-2024`)).status).toBe(404);
  });

  it('keeps managing links to their owner, in Immich’s words, and closes a deleted user’s links', async () => {
    const { api, ada, bea } = h;
    const photo = await api.upload(ada, await colourPhoto(10, 200, 10, 6), 'folha.jpg');
    const album = (await api.call<Json>('POST', '/albums', { key: ada.apiKey, body: { albumName: 'Folhas' } })).body;
    const albumLink = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'ALBUM', albumId: album.id } })).body;
    const assetLink = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds: [photo] } })).body;
    const asAda = (method: string, path: string, body?: unknown) => api.call<Json>(method, path, { key: ada.apiKey, body });
    // No body at all, where fields are required: Immich's validation error.
    const bare = await fetch(`${origin}/api/shared-links`, { method: 'POST', headers: { 'x-api-key': ada.apiKey } });
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({ message: 'Validation failed', errors: [{ path: [], message: 'Invalid input: expected object, received undefined' }] });
    expect((await asAda('POST', '/shared-links', { type: 'ALBUM' })).body).toEqual({ message: 'Invalid albumId' });
    expect((await asAda('POST', '/shared-links', { type: 'INDIVIDUAL', assetId: photo })).body).toEqual({ message: 'Invalid assetIds' });
    expect((await asAda('PUT', `/shared-links/${albumLink.id}/assets`, { assetIds: [photo] })).body).toEqual({ message: 'Invalid shared link type' });
    expect((await api.call<Json>('GET', `/shared-links/${albumLink.id}`, { key: bea.apiKey })).body).toEqual({ message: 'Shared link not found' });
    // The list shows an individual link's assets, an album link's album.
    const listed = (await asAda('GET', '/shared-links')).body as unknown as Json[];
    expect(listed.find((l) => l.id === assetLink.id)!.assets.map((a: Json) => a.id)).toEqual([photo]);
    expect(listed.find((l) => l.id === albumLink.id)!.album.id).toBe(album.id);
    // A holder of the link may not manage it; a signed-in user without a link has no /me.
    expect((await api.call('DELETE', `/shared-links/${assetLink.id}/assets?key=${assetLink.key}`, { body: { assetIds: [photo] } })).status).toBe(403);
    expect((await api.call('GET', '/shared-links/me', { key: bea.apiKey })).status).toBe(403);
    expect((await api.call('GET', '/shared-links/me')).status).toBe(401);

    // Once Dan is deleted, his links open nowhere.
    const dan = await api.createUser(ada, 'dan.share@example.com');
    const danPhoto = await api.upload(dan, await colourPhoto(200, 10, 10, 7), 'dan.jpg');
    const danLink = (await api.call<Json>('POST', '/shared-links', { key: dan.apiKey, body: { type: 'INDIVIDUAL', assetIds: [danPhoto] } })).body;
    expect((await api.call('GET', `/shared-links/me?key=${danLink.key}`)).status).toBe(200);
    expect((await asAda('DELETE', `/admin/users/${dan.id}`, {})).status).toBe(200);
    expect(await api.call('GET', `/shared-links/me?key=${danLink.key}`)).toMatchObject({ status: 401, body: { message: 'Invalid share key' } });
    expect((await api.call('GET', `/assets/${danPhoto}/thumbnail?key=${danLink.key}`)).status).toBe(401);
    expect((await fetch(`${origin}/share/${danLink.key}`)).status).toBe(404);
  });
});
