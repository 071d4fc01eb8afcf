import { useEffect, useState } from 'preact/hooks';
import { api, thumbnailUrl, type Asset } from '../lib/api';

/** Immich's DuplicateResponseDto. */
interface DuplicateGroup {
  duplicateId: string;
  assets: Asset[];
  suggestedKeepAssetIds: string[];
}

/** Immich's BulkIdResponseDto. */
interface Outcome {
  id: string;
  success: boolean;
  errorMessage?: string;
}

const size = (bytes: unknown) => (typeof bytes === 'number' ? (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`) : 'size unknown');
const when = (asset: Asset) => new Date(asset.localDateTime).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** One photo of a group, side by side with its copies: what tells them apart, and keep or trash. */
function Candidate({ asset, keep, toggle }: { asset: Asset; keep: boolean; toggle: () => void }) {
  const exif = asset.exifInfo ?? {};
  const place = [exif.city, exif.country].filter(Boolean).join(', ');
  const dimensions = asset.width && asset.height ? `${asset.width} × ${asset.height}` : 'dimensions unknown';
  return (
    <li class={`duplicate ${keep ? 'keep' : 'trash'}`}>
      <img src={thumbnailUrl(asset.id, 'preview')} alt={asset.originalFileName} loading="lazy" />
      <dl>
        <dt class="sr-only">File</dt>
        <dd class="duplicate-name">{asset.originalFileName}</dd>
        <dt class="sr-only">Size</dt>
        <dd>
          {size(exif.fileSizeInByte)} · {dimensions}
        </dd>
        <dt class="sr-only">Taken</dt>
        <dd>{when(asset)}</dd>
        {place && (
          <>
            <dt class="sr-only">Place</dt>
            <dd>{place}</dd>
          </>
        )}
      </dl>
      <label class="keep-toggle">
        <input type="checkbox" checked={keep} onChange={toggle} /> Keep
      </label>
    </li>
  );
}

/**
 * Duplicates: the same picture more than once in your library (a copy re-saved, resized, or the
 * same file uploaded and in a folder), group by group. The one suggested to keep — the largest
 * file, with the most metadata — is ticked; the others go to the trash, and what they knew
 * (favourite, rating, description, place, albums, tags) moves to the one kept.
 */
export default function Duplicates() {
  const [groups, setGroups] = useState<DuplicateGroup[] | undefined>();
  const [keep, setKeep] = useState<Record<string, Set<string>>>({});
  const [note, setNote] = useState('');

  async function load() {
    const list = await api<DuplicateGroup[]>('GET', '/duplicates');
    setKeep(Object.fromEntries(list.map((g) => [g.duplicateId, new Set(g.suggestedKeepAssetIds)])));
    setGroups(list);
  }
  useEffect(() => void load().catch((error: Error) => setNote(error.message)), []);

  const toggle = (group: string, id: string) =>
    setKeep((k) => {
      const next = new Set(k[group]);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return { ...k, [group]: next };
    });

  /** Resolves groups; says how many photos went to the trash and any group that could not be. */
  async function resolve(chosen: DuplicateGroup[]) {
    const body = {
      groups: chosen.map((g) => ({
        duplicateId: g.duplicateId,
        keepAssetIds: g.assets.filter((a) => keep[g.duplicateId]?.has(a.id)).map((a) => a.id),
        trashAssetIds: g.assets.filter((a) => !keep[g.duplicateId]?.has(a.id)).map((a) => a.id),
      })),
    };
    try {
      const outcomes = await api<Outcome[]>('POST', '/duplicates/resolve', body);
      const failed = outcomes.filter((o) => !o.success);
      const trashed = body.groups.filter((g) => !failed.some((f) => f.id === g.duplicateId)).reduce((n, g) => n + g.trashAssetIds.length, 0);
      setNote(
        failed.length > 0
          ? `${failed.length} group${failed.length === 1 ? '' : 's'} could not be resolved: ${failed[0]!.errorMessage ?? 'unknown error'}`
          : `${trashed} photo${trashed === 1 ? '' : 's'} moved to the trash.`,
      );
      await load();
    } catch (error) {
      setNote((error as Error).message);
    }
  }

  async function dismiss(ids: string[]) {
    try {
      await api('DELETE', '/duplicates', { ids });
      setNote(ids.length === 1 ? 'Kept them all: they are no longer shown as duplicates.' : `Kept every photo of ${ids.length} groups.`);
      await load();
    } catch (error) {
      setNote((error as Error).message);
    }
  }

  if (!groups) return note ? <p role="alert">{note}</p> : <p class="empty">Loading…</p>;
  return (
    <div class="duplicates-page">
      <p role="status" class="note">
        {note}
      </p>
      {groups.length === 0 ? (
        <p class="empty">No duplicates. Copies of a photo show up here once their contents have been compared (smart search must be on).</p>
      ) : (
        <>
          <div class="duplicates-actions">
            <span>
              {groups.length} group{groups.length === 1 ? '' : 's'} of duplicates
            </span>
            <button
              type="button"
              class="button"
              onClick={() => confirm(`Keep the ticked photos of all ${groups.length} groups and move the others to the trash?`) && void resolve(groups)}
            >
              Resolve all as ticked
            </button>
            <button type="button" class="button" onClick={() => confirm(`Keep every photo of the ${groups.length} groups?`) && void dismiss(groups.map((g) => g.duplicateId))}>
              Keep all in all
            </button>
          </div>
          {groups.map((group, i) => {
            const kept = keep[group.duplicateId] ?? new Set<string>();
            const trash = group.assets.length - kept.size;
            return (
              <section key={group.duplicateId} class="duplicate-group" aria-label={`Duplicate group ${i + 1}`}>
                <ul class="duplicate-row">
                  {group.assets.map((asset) => (
                    <Candidate key={asset.id} asset={asset} keep={kept.has(asset.id)} toggle={() => toggle(group.duplicateId, asset.id)} />
                  ))}
                </ul>
                <div class="duplicates-actions">
                  <button type="button" class="button primary" disabled={trash === 0} onClick={() => void resolve([group])}>
                    {kept.size === 0 ? `Trash all ${trash}` : `Keep ${kept.size}, trash ${trash}`}
                  </button>
                  <button type="button" class="button" onClick={() => void dismiss([group.duplicateId])}>
                    Keep all
                  </button>
                </div>
              </section>
            );
          })}
        </>
      )}
    </div>
  );
}
