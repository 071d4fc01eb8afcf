import { memo } from 'preact/compat';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api';
import { downloadOriginals } from '../lib/download-originals';
import { DAY_HEADING, estimatedMonthHeight, MONTH_HEADING, monthLayout } from '../lib/month-layout';
import { Tile, type GridItem } from './PhotoGrid';
import Memories from './Memories';
import Scrubber, { MONTH, monthId } from './Scrubber';
import Uploader from './Uploader';
import Viewer from './Viewer';

interface Bucket {
  timeBucket: string;
  count: number;
}
interface Columns {
  id: string[];
  ratio: number[];
  thumbhash: Array<string | null>;
  isImage: boolean[];
  isFavorite: boolean[];
  localDateTime: string[];
}

interface Props {
  /** Extra timeline filters, e.g. "isFavorite=true" or "visibility=archive". */
  query?: string;
  emptyText?: string;
  /** Which page it is: the selection's actions follow (restore in the trash, unarchive in the archive…). */
  kind?: 'library' | 'favorites' | 'archive' | 'trash';
  uploads?: boolean;
}

const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * The timeline: every month from GET /timeline/buckets as a section of its estimated height;
 * a month's assets are fetched when it comes near the screen (so 100,000 photos cost a few
 * requests), and only months near the screen hold tiles.
 */
export default function Timeline({ query: fixed = '', emptyText = 'No photos yet. Drop some here, or use Upload.', uploads = true, kind = 'library' }: Props) {
  // A partner's library is the home timeline with ?userId= (from the partners page).
  const partner = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('userId');
  const query = [fixed, partner ? `userId=${encodeURIComponent(partner)}` : ''].filter(Boolean).join('&');
  const [buckets, setBuckets] = useState<Bucket[] | undefined>();
  const [months, setMonths] = useState<Record<string, GridItem[]>>({});
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | undefined>();
  const [version, setVersion] = useState(0);
  const lastSelected = useRef<string | undefined>();
  const [timeline, setTimeline] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!timeline) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(timeline);
    return () => observer.disconnect();
  }, [timeline]);

  const requested = useRef(new Set<string>());
  useEffect(() => {
    setMonths({});
    requested.current = new Set();
    void api<Bucket[]>('GET', `/timeline/buckets?${query}`).then(setBuckets);
  }, [query, version]);

  async function loadMonth(timeBucket: string) {
    if (requested.current.has(timeBucket)) return;
    requested.current.add(timeBucket);
    const c = await api<Columns>('GET', `/timeline/bucket?timeBucket=${timeBucket}&${query}`);
    const items = c.id.map((id, i) => ({
      id,
      ratio: c.ratio[i]!,
      thumbhash: c.thumbhash[i]!,
      isVideo: !c.isImage[i],
      isFavorite: c.isFavorite[i]!,
      label: `${c.isImage[i] ? 'Photo' : 'Video'} taken ${DAY.format(new Date(c.localDateTime[i]!))}`,
      day: c.localDateTime[i]!.slice(0, 10),
    }));
    setMonths((m) => ({ ...m, [timeBucket]: items }));
  }

  const all = useMemo(() => (buckets ?? []).flatMap((b) => months[b.timeBucket] ?? []), [buckets, months]);
  const ids = all.map((i) => i.id);

  function select(id: string, range: boolean) {
    const next = new Set(selected);
    if (range && lastSelected.current) {
      const from = ids.indexOf(lastSelected.current);
      const to = ids.indexOf(id);
      for (const i of ids.slice(Math.min(from, to), Math.max(from, to) + 1)) next.add(i);
    } else if (next.has(id)) next.delete(id);
    else next.add(id);
    lastSelected.current = id;
    setSelected(next);
  }

  // Months get callbacks that never change, so a month re-renders only when its own props do.
  const latest = useRef({ select, loadMonth });
  latest.current = { select, loadMonth };
  const onNear = useCallback((timeBucket: string) => void latest.current.loadMonth(timeBucket), []);
  const onSelect = useCallback((id: string, range: boolean) => latest.current.select(id, range), []);

  /** New uploads show once the pipeline has made their thumbnails (polled, for a minute at most). */
  async function whenProcessed(uploaded: string[]) {
    for (let tries = 0; tries < 60 && uploaded.length > 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const statuses = await Promise.all(uploaded.map((id) => api<{ status: string }>('GET', `/assets/${id}`).then((a) => a.status, () => 'failed')));
      if (statuses.every((s) => s === 'ready' || s === 'failed')) break;
    }
    setVersion((v) => v + 1);
  }

  /** A change to the selection, then the timeline again (what was changed may have left this page). */
  async function bulk(change: () => Promise<unknown>) {
    await change();
    setSelected(new Set());
    setVersion((v) => v + 1);
  }
  const edit = (change: Record<string, unknown>) => () => api('PUT', '/assets', { ids: [...selected], ...change });
  const trash = () => api('DELETE', '/assets', { ids: [...selected] });
  const restore = () => api('POST', '/trash/restore/assets', { ids: [...selected] });
  const destroy = () => (confirm(`Delete ${selected.size} for good? This cannot be undone.`) ? api('DELETE', '/assets', { ids: [...selected], force: true }) : Promise.resolve());

  if (!buckets) return <p class="empty">Loading…</p>;
  const chosen = [...selected];
  return (
    <div>
      {uploads && !partner && <Uploader onUploaded={(uploaded) => void whenProcessed(uploaded)} />}
      {uploads && !partner && <Memories />}
      {selected.size > 0 && (
        <div class="selection" role="toolbar" aria-label={`${selected.size} selected`}>
          <strong>{selected.size} selected</strong>
          {!partner && (
            <>
              {kind === 'trash' ? (
                <>
                  <button class="button" onClick={() => bulk(restore)}>Restore</button>
                  <button class="button" onClick={() => bulk(destroy)}>Delete for good</button>
                </>
              ) : (
                <>
                  {kind === 'favorites' ? (
                    <button class="button" onClick={() => bulk(edit({ isFavorite: false }))}>Remove from favourites</button>
                  ) : (
                    <button class="button" onClick={() => bulk(edit({ isFavorite: true }))}>Favourite</button>
                  )}
                  {kind === 'archive' ? (
                    <button class="button" onClick={() => bulk(edit({ visibility: 'timeline' }))}>Unarchive</button>
                  ) : (
                    <button class="button" onClick={() => bulk(edit({ visibility: 'archive' }))}>Archive</button>
                  )}
                  <button class="button" onClick={() => bulk(trash)}>Move to trash</button>
                  <AddToAlbum ids={chosen} onDone={() => setSelected(new Set())} />
                  <ShareSelection key={chosen.join()} ids={chosen} />
                </>
              )}
            </>
          )}
          <DownloadSelection key={chosen.join()} ids={chosen} />
          <button class="button" onClick={() => setSelected(new Set())}>Clear</button>
        </div>
      )}
      {kind === 'trash' && buckets.length > 0 && selected.size === 0 && (
        <div class="actions">
          <button class="button" onClick={() => bulk(() => api('POST', '/trash/restore'))}>Restore all</button>
          <button class="button" onClick={() => bulk(() => (confirm('Empty the trash? Its photos are deleted for good.') ? api('POST', '/trash/empty') : Promise.resolve()))}>
            Empty trash
          </button>
        </div>
      )}
      {buckets.length === 0 && <p class="empty">{emptyText}</p>}
      <Scrubber buckets={buckets} timeline={timeline} />
      <div ref={setTimeline} class="months">
        {width > 0 && buckets.map((b) => (
          <Month
            key={`${b.timeBucket}:${version}`}
            bucket={b}
            width={width}
            items={months[b.timeBucket] as Array<GridItem & { day: string }> | undefined}
            onNear={onNear}
            selected={selected}
            onOpen={setOpen}
            onSelect={onSelect}
          />
        ))}
      </div>
      {open && <Viewer ids={ids} start={Math.max(0, ids.indexOf(open))} onClose={() => setOpen(undefined)} />}
    </div>
  );
}

