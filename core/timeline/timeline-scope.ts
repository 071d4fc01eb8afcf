import { albumRole, partnerIds, type Requester } from '../access/access.js';
import { BadRequest } from '../errors.js';
import type { Queryable } from '../ports/database.js';
import type { AssetVisibility } from '../assets/asset.js';

/**
 * Which assets a timeline (or the map) shows, as a SQL condition on `assets a`. The
 * timeline, its buckets and the map markers all ask the same question, so they share it.
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
}

export interface ScopeSql {
  where: string;
  params: unknown[];
}

export async function timelineScope(db: Queryable, who: Requester, f: TimelineFilter): Promise<ScopeSql> {
  const params: unknown[] = [];
  const where: string[] = ["a.status <> 'uploading'"];
  const add = (clause: string, ...values: unknown[]) => {
    let text = clause;
    for (const value of values) {
      params.push(value);
      text = text.replace('?', `$${params.length}`);
    }
    where.push(text);
  };

  // A link shows its own content; asking it for someone's library is asking for too much.
  if (who.sharedLink && (f.userId || f.withPartners || f.withSharedAlbums)) throw new BadRequest('Not found or no timeline.read access');
  const albumId = f.albumId ?? who.sharedLink?.albumId ?? undefined;
  if (albumId) {
    if (!(await albumRole(db, who, albumId))) throw new BadRequest('Not found or no album.read access');
    add('a.id IN (SELECT aa.asset_id FROM album_assets aa WHERE aa.album_id = ?)', albumId);
  } else if (who.sharedLink) {
    add('a.id IN (SELECT s.asset_id FROM shared_link_assets s WHERE s.shared_link_id = ?)', who.sharedLink.id);
  } else {
    const me = who.user.id;
    if (f.withPartners && (f.isFavorite !== undefined || f.isTrashed || (f.visibility && f.visibility !== 'timeline'))) {
      throw new BadRequest('withPartners cannot be combined with isFavorite, isTrashed or another visibility than timeline');
    }
    let owners: string[];
    if (f.userId && f.userId !== me) {
      if (!(await partnerIds(db, me, false)).includes(f.userId)) throw new BadRequest('Not found or no timeline.read access');
      owners = [f.userId];
    } else {
      owners = [me, ...(f.withPartners ? await partnerIds(db, me, true) : [])];
    }
    const ownerClause = 'a.owner_id = ANY(?::uuid[])';
    if (f.withSharedAlbums) {
      add(
        `(${ownerClause} OR a.id IN (SELECT aa.asset_id FROM album_assets aa JOIN albums al ON al.id = aa.album_id
           WHERE al.owner_id = ? OR EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = al.id AND au.user_id = ?)))`,
        owners,
        me,
        me,
      );
    } else {
      add(ownerClause, owners);
    }
    // Others' locked and trashed assets are never shown, whatever the filter says.
    if (owners.length > 1 || f.withSharedAlbums || owners[0] !== me) add(`(a.owner_id = ? OR a.visibility <> 'locked')`, me);
  }

  where.push(f.isTrashed ? 'a.deleted_at IS NOT NULL' : 'a.deleted_at IS NULL');
  if (f.visibility) add('a.visibility = ?', f.visibility);
  else if (!albumId && !who.sharedLink && !f.isTrashed && !f.withArchived) where.push(`a.visibility = 'timeline'`);
  else where.push(`a.visibility IN ('timeline', 'archive')`);
  if (f.isFavorite !== undefined) add('a.is_favorite = ?', f.isFavorite);
  if (f.takenAfter) add('a.taken_at >= ?', f.takenAfter);
  if (f.takenBefore) add('a.taken_at <= ?', f.takenBefore);
  if (f.type) add('a.type = ?', f.type);
  if (f.city) add('EXISTS (SELECT 1 FROM asset_exif x WHERE x.asset_id = a.id AND lower(x.city) = lower(?))', f.city);
  return { where: where.join(' AND '), params };
}
