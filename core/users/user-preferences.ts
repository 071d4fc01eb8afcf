import { z } from 'zod';
import type { Queryable } from '../ports/database.js';

/** Immich's avatar colours (@immich/sdk `UserAvatarColor`). */
export const AVATAR_COLORS = ['primary', 'pink', 'red', 'yellow', 'blue', 'green', 'purple', 'orange', 'gray', 'amber'] as const;

const GiB = 1024 ** 3;

/** Immich's defaults (server/src/utils/preferences.ts), section by section. */
export function defaultPreferences() {
  return {
    albums: { defaultAssetOrder: 'desc' as 'asc' | 'desc' },
    folders: { enabled: false, sidebarWeb: false },
    memories: { enabled: true, duration: 5, sidebarWeb: false },
    people: { enabled: true, sidebarWeb: false, minimumFaces: 3 },
    sharedLinks: { enabled: true, sidebarWeb: false },
    ratings: { enabled: false },
    tags: { enabled: false, sidebarWeb: false },
    emailNotifications: { enabled: true, albumInvite: true, albumUpdate: true },
    download: { archiveSize: 4 * GiB, includeEmbeddedVideos: false },
    purchase: { showSupportBadge: true, hideBuyButtonUntil: new Date(Date.UTC(2022, 1, 12)).toISOString() },
    cast: { gCastEnabled: true },
    recentlyAdded: { sidebarWeb: false },
  };
}
export type UserPreferences = ReturnType<typeof defaultPreferences>;

const flag = z.boolean().optional();
/** Immich's `UserPreferencesUpdateDto`: every section and field optional; `avatar.color` changes the user itself. */
export const UserPreferencesUpdate = z.strictObject({
  albums: z.strictObject({ defaultAssetOrder: z.enum(['asc', 'desc']).optional() }).optional(),
  avatar: z.strictObject({ color: z.enum(AVATAR_COLORS).optional() }).optional(),
  cast: z.strictObject({ gCastEnabled: flag }).optional(),
  download: z.strictObject({ archiveSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(), includeEmbeddedVideos: flag }).optional(),
  emailNotifications: z.strictObject({ enabled: flag, albumInvite: flag, albumUpdate: flag }).optional(),
  folders: z.strictObject({ enabled: flag, sidebarWeb: flag }).optional(),
  memories: z.strictObject({ enabled: flag, duration: z.number().int().min(1).max(3600).optional(), sidebarWeb: flag }).optional(),
  people: z.strictObject({ enabled: flag, sidebarWeb: flag, minimumFaces: z.number().int().min(1).max(1000).optional() }).optional(),
  purchase: z.strictObject({ showSupportBadge: flag, hideBuyButtonUntil: z.iso.datetime({ offset: true }).optional() }).optional(),
  ratings: z.strictObject({ enabled: flag }).optional(),
  recentlyAdded: z.strictObject({ sidebarWeb: flag }).optional(),
  sharedLinks: z.strictObject({ enabled: flag, sidebarWeb: flag }).optional(),
  tags: z.strictObject({ enabled: flag, sidebarWeb: flag }).optional(),
});
export type UserPreferencesUpdate = z.infer<typeof UserPreferencesUpdate>;

type Changes = Partial<Record<keyof UserPreferences, Record<string, unknown>>>;

/** The defaults with what the user changed laid over them, section by section (unknown keys dropped). */
export function effectivePreferences(stored: Changes): UserPreferences {
  const preferences = defaultPreferences();
  for (const [section, values] of Object.entries(preferences) as [keyof UserPreferences, Record<string, unknown>][]) {
    const changed = stored[section];
    if (!changed || typeof changed !== 'object') continue;
    for (const key of Object.keys(values)) if (key in changed) values[key] = changed[key];
  }
  return preferences;
}

export async function readPreferences(db: Queryable, userId: string): Promise<UserPreferences> {
  const { rows } = await db.query<{ preferences: Changes }>('SELECT preferences FROM users WHERE id = $1', [userId]);
  return effectivePreferences(rows[0]?.preferences ?? {});
}

/** Records the changes (merged per section into what was stored) and answers the result. */
export async function updatePreferences(db: Queryable, userId: string, update: UserPreferencesUpdate): Promise<UserPreferences> {
  const { avatar, ...sections } = update;
  const { rows } = await db.query<{ preferences: Changes }>(
    // Each section sent is merged into the stored one; `||` at the top then replaces those sections.
    `UPDATE users SET preferences = preferences || coalesce(
       (SELECT jsonb_object_agg(key, coalesce(preferences -> key, '{}'::jsonb) || value) FROM jsonb_each($2::jsonb)), '{}'::jsonb),
       avatar_color = coalesce($3, avatar_color),
       profile_changed_at = CASE WHEN $3::text IS NULL THEN profile_changed_at ELSE now() END,
       updated_at = now()
     WHERE id = $1 RETURNING preferences`,
    [userId, JSON.stringify(sections), avatar?.color ?? null],
  );
  return effectivePreferences(rows[0]?.preferences ?? {});
}
