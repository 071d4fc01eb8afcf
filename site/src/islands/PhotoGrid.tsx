import { useEffect, useRef, useState } from 'preact/hooks';
import { thumbnailUrl } from '../lib/api';
import { justifiedRows } from '../lib/justified-rows';
import { thumbhashUrl } from '../lib/thumbhash-url';

export interface GridItem {
  id: string;
  ratio: number;
  thumbhash: string | null;
  isVideo: boolean;
  isFavorite: boolean;
  label: string;
}

interface Props {
  items: GridItem[];
  selected: Set<string>;
  onOpen(id: string): void;
  onSelect(id: string, event: MouseEvent): void;
}

/** Justified rows of tiles: blurred thumbhash first, the thumbnail when it loads. */
export default function PhotoGrid({ items, selected, onOpen, onSelect }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(box.current!);
    return () => observer.disconnect();
  }, []);
  const target = width < 600 ? 120 : 220;
  const rows = width ? justifiedRows(items, (i) => i.ratio || 1, width, target) : [];
  return (
    <div ref={box}>
      {rows.map((row, r) => (
        <div class="row" key={r}>
          {row.map(({ item, width: w, height: h }) => (
            <button
              key={item.id}
              class="tile"
              style={{ width: `${w}px`, height: `${h}px`, backgroundImage: thumbhashUrl(item.thumbhash) ? `url(${thumbhashUrl(item.thumbhash)})` : undefined }}
              aria-label={item.label}
              aria-pressed={selected.has(item.id)}
              onClick={(e) => (e.shiftKey || e.ctrlKey || e.metaKey || selected.size > 0 ? onSelect(item.id, e) : onOpen(item.id))}
            >
              <img src={thumbnailUrl(item.id)} alt="" loading="lazy" decoding="async" width={Math.round(w)} height={Math.round(h)} />
              {(item.isVideo || item.isFavorite) && <span class="badge">{item.isVideo ? '▶' : '♥'}</span>}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