interface MonthProps {
  bucket: Bucket;
  width: number;
  items: Array<GridItem & { day: string }> | undefined;
  onNear(timeBucket: string): void;
  selected: Set<string>;
  onOpen(id: string): void;
  onSelect(id: string, range: boolean): void;
}

/** Rows are rendered this far beyond the screen, and the window moves in steps of this size. */
const MARGIN = 1000;
const STEP = 500;

/**
 * One month. Far from the screen it is an empty box of its height; near it, its layout is
 * computed from the assets' ratios and only the rows within a screen or so are in the DOM —
 * so scrolling mounts a few rows at a time, never a whole month of tiles in one frame.
 */
const Month = memo(function Month({ bucket, width, items, onNear, selected, onOpen, onSelect }: MonthProps) {
  const section = useRef<HTMLElement>(null);
  const [near, setNear] = useState(false);
  const [range, setRange] = useState<[number, number]>([0, 0]);
  useEffect(() => {
    const observer = new IntersectionObserver(
      ([entry]) => {
        setNear(entry!.isIntersecting);
        if (entry!.isIntersecting) onNear(bucket.timeBucket);
      },
      { rootMargin: `${MARGIN * 1.5}px 0px` },
    );
    observer.observe(section.current!);
    return () => observer.disconnect();
  }, [bucket.timeBucket]);

  // While near, follow the screen: the part of the month within MARGIN of it, rounded to STEP.
  useEffect(() => {
    if (!near) return;
    let frame = 0;
    const follow = () => {
      frame = 0;
      const top = section.current!.getBoundingClientRect().top + MONTH_HEADING;
      const from = Math.floor((-top - MARGIN) / STEP) * STEP;
      const to = Math.ceil((innerHeight - top + MARGIN) / STEP) * STEP;
      setRange((r) => (r[0] === from && r[1] === to ? r : [from, to]));
    };
    const onScroll = () => (frame ||= requestAnimationFrame(follow));
    follow();
    addEventListener('scroll', onScroll, { passive: true });
    addEventListener('resize', onScroll);
    return () => {
      removeEventListener('scroll', onScroll);
      removeEventListener('resize', onScroll);
      cancelAnimationFrame(frame);
    };
  }, [near]);

  const layout = useMemo(() => (items ? monthLayout(items, (i) => i.ratio || 1, width) : undefined), [items, width]);
  const height = layout ? MONTH_HEADING + layout.height : estimatedMonthHeight(bucket.count, width);
  const shown = near && layout ? layout.blocks.filter((b) => b.top + (b.kind === 'row' ? b.height : DAY_HEADING) > range[0] && b.top < range[1]) : [];
  return (
    <section ref={section} id={monthId(bucket.timeBucket)} class="month" style={{ height: `${height}px` }}>
      <h2>{MONTH.format(new Date(bucket.timeBucket))}</h2>
      <div class="month-body">
        {shown.map((b) =>
          b.kind === 'day' ? (
            <h3 key={b.key} class="day-heading" style={{ top: `${b.top}px` }}>
              {DAY.format(new Date(b.day))}
            </h3>
          ) : (
            <div key={b.key} class="row" style={{ top: `${b.top}px` }}>
              {b.tiles.map(({ item, width: w, height: h }) => (
                <Tile key={item.id} item={item} width={w} height={h} selected={selected.has(item.id)} selecting={selected.size > 0} onOpen={onOpen} onSelect={onSelect} />
              ))}
            </div>
          ),
        )}
      </div>
    </section>
  );
});

