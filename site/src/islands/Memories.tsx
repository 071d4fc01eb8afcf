import { useEffect, useState } from 'preact/hooks';
import { api, thumbnailUrl, type Asset } from '../lib/api';
import Viewer from './Viewer';

interface Memory {
  id: string;
  data: { year: number };
  assets: Asset[];
}

/** "On this day" cards above the timeline; a card opens its photos as a slideshow. */
export default function Memories() {
  const [memories, setMemories] = useState<Memory[]>([]);
  const [open, setOpen] = useState<Memory | undefined>();
  useEffect(() => {
    const today = new Date().toISOString().slice(0, 10);
    void api<Memory[]>('GET', `/memories?for=${today}`).then((m) => setMemories(m.filter((x) => x.assets.length > 0)), () => setMemories([]));
  }, []);
  if (memories.length === 0) return null;
  const thisYear = new Date().getFullYear();
  return (
    <section class="memories" aria-label="Memories">
      {memories.map((m) => (
        <button key={m.id} class="memory" onClick={() => setOpen(m)} style={{ backgroundImage: `url(${thumbnailUrl(m.assets[0]!.id, 'preview')})` }}>
          <span>{thisYear - m.data.year === 1 ? '1 year ago' : `${thisYear - m.data.year} years ago`}</span>
        </button>
      ))}
      {open && <Viewer ids={open.assets.map((a) => a.id)} start={0} slideshow onClose={() => setOpen(undefined)} />}
    </section>
  );
}
