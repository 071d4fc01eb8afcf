import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { z } from 'zod';
import { BadRequest } from '../errors.js';
import { classifyDecodeError, type RawImage, type UprightImage } from '../media/render-thumbnails.js';
import { transaction, type Database, type Queryable } from '../ports/database.js';
import type { Asset } from './asset.js';

/**
 * Non-destructive edits of a picture, as Immich keeps them (/assets/{id}/edits): crop, rotate
 * and mirror as data, applied in order when the thumbnails are rendered. The original is never
 * written; removing the edits renders it as it was.
 */
const Crop = z.strictObject({ x: z.number().int().min(0), y: z.number().int().min(0), width: z.number().int().min(1), height: z.number().int().min(1) });
const Rotate = z.strictObject({ angle: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]) });
const Mirror = z.strictObject({ axis: z.enum(['horizontal', 'vertical']) });

/** Immich's AssetEditActionItemDto. */
export const PictureEdit = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('crop'), parameters: Crop }),
  z.strictObject({ action: z.literal('rotate'), parameters: Rotate }),
  z.strictObject({ action: z.literal('mirror'), parameters: Mirror }),
]);
export type PictureEdit = z.infer<typeof PictureEdit>;

/** Immich's AssetEditsCreateDto: each action once (a mirror once per axis). */
export const PictureEdits = z.object({
  edits: z
    .array(PictureEdit)
    .min(1)
    .max(10)
    .refine((edits) => new Set(edits.map((e) => (e.action === 'mirror' ? `mirror-${e.parameters.axis}` : e.action))).size === edits.length, 'Duplicate edit actions are not allowed'),
});

export type SavedPictureEdit = PictureEdit & { id: string };

/** Why these edits cannot be made to this asset (Immich's messages), or undefined. */
export function editProblem(asset: Asset, edits: readonly PictureEdit[]): string | undefined {
  if (asset.type !== 'IMAGE') return 'Only images can be edited';
  if (asset.livePhotoVideoId) return 'Editing live photos is not supported';
  if (/^image\/(gif|svg\+xml)$/.test(asset.originalMimeType ?? '')) return `Editing ${asset.originalMimeType === 'image/gif' ? 'GIF' : 'SVG'} images is not supported`;
  const width = asset.originalWidth ?? asset.width;
  const height = asset.originalHeight ?? asset.height;
  if (!width || !height) return 'Asset dimensions are not available for editing';
  const crop = edits.findIndex((e) => e.action === 'crop');
  if (crop > 0) return 'Crop action must be the first edit action';
  if (crop === 0) {
    const { x, y, width: w, height: h } = (edits[0] as Extract<PictureEdit, { action: 'crop' }>).parameters;
    if (x + w > width || y + h > height) return 'Crop parameters are out of bounds';
  }
  return undefined;
}

export async function readPictureEdits(db: Queryable, assetId: string): Promise<SavedPictureEdit[]> {
  const { rows } = await db.query<SavedPictureEdit>('SELECT id, action, parameters FROM asset_edits WHERE asset_id = $1 ORDER BY sequence', [assetId]);
  return rows;
}

/**
 * Replaces an asset's edits (none: back to the original). The thumbnails follow when the
 * thumbnail stage runs again (the caller queues it); until then the old ones show.
 */
export async function replacePictureEdits(db: Database, assetId: string, edits: readonly PictureEdit[]): Promise<SavedPictureEdit[]> {
  return transaction(db, async (tx) => {
    await tx.query('DELETE FROM asset_edits WHERE asset_id = $1', [assetId]);
    const { rows } = await tx.query<SavedPictureEdit>(
      `INSERT INTO asset_edits (asset_id, sequence, action, parameters)
       SELECT $1, n, e ->> 'action', e -> 'parameters' FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS i (e, n)
       RETURNING id, action, parameters`,
      [assetId, JSON.stringify(edits)],
    );
    await tx.query(
      `UPDATE assets SET is_edited = $2, updated_at = now(),
         width = CASE WHEN $2 THEN width ELSE coalesce(original_width, width) END,
         height = CASE WHEN $2 THEN height ELSE coalesce(original_height, height) END,
         original_width = CASE WHEN $2 THEN coalesce(original_width, width) END,
         original_height = CASE WHEN $2 THEN coalesce(original_height, height) END
       WHERE id = $1`,
      [assetId, edits.length > 0],
    );
    return rows;
  });
}

/** The decoded original with the edits applied, upright, as pixels for renderThumbnails. */
export async function applyPictureEdits(input: Buffer | Readable | RawImage | UprightImage, edits: readonly PictureEdit[], maxPixels: number): Promise<RawImage> {
  const options = { limitInputPixels: maxPixels, failOn: 'error' } as const;
  try {
    let image =
      Buffer.isBuffer(input) ? sharp(input, options).autoOrient()
      : 'pixels' in input ? sharp(input.pixels, { ...options, raw: { width: input.width, height: input.height, channels: input.channels } })
      : 'upright' in input ? sharp(input.upright, options)
      : input.pipe(sharp(options)).autoOrient();
    // One operation per pass: sharp reorders operations within one pipeline.
    for (const edit of edits) {
      if (edit.action === 'crop') image = image.extract({ left: edit.parameters.x, top: edit.parameters.y, width: edit.parameters.width, height: edit.parameters.height });
      else if (edit.action === 'rotate') image = image.rotate(edit.parameters.angle);
      else image = edit.parameters.axis === 'horizontal' ? image.flop() : image.flip();
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      image = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 3 | 4 } });
    }
    // Grey pictures come out as RGB: the renderer takes three or four channels.
    const { data, info } = await image.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { pixels: data, width: info.width, height: info.height, channels: info.channels === 4 ? 4 : 3 };
  } catch (error) {
    throw classifyDecodeError(error);
  }
}
