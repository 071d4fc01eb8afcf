import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourPhoto } from './media-samples.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { startHousehold, type Household } from './test-runtime.js';

type Json = Record<string, any>;

/**
 * /share/{key}, the address Immich's apps give out for a shared link: a page whose Open Graph
 * tags make the link's preview in a chat or a mail (title, count, the cover, fetchable with the
 * key alone), and that takes a person on to the shared page. A link behind a password, expired
 * or unknown previews as nothing in particular; what a link says is escaped.
 */
describe('the share page (/share/{key})', () => {
  let h: Household;
  let origin: string;
  const page = async (key: string) => {
    const response = await fetch(`${origin}/share/${key}`, { redirect: 'manual' });
    return { status: response.status, type: response.headers.get('content-type'), html: await response.text() };
  };
  const meta = (html: string, property: string) => new RegExp(`<meta property="${property}" content="([^"]*)">`).exec(html)?.[1];

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
    expect(meta(html, 'og:title')).toBe('Férias &#60;2024&#62; &#38; &#34;amigos&#34;');
    expect(html).not.toContain('<2024>');
    expect(meta(html, 'og:description')).toBe('2 shared photos &#38; videos');
    expect(html).toContain(`<meta http-equiv="refresh" content="0; url=/s/?key=${link.key}">`);
    const image = meta(html, 'og:image')!.replaceAll('&#38;', '&');
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
    expect(meta(html, 'og:description')).toBe('1 shared photo &#38; video');
    expect(meta(html, 'og:image')).toContain(`/api/assets/${photo}/thumbnail`);
  });

  it('tells nothing of a link behind a password, an expired one, or one that does not exist', async () => {
    const { api, ada } = h;
    const assetIds = await insertSyntheticAssets(h.runtime.ports.db, ada.id, [{ localDateTime: '2023-08-01T10:00:00' }]);
    const secret = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds, description: 'Secret trip', password: 'open sesame' } })).body;
    const expired = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds, description: 'Old trip', expiresAt: '2020-01-01T00:00:00Z' } })).body;
    for (const key of [secret.key, expired.key, 'no-such-key', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'x'.repeat(500)]) {
      const { status, html } = await page(key);
      expect(status, key).toBe(200);
      expect(meta(html, 'og:title'), key).toBe('Shoebox');
      expect(meta(html, 'og:image'), key).toBeUndefined();
      expect(html).not.toMatch(/Secret trip|Old trip|<script/);
    }
    // Immich's discovery document stays where the apps look for it.
    expect(await (await fetch(`${origin}/.well-known/immich`)).json()).toEqual({ api: { endpoint: '/api' } });
  });
});
