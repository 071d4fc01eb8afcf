import { useEffect, useRef, useState } from 'preact/hooks';

interface Mark {
  timeBucket: string;
  /** Where the month starts on the page, in pixels. */
  top: number;
}

/** "November 2026": a month's name wherever the timeline shows one. */
export const MONTH = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
export const monthId = (timeBucket: string) => `m-${timeBucket.slice(0, 7)}`;

/** How far the page can scroll, in pixels; the track stands for this. */
const scrollable = () => Math.max(1, document.documentElement.scrollHeight - innerHeight);
const scrollToFraction = (f: number) => scrollTo({ top: Math.min(1, Math.max(0, f)) * scrollable() });

/**
 * The timeline's scrubber down the right edge, as in Immich and Google Photos: the track is the
 * whole timeline, years marked where they start; dragging (or clicking) it scrolls there with the
 * month under the pointer shown, and the thumb follows scrolling. A keyboard slider too: ↑/↓ a
 * month, PageUp/PageDown a year, Home/End.
 */
export default function Scrubber({ buckets, timeline }: { buckets: Array<{ timeBucket: string }>; timeline: HTMLElement | null }) {
  const track = useRef<HTMLDivElement>(null);
  const thumb = useRef<HTMLDivElement>(null);
  const [marks, setMarks] = useState<Mark[]>([]);
  const [hover, setHover] = useState<{ y: number; label: string } | undefined>();
  const dragging = useRef(false);
  const pinned = useRef<{ id: string; until: number } | undefined>();

  // Month positions move as months load and lay out: measured again whenever the timeline's height changes.
  useEffect(() => {
    if (!timeline) return;
    const measure = () => {
      // Months loading near a jump change heights above it: keep the month jumped to in place.
      const jump = pinned.current;
      if (jump && performance.now() < jump.until) document.getElementById(jump.id)?.scrollIntoView();
      setMarks(
        buckets.flatMap((b) => {
          const section = document.getElementById(monthId(b.timeBucket));
          return section ? [{ timeBucket: b.timeBucket, top: section.getBoundingClientRect().top + scrollY }] : [];
        }),
      );
    };
    const observer = new ResizeObserver(measure);
    observer.observe(timeline);
    addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      removeEventListener('resize', measure);
    };
  }, [buckets, timeline]);

  /** The month at a page position (a pixel of slack: scroll positions are whole pixels, tops are not). */
  const monthAt = (y: number) => {
    let found = marks[0];
    for (const m of marks) if (m.top <= y + 1) found = m;
    return found;
  };

  // The thumb follows scrolling without re-rendering the scrubber: one style and two attributes per frame.
  const latest = useRef(monthAt);
  latest.current = monthAt;
  useEffect(() => {
    let frame = 0;
    const follow = () => {
      frame = 0;
      const f = Math.min(1, scrollY / scrollable());
      thumb.current?.style.setProperty('top', `${f * 100}%`);
      const month = latest.current(scrollY);
      track.current?.setAttribute('aria-valuenow', String(Math.round(f * 100)));
      if (month) track.current?.setAttribute('aria-valuetext', MONTH.format(new Date(month.timeBucket)));
    };
    const onScroll = () => (frame ||= requestAnimationFrame(follow));
    addEventListener('scroll', onScroll, { passive: true });
    follow();
    return () => {
      removeEventListener('scroll', onScroll);
      cancelAnimationFrame(frame);
    };
  }, [marks]);

  const fractionAt = (clientY: number) => {
    const box = track.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, (clientY - box.top) / box.height));
  };
  const point = (e: PointerEvent) => {
    const f = fractionAt(e.clientY);
    const month = monthAt(f * scrollable());
    setHover(month ? { y: f * 100, label: MONTH.format(new Date(month.timeBucket)) } : undefined);
    if (dragging.current) scrollToFraction(f);
  };
  /** A month on or back (newest first: down is older), or the start of the next older or newer year. */
  const goToMonth = (step: number | 'year-on' | 'year-back') => {
    const year = (m: Mark) => m.timeBucket.slice(0, 4);
    const current = marks.indexOf(monthAt(scrollY)!);
    let target: number;
    if (typeof step === 'number') target = current + step;
    else if (step === 'year-on') target = marks.findIndex((m) => year(m) < year(marks[current]!));
    else {
      const newer = marks.slice(0, current).filter((m) => year(m) > year(marks[current]!));
      target = newer.length ? marks.findIndex((m) => year(m) === year(newer[newer.length - 1]!)) : 0;
    }
    if (target < 0) target = marks.length - 1;
    const month = marks[Math.min(marks.length - 1, Math.max(0, target))];
    if (!month) return;
    pinned.current = { id: monthId(month.timeBucket), until: performance.now() + 1500 };
    document.getElementById(pinned.current.id)?.scrollIntoView();
  };

  if (marks.length < 2) return null;
  // A year label where a year starts, unless it would sit on the one above it.
  const height = scrollable();
  const years: Array<{ timeBucket: string; at: number }> = [];
  for (const [i, m] of marks.entries()) {
    const starts = i === 0 || marks[i - 1]!.timeBucket.slice(0, 4) !== m.timeBucket.slice(0, 4);
    const at = Math.min(1, m.top / height);
    if (starts && (years.length === 0 || at - years[years.length - 1]!.at > 0.03)) years.push({ timeBucket: m.timeBucket, at });
  }
  return (
    <div
      ref={track}
      class="scrubber"
      role="slider"
      tabIndex={0}
      aria-label="Scroll the timeline by date"
      aria-orientation="vertical"
      aria-valuemin={0}
      aria-valuemax={100}
      onPointerDown={(e) => {
        dragging.current = true;
        track.current!.setPointerCapture(e.pointerId);
        point(e);
      }}
      onPointerMove={point}
      onPointerUp={() => (dragging.current = false)}
      onPointerLeave={() => !dragging.current && setHover(undefined)}
      onKeyDown={(e) => {
        const keys: Record<string, Parameters<typeof goToMonth>[0] | (() => void)> = {
          ArrowDown: 1,
          ArrowUp: -1,
          PageDown: 'year-on',
          PageUp: 'year-back',
          Home: () => scrollToFraction(0),
          End: () => scrollToFraction(1),
        };
        const action = keys[e.key];
        if (action === undefined) return;
        e.preventDefault();
        if (typeof action === 'function') action();
        else goToMonth(action);
      }}
    >
      {years.map((m) => (
        <span key={m.timeBucket} class="scrubber-year" style={{ top: `${m.at * 100}%` }} aria-hidden="true">
          {m.timeBucket.slice(0, 4)}
        </span>
      ))}
      <div ref={thumb} class="scrubber-thumb" />
      {hover && (
        <span class="scrubber-label" style={{ top: `${hover.y}%` }} aria-hidden="true">
          {hover.label}
        </span>
      )}
    </div>
  );
}
