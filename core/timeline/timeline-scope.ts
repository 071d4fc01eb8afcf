import { albumRole, COUNTED_FOR_OTHERS, COUNTED_FOR_PARTNERS, LISTED_TO_OTHERS, LISTED_TO_PARTNERS, partnerIds, requireUnlocked, type Requester } from '../access/access.js';
import { BadRequest } from '../errors.js';
import type { Queryable } from '../ports/database.js';
import type { AssetVisibility } from '../assets/asset.js';
import { taggedWith } from '../tags/tags.js';

/**
 * Which assets a timeline (or the map) shows, as a SQL condition on `assets a`. The
 * timeline, its buckets and the map markers all ask the same question, so they share it.
 * When the filter only involves owner, visibility, favourite, trash and type, the same
 * condition is also given over `asset_month_counts c`, the trigger-kept month counts.
 */
export interface TimelineFilter {
  albumId?: string;
  /** One library: the requester's own or a partner's. */
  userId?: string;
  withPartners?: boolean;
  /** Assets in albums shared with the requester (the map's "shared albums" switch). */
  withSharedAlbums?: boolean;
  isFavorite?: boolean;
  isTrashed?: boolean;
  visibility?: AssetVisibility;
  /** Archived assets too (the map's switch); ignored when `visibility` is set. */
  withArchived?: boolean;
  takenAfter?: Date;
  takenBefore?: Date;
  type?: 'IMAGE' | 'VIDEO';
  city?: string;
  state?: string;
  country?: string;
  make?: string;
  model?: string;
  /** Assets showing every one of these people (the requester's). */
  personIds?: string[];
  /** Assets carrying each of these tags (the requester's) or a tag under it. */
  tagIds?: string[];
  /** A stack shows as its primary asset alone (Immich's withStacked). */
  withStacked?: boolean;
}

export interface ScopeSql {
  where: string;
  /** The same condition over `asset_month_counts c`, when it can be answered there. */
  countsWhere: string | undefined;
  params: unknown[];
  /** The owners whose whole libraries are in scope (cache keys); undefined for albums and links. */
  owners: string[] | undefined;
}

/** A condition over assets, and (when it has one) its twin over the month counts; '?' are parameters. */
type Clause = [assets: string, counts: string | null, ...values: unknown[]];

