import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api';
import Memories from './Memories';
import Scrubber from './Scrubber';
import SelectionBar from './SelectionBar';
import TimelineMonth, { DAY, type Bucket, type DayItem } from './TimelineMonth';
import Uploader from './Uploader';
import Viewer from './Viewer';

interface Columns {
  id: string[];
  ratio: number[];
  thumbhash: Array<string | null>;
  isImage: boolean[];
  isFavorite: boolean[];
  localDateTime: string[];
  /** With withStacked: [stack id, how many] for a stack's primary. */
  stack?: Array<[string, string] | null>;
}

interface Props {
  /** Extra timeline filters, e.g. "isFavorite=true" or "visibility=archive". */
  query?: string;
  emptyText?: string;
  /** Which page it is: the selection's actions follow (restore in the trash, unarchive in the archive…). */
  kind?: 'library' | 'favorites' | 'archive' | 'trash' | 'locked';
  uploads?: boolean;
}

/**
 * The timeline: every month from GET /timeline/buckets as a section of its height (estimated
 * until its assets come); a month's assets are fetched when it comes near the screen (so
 * 100,000 photos cost a few requests), and only rows near the screen hold tiles
 * (TimelineMonth). The scrubber, the selection's actions and the viewer sit around it.
 */
export default function Timeline({ query: fixed = '', emptyText = 'No photos yet. Drop some here, or use Upload.', uploads = true, kind = 'library' }: Props) {
  // A partner's library is the home timeline with ?userId= (from the partners page).
  const partner = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('userId');
  // The library shows a stack (a RAW and its JPEG, a burst) as its primary photo, as Immich does.
  const query = [fixed, partner ? `userId=${encodeURIComponent(partner)}` : '', kind === 'library' && !partner ? 'withStacked=true' : ''].filter(Boolean).join('&');
  const [buckets, setBuckets] = useState<Bucket[] | undefined>();
  const [months, setMonths] = useState<Record<string, DayItem[]>>({});
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
    const items = c.id.map((id, i) => {
      const stackCount = c.stack?.[i] ? Number(c.stack[i]![1]) : undefined;
      return {
        id,
        ratio: c.ratio[i]!,
        thumbhash: c.thumbhash[i]!,
        isVideo: !c.isImage[i],
        isFavorite: c.isFavorite[i]!,
        label: `${c.isImage[i] ? 'Photo' : 'Video'} taken ${DAY.format(new Date(c.localDateTime[i]!))}${stackCount ? `, a stack of ${stackCount}` : ''}`,
        day: c.localDateTime[i]!.slice(0, 10),
        stackCount,
      };
    });
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
  const onSelectDay = useCallback(
    (day: string[]) =>
      setSelected((current) => {
        const next = new Set(current);
        const all = day.every((id) => current.has(id));
        for (const id of day) all ? next.delete(id) : next.add(id);
        return next;
      }),
    [],
  );

  /** New uploads show once the pipeline has made their thumbnails (polled, for a minute at most). */
  async function whenProcessed(uploaded: string[]) {
    for (let tries = 0; tries < 60 && uploaded.length > 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const statuses = await Promise.all(uploaded.map((id) => api<{ status: string }>('GET', `/assets/${id}`).then((a) => a.status, () => 'failed')));
      if (statuses.every((s) => s === 'ready' || s === 'failed')) break;
    }
    setVersion((v) => v + 1);
  }

  /** After a change to the selection, the timeline again (what was changed may have left this page). */
  function changed() {
    setSelected(new Set());
    setVersion((v) => v + 1);
  }
  const afterConfirm = (question: string, change: () => Promise<unknown>) => () => {
    if (confirm(question)) void change().then(changed);
  };

  if (!buckets) return <p class="empty">Loading…</p>;
  return (
    <div>
      {uploads && !partner && <Uploader onUploaded={(uploaded) => void whenProcessed(uploaded)} />}
      {uploads && !partner && <Memories />}
      {selected.size > 0 && <SelectionBar ids={[...selected]} kind={partner ? 'partner' : kind} onChanged={changed} onClear={() => setSelected(new Set())} />}
      {kind === 'trash' && buckets.length > 0 && selected.size === 0 && (
        <div class="actions">
          <button class="button" onClick={() => void api('POST', '/trash/restore').then(changed)}>Restore all</button>
          <button class="button" onClick={afterConfirm('Empty the trash? Its photos are deleted for good.', () => api('POST', '/trash/empty'))}>
            Empty trash
          </button>
        </div>
      )}
      {buckets.length === 0 && <p class="empty">{emptyText}</p>}
      <Scrubber buckets={buckets} timeline={timeline} />
      <div ref={setTimeline} class={selected.size > 0 ? 'months selecting' : 'months'}>
        {width > 0 && buckets.map((b) => (
          <TimelineMonth
            key={`${b.timeBucket}:${version}`}
            bucket={b}
            width={width}
            items={months[b.timeBucket]}
            onNear={onNear}
            selected={selected}
            onOpen={setOpen}
            onSelect={onSelect}
            onSelectDay={onSelectDay}
          />
        ))}
      </div>
      {open && <Viewer ids={ids} start={Math.max(0, ids.indexOf(open))} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
