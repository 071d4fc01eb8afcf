import { useEffect, useRef, useState } from 'preact/hooks';
import { api, playbackUrl, sharedKey, thumbnailUrl, type Asset } from '../lib/api';

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
  const id = ids[index]!;
  const go = (step: number) => setIndex((i) => Math.min(ids.length - 1, Math.max(0, i + step)));

  useEffect(() => {
    setAsset(undefined);
    const key = sharedKey();
    void api<Asset>('GET', `/assets/${id}${key ? `?key=${encodeURIComponent(key)}` : ''}`).then(setAsset);
  }, [id]);

  // Keys act on what is shown now: the listener reads the latest render, not the one it was made in
  // (effects run after paint, so a listener re-made per render would lag a key pressed right after).
  const latest = useRef({ toggleFavourite, onClose });
  latest.current = { toggleFavourite, onClose };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') latest.current.onClose();
      else if (e.key === 'ArrowRight') go(1);
      else if (e.key === 'ArrowLeft') go(-1);
      else if (e.key === 'i') setInfo((v) => !v);
      else if (e.key === 'f') void latest.current.toggleFavourite();
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
    setAsset(await api<Asset>('PUT', `/assets/${asset.id}`, { isFavorite: !asset.isFavorite }));
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
          <button onClick={() => setInfo((v) => !v)} aria-pressed={info} aria-label="Info (i)">
            Info
          </button>
        </div>
        {asset?.type === 'VIDEO' ? (
          <video src={playbackUrl(id)} controls autoPlay poster={thumbnailUrl(id, 'preview')} />
        ) : (
          <img src={thumbnailUrl(id, 'preview')} alt={asset?.originalFileName ?? ''} />
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
