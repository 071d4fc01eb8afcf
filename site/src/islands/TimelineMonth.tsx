import { memo } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { DAY_HEADING, estimatedMonthHeight, MONTH_HEADING, monthLayout } from '../lib/month-layout';
import { Tile, type GridItem } from './PhotoGrid';
import { MONTH, monthId } from './Scrubber';

export interface Bucket {
  timeBucket: string;
  count: number;
}

export type DayItem = GridItem & { day: string };

export const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

interface MonthProps {
  bucket: Bucket;
  width: number;
  items: DayItem[] | undefined;
  onNear(timeBucket: string): void;
  selected: Set<string>;
  onOpen(id: string): void;
  onSelect(id: string, range: boolean): void;
  /** A whole day at once: selected, or cleared when all of it already is. */
  onSelectDay(ids: string[]): void;
}

/** Rows are rendered this far beyond the screen, and the window moves in steps of this size. */
const MARGIN = 1000;
const STEP = 500;

/**
 * One month. Far from the screen it is an empty box of its height; near it, its layout is
 * computed from the assets' ratios and only the rows within a screen or so are in the DOM —
 * so scrolling mounts a few rows at a time, never a whole month of tiles in one frame.
 */
const TimelineMonth = memo(function TimelineMonth({ bucket, width, items, onNear, selected, onOpen, onSelect, onSelectDay }: MonthProps) {
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
              <button
                class="day-select"
                aria-label={`Select ${DAY.format(new Date(b.day))}`}
                aria-pressed={b.items.every((i) => selected.has(i.id))}
                onClick={() => onSelectDay(b.items.map((i) => i.id))}
              >
                ✓
              </button>
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

export default TimelineMonth;
