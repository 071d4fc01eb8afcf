import { LISTED_TO_OTHERS } from '../access/access.js';
import type { Queryable } from '../ports/database.js';
import type { SharedLink } from './shared-link.js';

/** What a link's preview says where it is pasted (a chat, a mail): Immich's /share/{key} meta tags. */
export interface SharePreview {
  title: string;
  description: string;
  /** The asset whose preview stands for the link; none behind a password. */
  imageAssetId?: string;
}

const GENERIC: SharePreview = { title: 'Shoebox', description: 'Photos and videos shared with you' };

/**
 * The preview of a link: its description or album name, how many photos and videos, and the
 * album cover or first asset. An unknown or expired link, and one behind a password, give the
 * generic preview — a preview must not tell more than the link itself would.
 */
export async function sharePreview(db: Queryable, link: SharedLink | undefined, now: Date): Promise<SharePreview> {
  if (!link || (link.expiresAt && link.expiresAt <= now) || link.passwordHash) return GENERIC;
  const { rows: [row] } = link.albumId
    ? await db.query<{ name: string; cover: string | null; count: number }>(
        `SELECT al.name, (SELECT a.id FROM assets a WHERE a.id = al.thumbnail_asset_id AND ${LISTED_TO_OTHERS}) AS cover,
           (SELECT count(*)::int FROM album_assets aa JOIN assets a ON a.id = aa.asset_id WHERE aa.album_id = al.id AND ${LISTED_TO_OTHERS}) AS count
         FROM albums al WHERE al.id = $1`,
        [link.albumId],
      )
    : await db.query<{ name: string; cover: string | null; count: number }>(
        `SELECT '' AS name, (array_agg(a.id ORDER BY a.taken_at, a.id))[1] AS cover, count(*)::int AS count
         FROM shared_link_assets s JOIN assets a ON a.id = s.asset_id WHERE s.shared_link_id = $1 AND ${LISTED_TO_OTHERS}`,
        [link.id],
      );
  const count = row?.count ?? 0;
  return {
    title: link.description || row?.name || 'Shared photos',
    // Immich's words, whatever the count.
    description: `${count} shared photos & videos`,
    imageAssetId: row?.cover ?? undefined,
  };
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);

/**
 * The page at /share/{key} (the address Immich's apps give out): the preview as Open Graph and
 * Twitter tags for whoever fetches it, and straight on to the shared page for a person.
 */
export function sharePageHtml(key: string, preview: SharePreview, origin: string): string {
  const page = `/s/?key=${encodeURIComponent(key)}`;
  const image = preview.imageAssetId ? `${origin}/api/assets/${preview.imageAssetId}/thumbnail?size=preview&key=${encodeURIComponent(key)}` : undefined;
  const tags = [
    ['og:type', 'website'],
    ['og:title', preview.title],
    ['og:description', preview.description],
    ['og:url', `${origin}/share/${encodeURIComponent(key)}`],
    ...(image ? [['og:image', image]] : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>${escape(preview.title)}</title>
<meta name="description" content="${escape(preview.description)}" />
${tags.map(([property, content]) => `<meta property="${property}" content="${escape(content!)}" />`).join('\n')}
<meta name="twitter:card" content="${image ? 'summary_large_image' : 'summary'}" />
<meta name="twitter:title" content="${escape(preview.title)}" />
${image ? `<meta name="twitter:image" content="${escape(image)}" />\n` : ''}<meta http-equiv="refresh" content="0; url=${escape(page)}" />
</head>
<body><p><a href="${escape(page)}">${escape(preview.title)}</a></p></body>
</html>
`;
}

/** What /share/{key} says of a key that names no link: not found, and no preview. */
export const SHARE_NOT_FOUND_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8" /><title>Not found</title></head>
<body><p>This shared link does not exist, or it has been removed.</p></body>
</html>
`;
