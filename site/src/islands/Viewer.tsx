import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, originalUrl, playbackUrl, sharedKey, thumbnailUrl, type Asset } from '../lib/api';
import AssetTags from './AssetTags';
import EditPanel from './EditPanel';
import MiniMap from './MiniMap';

interface Props {
  ids: string[];
  start: number;
  /** Moves on by itself every few seconds (memories); any key or click still works. */
  slideshow?: boolean;
  onClose(): void;
}

/**
 * Full-screen viewer over any grid: preview (or the video, seekable), ←/→ and swipes to
 * move, Esc to close, i for the info panel (date, camera, exposure, place), f to favourite.
 */
export default function Viewer({ ids, start, slideshow = false, onClose }: Props) {
  const [index, setIndex] = useState(start);
  const [asset, setAsset] = useState<Asset | undefined>();
  const [info, setInfo] = useState(false);
  const [zoom, setZoom] = useState<{ x: number; y: number } | undefined>();
  const [live, setLive] = useState(false);
  const [albums, setAlbums] = useState<Array<{ id: string; albumName: string }>>([]);
  // Bumped by an edit: the preview is fetched again (it is cached a day under its URL).
  const [version, setVersion] = useState(0);
  // A stack's other photos are shown in place of its primary, from the strip under the photo.
  const [inStack, setInStack] = useState<string | undefined>();
  const [stack, setStack] = useState<Array<{ id: string; originalFileName: string }>>([]);
  const id = inStack ?? ids[index]!;
  const go = (step: number) => setIndex((i) => Math.min(ids.length - 1, Math.max(0, i + step)));

  useEffect(() => {
    setInStack(undefined);
    setStack([]);
  }, [index]);
  useEffect(() => {
    const stackId = asset?.stack?.id;
    // Once per stack: stepping through it keeps the strip.
    if (!stackId || sharedKey() || stack.some((member) => member.id === asset.id)) return;
    void api<{ assets: Array<{ id: string; originalFileName: string }> }>('GET', `/stacks/${stackId}`).then((s) => setStack(s.assets), () => setStack([]));
  }, [asset]);

  useEffect(() => {
    setZoom(undefined);
    setAsset(undefined);
    const key = sharedKey();
    void api<Asset>('GET', `/assets/${id}${key ? `?key=${encodeURIComponent(key)}` : ''}`).then(setAsset);
  }, [id]);

  // The albums a photo is in are asked for only while the info panel is open.
  useEffect(() => {
    setAlbums([]);
    if (info && !sharedKey()) void api<Array<{ id: string; albumName: string }>>('GET', `/albums?assetId=${id}`).then(setAlbums, () => setAlbums([]));
  }, [id, info]);

  // Keys act on what is shown now: the listener reads the latest render, not the one it was made in
  // (effects run after paint, so a listener re-made per render would lag a key pressed right after),
  // and it is in place before the viewer is first painted.
  const latest = useRef({ toggleFavourite, onClose });
  latest.current = { toggleFavourite, onClose };
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Letters typed into the details (a description with an "i" or an "f") are text, not shortcuts.
      const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName));
      if (typing) {
        if (e.key === 'Escape') e.target.blur();
        return;
      }
      if (e.key === 'Escape') latest.current.onClose();
      else if (e.key === 'ArrowRight') go(1);
      else if (e.key === 'ArrowLeft') go(-1);
      else if (e.key === 'i') setInfo((v) => !v);
      else if (e.key === 'f') void latest.current.toggleFavourite();
      else if (e.key === 'z') setZoom((z) => (z ? undefined : { x: 50, y: 50 }));
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!slideshow) return;
    const timer = setInterval(() => setIndex((i) => (i + 1 < ids.length ? i + 1 : i)), 4000);
    return () => clearInterval(timer);
  }, [slideshow, ids.length]);

  let touchX = 0;
  async function toggleFavourite() {
    if (!asset) return;
    await edit({ isFavorite: !asset.isFavorite });
  }

  /** A crop, rotation or mirror was made: the new preview and size. */
  function edited() {
    setVersion((v) => v + 1);
    void api<Asset>('GET', `/assets/${id}`).then(setAsset);
  }

  async function edit(change: Record<string, unknown>) {
    if (asset) setAsset(await api<Asset>('PUT', `/assets/${asset.id}`, change));
  }

  const exif = (asset?.exifInfo ?? {}) as Record<string, string | number | null>;
  return (
    <div class="viewer" role="dialog" aria-modal="true" aria-label={asset?.originalFileName ?? 'Photo'}>
      <div
        class="stage"
        onTouchStart={(e) => (touchX = e.touches[0]!.clientX)}
        onTouchEnd={(e) => {
          const dx = e.changedTouches[0]!.clientX - touchX;
          if (Math.abs(dx) > 50) go(dx < 0 ? 1 : -1);
        }}
      >
        <div class="bar">
          <button onClick={onClose} aria-label="Close (Esc)">✕</button>
          <span style="flex:1" />
          {!sharedKey() && (
            <button onClick={toggleFavourite} aria-pressed={asset?.isFavorite ?? false} aria-label="Favourite (f)">
              {asset?.isFavorite ? '★' : '☆'}
            </button>
          )}
          {asset?.livePhotoVideoId && (
            <button onClick={() => setLive(true)} aria-label="Play live photo">
              LIVE
            </button>
          )}
          <button onClick={() => setZoom((z) => (z ? undefined : { x: 50, y: 50 }))} aria-pressed={Boolean(zoom)} aria-label="Zoom (z, or double-click)">
            ⊕
          </button>
          {!sharedKey() && (
            <a class="bar-link" href={originalUrl(id)} download={asset?.originalFileName} aria-label="Download the original">
              ⤓
            </a>
          )}
          <button onClick={() => setInfo((v) => !v)} aria-pressed={info} aria-label="Info (i)">
            Info
          </button>
        </div>
        {asset?.type === 'VIDEO' ? (
          <video src={playbackUrl(id)} controls autoPlay poster={thumbnailUrl(id, 'preview')} />
        ) : live && asset?.livePhotoVideoId ? (
          <video src={playbackUrl(asset.livePhotoVideoId)} autoPlay muted playsInline onEnded={() => setLive(false)} onPointerLeave={() => setLive(false)} />
        ) : (
          <img
            src={version ? `${thumbnailUrl(id, 'preview')}&edit=${version}` : thumbnailUrl(id, 'preview')}
            alt={asset?.originalFileName ?? ''}
            style={zoom ? { transform: 'scale(2.5)', transformOrigin: `${zoom.x}% ${zoom.y}%`, cursor: 'zoom-out' } : { cursor: 'zoom-in' }}
            onDblClick={(e) => {
              const box = e.currentTarget.getBoundingClientRect();
              setZoom((z) => (z ? undefined : { x: ((e.clientX - box.left) / box.width) * 100, y: ((e.clientY - box.top) / box.height) * 100 }));
            }}
            onPointerEnter={() => asset?.livePhotoVideoId && setLive(true)}
          />
        )}
        {stack.length > 1 && (
          <div class="stack-strip" role="group" aria-label={`Stack of ${stack.length}`}>
            {stack.map((member, n) => (
              <button key={member.id} aria-pressed={member.id === id} aria-label={`${n + 1} of ${stack.length}: ${member.originalFileName}`} onClick={() => setInStack(member.id)}>
                <img src={thumbnailUrl(member.id)} alt="" />
              </button>
            ))}
          </div>
        )}
        {index > 0 && (
          <button class="nav prev" onClick={() => go(-1)} aria-label="Previous (←)">
            ‹
          </button>
        )}
        {index < ids.length - 1 && (
          <button class="nav next" onClick={() => go(1)} aria-label="Next (→)">
            ›
          </button>
        )}
      </div>
      {info && asset && (
        <aside aria-label="Details">
          <h2>{asset.originalFileName}</h2>
          {!sharedKey() && (
            <>
              <label class="sr-only" for="description">Description</label>
              {/* Uncontrolled, keyed by what was saved: a re-render while typing (the albums
                  arriving, say) must not put the old value back. */}
              <textarea
                key={`${asset.id}:${exif.description ?? ''}`}
                id="description"
                placeholder="Add a description"
                defaultValue={String(exif.description ?? '')}
                onBlur={(e) => e.currentTarget.value !== (exif.description ?? '') && void edit({ description: e.currentTarget.value })}
              />
              <form
                key={`${asset.id}:${asset.localDateTime}:${exif.timeZone}:${exif.latitude}:${exif.longitude}`}
                class="edit-when"
                onSubmit={(e) => {
                  e.preventDefault();
                  const form = new FormData(e.currentTarget);
                  const offset = String(form.get('offset') || '+00:00');
                  const latitude = form.get('latitude');
                  const longitude = form.get('longitude');
                  void edit({
                    dateTimeOriginal: `${String(form.get('taken'))}:00${offset}`,
                    ...(latitude && longitude ? { latitude: Number(latitude), longitude: Number(longitude) } : {}),
                  });
                }}
              >
                <label>
                  Taken <input name="taken" type="datetime-local" required defaultValue={asset.localDateTime.slice(0, 16)} />
                </label>
                <label>
                  Time zone <input name="offset" pattern="[+-]\d{2}:\d{2}" placeholder="+02:00" size={6} defaultValue={String(exif.timeZone ?? '').match(/^[+-]\d{2}:\d{2}$/)?.[0] ?? ''} />
                </label>
                <label>
                  Latitude <input name="latitude" type="number" step="any" min={-90} max={90} defaultValue={String(exif.latitude ?? '')} />
                </label>
                <label>
                  Longitude <input name="longitude" type="number" step="any" min={-180} max={180} defaultValue={String(exif.longitude ?? '')} />
                </label>
                <button class="button" type="submit">Save date and place</button>
              </form>
              {asset.type === 'IMAGE' && !asset.livePhotoVideoId && <EditPanel asset={asset} onEdited={edited} />}
              <div role="radiogroup" aria-label="Rating" class="rating">
                {[1, 2, 3, 4, 5].map((n) => (
                  <button key={n} role="radio" aria-checked={Number(exif.rating ?? 0) === n} aria-label={`${n} stars`} onClick={() => edit({ rating: Number(exif.rating) === n ? 0 : n })}>
                    {Number(exif.rating ?? 0) >= n ? '★' : '☆'}
                  </button>
                ))}
              </div>
            </>
          )}
          <dl>
            <dt>Taken</dt>
            <dd>{new Date(asset.localDateTime).toLocaleString(undefined, { timeZone: 'UTC', dateStyle: 'full', timeStyle: 'short' })}</dd>
            {exif.make && (
              <>
                <dt>Camera</dt>
                <dd>
                  {exif.make} {exif.model}
                </dd>
              </>
            )}
            {exif.fNumber && (
              <>
                <dt>Exposure</dt>
                <dd>
                  ƒ/{exif.fNumber} · {exif.exposureTime}s · ISO {exif.iso} · {exif.focalLength} mm
                </dd>
              </>
            )}
            {exif.city && (
              <>
                <dt>Place</dt>
                <dd>{[exif.city, exif.state, exif.country].filter(Boolean).join(', ')}</dd>
              </>
            )}
            {exif.latitude != null && exif.longitude != null && (
              <>
                <dt>Map</dt>
                <dd>
                  <MiniMap lat={Number(exif.latitude)} lon={Number(exif.longitude)} />
                  <a href={`/map/?lat=${exif.latitude}&lon=${exif.longitude}`}>
                    {Number(exif.latitude).toFixed(4)}, {Number(exif.longitude).toFixed(4)} — show on the map
                  </a>
                </dd>
              </>
            )}
            {asset.people && asset.people.length > 0 && (
              <>
                <dt>People</dt>
                <dd class="viewer-people">
                  {asset.people.map((p) => (
                    <a key={p.id} href={`/person/?id=${p.id}`}>
                      <img src={p.thumbnailPath} alt="" width={40} height={40} />
                      {p.name || 'Unnamed'}
                    </a>
                  ))}
                </dd>
              </>
            )}
            {asset.tags && !sharedKey() && (
              <>
                <dt>Tags</dt>
                <AssetTags assetId={asset.id} tags={asset.tags} onChange={() => void api<Asset>('GET', `/assets/${asset.id}`).then(setAsset)} />
              </>
            )}
            {albums.length > 0 && (
              <>
                <dt>Albums</dt>
                <dd>
                  {albums.map((a, i) => (
                    <span key={a.id}>
                      {i > 0 && ', '}
                      <a href={`/album/?id=${a.id}`}>{a.albumName}</a>
                    </span>
                  ))}
                </dd>
              </>
            )}
            {exif.exifImageWidth && (
              <>
                <dt>Size</dt>
                <dd>
                  {exif.exifImageWidth} × {exif.exifImageHeight}
                </dd>
              </>
            )}
          </dl>
        </aside>
      )}
    </div>
  );
}
