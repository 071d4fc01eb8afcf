import { z } from 'zod';

const Timestamp = z.object({ timestamp: z.string().regex(/^\d+$/) });
const Geo = z.object({ latitude: z.number(), longitude: z.number(), altitude: z.number().optional() });

/** A Takeout JSON sidecar, as much of it as Shoebox uses. */
export const TakeoutSidecar = z.object({
  title: z.string().optional(),
  description: z.string().optional(),
  photoTakenTime: Timestamp.optional(),
  creationTime: Timestamp.optional(),
  geoData: Geo.optional(),
  geoDataExif: Geo.optional(),
  favorited: z.boolean().optional(),
  archived: z.boolean().optional(),
  trashed: z.boolean().optional(),
});
export type TakeoutSidecar = z.infer<typeof TakeoutSidecar>;

/** What the import applies to an asset. */
export interface TakeoutMetadata {
  takenAt: Date | undefined;
  latitude: number | undefined;
  longitude: number | undefined;
  description: string | undefined;
  isFavorite: boolean;
  isArchived: boolean;
  isTrashed: boolean;
}

export function readTakeoutSidecar(json: string): TakeoutMetadata {
  const sidecar = TakeoutSidecar.parse(JSON.parse(json));
  // geoData is where Google Photos put the photo (maybe moved by hand); geoDataExif is the
  // camera's. Takeout writes 0,0 for "none".
  const geo = [sidecar.geoData, sidecar.geoDataExif].find((g) => g && !(g.latitude === 0 && g.longitude === 0));
  const taken = sidecar.photoTakenTime ?? sidecar.creationTime;
  return {
    takenAt: taken ? new Date(Number(taken.timestamp) * 1000) : undefined,
    latitude: geo?.latitude,
    longitude: geo?.longitude,
    description: sidecar.description?.trim() || undefined,
    isFavorite: sidecar.favorited ?? false,
    isArchived: sidecar.archived ?? false,
    isTrashed: sidecar.trashed ?? false,
  };
}
