import { useEffect, useRef, useState } from 'preact/hooks';
import { thumbnailUrl } from '../lib/api';
import { justifiedRows } from '../lib/justified-rows';
import { targetRowHeight } from '../lib/month-layout';
import { thumbhashUrl } from '../lib/thumbhash-url';

export interface GridItem {
  id: string;
  ratio: number;
  thumbhash: string | null;
  isVideo: boolean;
  isFavorite: boolean;
  label: string;
  /** A stack shown as its primary: how many photos are in it. */
  stackCount?: number;
}

interface TileProps {
  item: GridItem;
  width: number;
  height: number;
  selected: boolean;
  selecting: boolean;
  onOpen(id: string): void;
  /** `range`: from the last selected one to this one (shift). */
  onSelect(id: string, range: boolean): void;
}

/** One picture: blurred thumbhash first, the thumbnail when it loads; a click opens it, or selects while selecting; x selects. */
export function Tile({ item, width, height, selected, selecting, onOpen, onSelect }: TileProps) {
  const placeholder = thumbhashUrl(item.thumbhash);
  return (
    <button
      class="tile"
      style={{ width: `${width}px`, height: `${height}px`, backgroundImage: placeholder ? `url(${placeholder})` : undefined }}
      aria-label={item.label}
      aria-pressed={selected}
      onClick={(e) => (e.shiftKey || e.ctrlKey || e.metaKey || selecting ? onSelect(item.id, e.shiftKey) : onOpen(item.id))}
      // From the keyboard, as in Google Photos: x selects (shift+x a range), Enter opens.
      onKeyDown={(e) => {
        if (e.key !== 'x' && e.key !== 'X') return;
        e.preventDefault();
        onSelect(item.id, e.shiftKey);
      }}
    >
      <img
        src={thumbnailUrl(item.id)}
        alt=""
        loading="lazy"
        decoding="async"
        width={Math.round(width)}
        height={Math.round(height)}
        // Once the thumbnail covers it, the placeholder goes: one picture to paint per tile, not two.
        onLoad={(e) => (e.currentTarget.parentElement as HTMLElement).style.removeProperty('background-image')}
      />
      {(item.isVideo || item.isFavorite) && <span class="badge">{item.isVideo ? '▶' : '♥'}</span>}
      {item.stackCount ? <span class="badge stack-badge">⧉ {item.stackCount}</span> : null}
    </button>
  );
}

interface Props {
  items: GridItem[];
  selected: Set<string>;
  onOpen(id: string): void;
  /** `range`: from the last selected one to this one (shift). */
  onSelect(id: string, range: boolean): void;
}

/** Justified rows of tiles for short lists (search, albums, shared links); the timeline lays out its own months. */
export default function PhotoGrid({ items, selected, onOpen, onSelect }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(box.current!);
    return () => observer.disconnect();
  }, []);
  const rows = width ? justifiedRows(items, (i) => i.ratio || 1, width, targetRowHeight(width)) : [];
  return (
    <div ref={box}>
      {rows.map((row, r) => (
        <div class="row" key={r}>
          {row.map(({ item, width: w, height: h }) => (
            <Tile key={item.id} item={item} width={w} height={h} selected={selected.has(item.id)} selecting={selected.size > 0} onOpen={onOpen} onSelect={onSelect} />
          ))}
        </div>
      ))}
    </div>
  );
}