export async function timelineScope(db: Queryable, who: Requester, f: TimelineFilter): Promise<ScopeSql> {
  const clauses: Clause[] = [];
  let owners: string[] | undefined;
  if (f.visibility === 'locked') requireUnlocked(who);

  // A link shows its own content; asking it for someone's library is asking for too much.
  if (who.sharedLink && (f.userId || f.withPartners || f.withSharedAlbums)) throw new BadRequest('Not found or no timeline.read access');
  const albumId = f.albumId ?? who.sharedLink?.albumId ?? undefined;
  if (albumId) {
    if (!(await albumRole(db, who, albumId))) throw new BadRequest('Not found or no album.read access');
    clauses.push(['a.id IN (SELECT aa.asset_id FROM album_assets aa WHERE aa.album_id = ?)', null, albumId]);
    // An album or a link never lists trashed, locked or hidden assets, whatever the filter asks.
    clauses.push([LISTED_TO_OTHERS, null]);
  } else if (who.sharedLink) {
    clauses.push(['a.id IN (SELECT s.asset_id FROM shared_link_assets s WHERE s.shared_link_id = ?)', null, who.sharedLink.id]);
    clauses.push([LISTED_TO_OTHERS, null]);
  } else {
    const me = who.user.id;
    if (f.withPartners && (f.isFavorite !== undefined || f.isTrashed || (f.visibility && f.visibility !== 'timeline'))) {
      throw new BadRequest('withPartners cannot be combined with isFavorite, isTrashed or another visibility than timeline');
    }
    if (f.userId && f.userId !== me) {
      if (!(await partnerIds(db, me, false)).includes(f.userId)) throw new BadRequest('Not found or no timeline.read access');
      owners = [f.userId];
    } else {
      owners = [me, ...(f.withPartners ? await partnerIds(db, me, true) : [])];
    }
    // Others' trashed, locked and hidden assets are never shown, whatever the filter says; of a
    // partner's library only its timeline (archived is the owner's own, as in Immich), of an
    // album what albums show.
    if (f.withSharedAlbums) {
      const inMyAlbums = `a.id IN (SELECT aa.asset_id FROM album_assets aa JOIN albums al ON al.id = aa.album_id
           WHERE al.owner_id = ? OR EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = al.id AND au.user_id = ?))`;
      clauses.push([
        `(a.owner_id = ? OR (a.owner_id = ANY(?::uuid[]) AND ${LISTED_TO_PARTNERS}) OR (${inMyAlbums} AND ${LISTED_TO_OTHERS}))`,
        null,
        me,
        owners,
        me,
        me,
      ]);
      // Not a whole library: no month counts to key by owner.
      owners = undefined;
    } else {
      clauses.push(['a.owner_id = ANY(?::uuid[])', 'c.owner_id = ANY(?::uuid[])', owners]);
      if (owners.length > 1 || owners[0] !== me) {
        clauses.push([`(a.owner_id = ? OR ${LISTED_TO_PARTNERS})`, `(c.owner_id = ? OR ${COUNTED_FOR_PARTNERS})`, me]);
      }
    }
  }

  clauses.push(["a.status <> 'uploading'", 'true']);
  clauses.push(f.isTrashed ? ['a.deleted_at IS NOT NULL', 'c.is_trashed'] : ['a.deleted_at IS NULL', 'NOT c.is_trashed']);
  if (f.visibility) clauses.push(['a.visibility = ?', 'c.visibility = ?', f.visibility]);
  else if (!albumId && !who.sharedLink && !f.isTrashed && !f.withArchived) clauses.push([`a.visibility = 'timeline'`, `c.visibility = 'timeline'`]);
  else clauses.push([`a.visibility IN ('timeline', 'archive')`, `c.visibility IN ('timeline', 'archive')`]);
  if (f.isFavorite !== undefined) clauses.push(['a.is_favorite = ?', 'c.is_favorite = ?', f.isFavorite]);
  if (f.type) clauses.push(['a.type = ?', 'c.type = ?', f.type]);
  if (f.takenAfter) clauses.push(['a.taken_at >= ?', null, f.takenAfter]);
  if (f.takenBefore) clauses.push(['a.taken_at <= ?', null, f.takenBefore]);
  for (const column of ['city', 'state', 'country', 'make', 'model'] as const) {
    const value = f[column];
    if (value) clauses.push([`EXISTS (SELECT 1 FROM asset_exif x WHERE x.asset_id = a.id AND lower(x.${column}) = lower(?))`, null, value]);
  }
  if (f.withStacked) clauses.push(['(a.stack_id IS NULL OR a.id = (SELECT s.primary_asset_id FROM stacks s WHERE s.id = a.stack_id))', null]);
  for (const personId of f.personIds ?? []) {
    clauses.push(['EXISTS (SELECT 1 FROM asset_faces f JOIN people p ON p.id = f.person_id WHERE f.asset_id = a.id AND p.id = ? AND p.owner_id = ?)', null, personId, who.user.id]);
  }
  for (const tagId of f.tagIds ?? []) clauses.push([taggedWith('?', '?'), null, tagId, who.user.id]);
  return render(clauses, owners);
}

function render(clauses: Clause[], owners: string[] | undefined): ScopeSql {
  const params: unknown[] = [];
  const assets: string[] = [];
  const counts: string[] = [];
  for (const [onAssets, onCounts, ...values] of clauses) {
    const numbers = values.map((value) => {
      params.push(value);
      return `$${params.length}`;
    });
    const fill = (text: string) => numbers.reduce((sql, n) => sql.replace('?', n), text);
    assets.push(fill(onAssets));
    counts.push(onCounts === null ? '' : fill(onCounts));
  }
  return { where: assets.join(' AND '), countsWhere: counts.includes('') ? undefined : counts.join(' AND '), params, owners };
}
