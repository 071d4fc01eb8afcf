import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { startHousehold, waitFor, type Household, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
type Rgb = [number, number, number];

/** 640 × 480: the left half red, the right half blue — where each half ends up shows what an edit did. */
const halves = () => {
  const pixels = Buffer.alloc(640 * 480 * 3);
  for (let i = 0; i < 640 * 480; i++) pixels.set((i % 640) < 320 ? [220, 20, 20] : [20, 20, 220], i * 3);
  return sharp(pixels, { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
};
const isRed = ([r, , b]: Rgb) => r > 150 && b < 90;
const isBlue = ([r, , b]: Rgb) => b > 150 && r < 90;

/**
 * Non-destructive edits as Immich's API has them (/assets/{id}/edits): crop, rotate and mirror
 * kept as data, the thumbnails made again with them — the original's bytes never change — and
 * removed to get the original back. Only the owner edits; every bad edit is refused whole.
 */
describe('picture edits (crop, rotate, mirror)', () => {
  let h: Household;
  let photo: string;
  let original: Buffer;
  const send = (user: TestUser | undefined, method: string, route: string, body?: unknown) => h.api.call<Json>(method, route, { key: user?.apiKey, body });
  /** The preview once the thumbnail stage has made it at this size: its size and the colours at its edges. */
  const thumbnailsMadeAt = async () =>
    (await h.runtime.ports.db.query(`SELECT updated_at AS at FROM asset_job_status WHERE asset_id = $1 AND stage = 'thumbnail'`, [photo])).rows[0]?.at as Date;
  let lastMade: Date;
  const previewOf = async (width: number, height: number) => {
    await waitFor(async () => {
      if ((await thumbnailsMadeAt()) <= lastMade) return undefined;
      const { body } = await send(h.ada, 'GET', `/assets/${photo}`);
      return body.width === width && body.height === height ? true : undefined;
    }, `a ${width}×${height} preview`);
    const { bytes } = await h.api.media(`/assets/${photo}/thumbnail?size=preview`, h.ada.apiKey);
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number): Rgb => {
      const i = (Math.round(y * (info.height - 1)) * info.width + Math.round(x * (info.width - 1))) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    };
    return { width: info.width, height: info.height, left: at(0.05, 0.5), right: at(0.95, 0.5), top: at(0.5, 0.05), bottom: at(0.5, 0.95) };
  };
  const edit = async (edits: unknown) => {
    lastMade = await thumbnailsMadeAt();
    return send(h.ada, 'PUT', `/assets/${photo}/edits`, { edits });
  };

  beforeAll(async () => {
    h = await startHousehold('127.0.0.32', [['ada', 'bea']]);
    original = await halves();
    photo = await h.api.upload(h.ada, original, 'metade.jpg');
  });
  afterAll(() => h?.runtime.close());

  it('crops, rotates and mirrors the thumbnails, never the original, and goes back to it', async () => {
    const cropped = await edit([{ action: 'crop', parameters: { x: 0, y: 0, width: 320, height: 480 } }]);
    expect(cropped.status).toBe(200);
    expect(immichShapeProblems(cropped.body, 'AssetEditsResponseDto')).toEqual([]);
    expect(cropped.body).toEqual({ assetId: photo, edits: [{ id: expect.any(String), action: 'crop', parameters: { x: 0, y: 0, width: 320, height: 480 } }] });
    const red = await previewOf(320, 480);
    expect([red.left, red.right].every(isRed)).toBe(true);
    expect((await send(h.ada, 'GET', `/assets/${photo}`)).body.isEdited).toBe(true);

    // A quarter turn clockwise: the left (red) half comes out on top.
    await edit([{ action: 'rotate', parameters: { angle: 90 } }]);
    const turned = await previewOf(480, 640);
    expect(isRed(turned.top) && isBlue(turned.bottom)).toBe(true);
    // Crops stay measured in the original's pixels while the asset says the edited size.
    expect((await send(h.ada, 'GET', `/assets/${photo}/edits`)).body).toMatchObject({ originalWidth: 640, originalHeight: 480 });

    // Mirrored left to right, then the crop keeps the original's left half: blue.
    await edit([{ action: 'crop', parameters: { x: 320, y: 0, width: 320, height: 480 } }, { action: 'mirror', parameters: { axis: 'horizontal' } }]);
    const blue = await previewOf(320, 480);
    expect([blue.left, blue.right].every(isBlue)).toBe(true);
    await edit([{ action: 'mirror', parameters: { axis: 'horizontal' } }]);
    const mirrored = await previewOf(640, 480);
    expect(isBlue(mirrored.left) && isRed(mirrored.right)).toBe(true);
    expect((await send(h.bea, 'GET', `/assets/${photo}/edits`)).body.edits.map((e: Json) => e.action)).toEqual(['mirror']); // a partner sees them

    const bytes = (await h.api.media(`/assets/${photo}/original`, h.ada.apiKey)).bytes;
    expect(createHash('sha1').update(bytes).digest('hex')).toBe(createHash('sha1').update(original).digest('hex'));

    lastMade = await thumbnailsMadeAt();
    expect((await send(h.ada, 'DELETE', `/assets/${photo}/edits`)).status).toBe(204);
    const back = await previewOf(640, 480);
    expect(isRed(back.left) && isBlue(back.right)).toBe(true);
    expect((await send(h.ada, 'GET', `/assets/${photo}`)).body.isEdited).toBe(false);
    expect((await send(h.ada, 'GET', `/assets/${photo}/edits`)).body).toEqual({ assetId: photo, edits: [], originalWidth: 640, originalHeight: 480 });
  });

  it('refuses every bad edit whole, and anyone but the owner', async () => {
    const [video] = await insertSyntheticAssets(h.runtime.ports.db, h.ada.id, [{ localDateTime: '2024-01-01T10:00:00', type: 'VIDEO' }]);
    const limited = (await send(h.ada, 'POST', '/api-keys', { name: 'read', permissions: ['asset.read'] })).body.secret as string;
    const crop = { action: 'crop', parameters: { x: 0, y: 0, width: 100, height: 100 } };
    const refused: Array<[string | undefined, string, unknown, number, RegExp?]> = [
      [h.ada.apiKey, photo, [{ action: 'crop', parameters: { x: 600, y: 0, width: 100, height: 100 } }], 400, /out of bounds/],
      [h.ada.apiKey, photo, [{ action: 'rotate', parameters: { angle: 90 } }, crop], 400, /Crop action must be the first/],
      [h.ada.apiKey, photo, [crop, crop], 400, /Duplicate edit actions/],
      [h.ada.apiKey, photo, [{ action: 'rotate', parameters: { angle: 45 } }], 400],
      [h.ada.apiKey, photo, [{ action: 'blur', parameters: {} }], 400],
      [h.ada.apiKey, photo, [{ action: 'crop', parameters: { x: -1, y: 0, width: 10, height: 10 } }], 400],
      [h.ada.apiKey, photo, [{ action: 'mirror', parameters: { axis: 'diagonal' } }], 400],
      [h.ada.apiKey, photo, [], 400],
      [h.ada.apiKey, photo, 'crop', 400],
      [h.ada.apiKey, video!, [crop], 400, /Only images can be edited/],
      [h.bea.apiKey, photo, [crop], 400], // a partner sees it, may not change it
      [limited, photo, [crop], 403],
      [undefined, photo, [crop], 401],
      [h.ada.apiKey, 'not-a-uuid', [crop], 400],
    ];
    for (const [key, id, edits, status, message] of refused) {
      const answer = await h.api.call<Json>('PUT', `/assets/${id}/edits`, { key, body: { edits } });
      expect(answer.status, JSON.stringify(edits)).toBe(status);
      if (message) expect([answer.body.message, ...(answer.body.errors ?? []).map((e: Json) => e.message)].join(' · ')).toMatch(message);
    }
    expect((await send(h.bea, 'DELETE', `/assets/${photo}/edits`)).status).toBe(400);
    expect((await send(h.ada, 'GET', `/assets/${photo}/edits`)).body.edits).toEqual([]);
    expect((await send(h.ada, 'GET', `/assets/${photo}`)).body).toMatchObject({ isEdited: false, width: 640, height: 480 });
  });
});