/** Selected photos into an album: an existing one, or a new one named here. */
function AddToAlbum({ ids, onDone }: { ids: string[]; onDone(): void }) {
  const [albums, setAlbums] = useState<Array<{ id: string; albumName: string }> | undefined>();
  const [message, setMessage] = useState('');
  if (!albums) return <button class="button" onClick={() => api<Array<{ id: string; albumName: string }>>('GET', '/albums').then(setAlbums)}>Add to album</button>;
  async function add(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const chosen = String(form.get('album'));
    const name = String(form.get('name') ?? '').trim();
    if (chosen === 'new') {
      const album = await api<{ albumName: string }>('POST', '/albums', { albumName: name || 'New album', assetIds: ids });
      setMessage(`Added to ${album.albumName}`);
    } else {
      await api('PUT', `/albums/${chosen}/assets`, { ids });
      setMessage(`Added to ${albums!.find((a) => a.id === chosen)?.albumName}`);
    }
    onDone();
  }
  return (
    <form onSubmit={add} class="add-to-album">
      <label>
        Album{' '}
        <select name="album">
          <option value="new">New album…</option>
          {albums.map((a) => (
            <option key={a.id} value={a.id}>
              {a.albumName}
            </option>
          ))}
        </select>
      </label>
      <input name="name" placeholder="New album name" aria-label="New album name" />
      <button class="button primary" type="submit">Add</button>
      {message && <span role="status">{message}</span>}
    </form>
  );
}

/** A link anyone can open to see the selected photos (an individual shared link). */
function ShareSelection({ ids }: { ids: string[] }) {
  const [link, setLink] = useState('');
  if (link) return <input readOnly value={link} aria-label="Link to the selected photos" size={40} onFocus={(e) => e.currentTarget.select()} />;
  return (
    <button
      class="button"
      onClick={async () => {
        const created = await api<{ key: string }>('POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: ids, allowDownload: true, showMetadata: true });
        setLink(`${location.origin}/s/?key=${created.key}`);
      }}
    >
      Share
    </button>
  );
}

/** The originals of the selection: one file, or zip archives made in the browser. */
function DownloadSelection({ ids }: { ids: string[] }) {
  const [state, setState] = useState('');
  return (
    <>
      <button
        class="button"
        disabled={state.startsWith('Fetching')}
        onClick={() => {
          setState(`Fetching 0 of ${ids.length}…`);
          downloadOriginals(ids, (done, total) => setState(`Fetching ${done} of ${total}…`)).then(
            () => setState('Downloaded'),
            (e: Error) => setState(`Download failed: ${e.message}`),
          );
        }}
      >
        Download
      </button>
      {state && <span role="status">{state}</span>}
    </>
  );
}
