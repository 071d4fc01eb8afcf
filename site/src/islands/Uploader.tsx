import { useEffect, useRef, useState } from 'preact/hooks';
import { uploadFile } from '../lib/upload';

interface Entry {
  name: string;
  size: number;
  sent: number;
  state: 'waiting' | 'uploading' | 'done' | 'duplicate' | 'failed';
  error?: string;
}

/** Upload by picker (files or a folder) or by dropping anywhere; per-file and total progress. */
export default function Uploader({ onUploaded }: { onUploaded(ids: string[]): void }) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);

  async function upload(files: File[]) {
    const start = entries.length;
    setEntries((e) => [...e, ...files.map((f) => ({ name: f.name, size: f.size, sent: 0, state: 'waiting' as const }))]);
    const update = (i: number, change: Partial<Entry>) => setEntries((e) => e.map((x, j) => (j === start + i ? { ...x, ...change } : x)));
    const created: string[] = [];
    for (const [i, file] of files.entries()) {
      update(i, { state: 'uploading' });
      try {
        const outcome = await uploadFile(file, (sent) => update(i, { sent }));
        update(i, { state: outcome.duplicate ? 'duplicate' : 'done', sent: file.size });
        if (!outcome.duplicate) created.push(outcome.id);
      } catch (error) {
        update(i, { state: 'failed', error: (error as Error).message });
      }
    }
    onUploaded(created);
  }

  useEffect(() => {
    const over = (e: DragEvent) => {
      e.preventDefault();
      setDragging(true);
    };
    const leave = () => setDragging(false);
    const drop = (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      void upload([...(e.dataTransfer?.files ?? [])]);
    };
    addEventListener('dragover', over);
    addEventListener('dragleave', leave);
    addEventListener('drop', drop);
    return () => {
      removeEventListener('dragover', over);
      removeEventListener('dragleave', leave);
      removeEventListener('drop', drop);
    };
  });

  const total = entries.reduce((n, e) => n + e.size, 0);
  const sent = entries.reduce((n, e) => n + e.sent, 0);
  return (
    <>
      <div class="actions">
        <button class="button" onClick={() => picker.current!.click()}>Upload</button>
        <button class="button" onClick={() => folder.current!.click()}>Upload a folder</button>
        <input ref={picker} type="file" multiple accept="image/*,video/*,.heic,.heif,.dng,.cr2,.cr3,.nef,.arw,.raf,.xmp" class="sr-only" aria-label="Choose photos and videos" onChange={(e) => upload([...(e.currentTarget.files ?? [])])} />
        <input ref={folder} type="file" multiple {...{ webkitdirectory: '' }} class="sr-only" aria-label="Choose a folder" onChange={(e) => upload([...(e.currentTarget.files ?? [])])} />
      </div>
      {dragging && <div class="drop">Drop to upload</div>}
      {entries.length > 0 && (
        <section class="uploads" aria-label="Uploads" aria-live="polite">
          <strong>
            {entries.filter((e) => e.state === 'done' || e.state === 'duplicate').length} of {entries.length} uploaded
          </strong>
          <progress max={total || 1} value={sent} aria-label="Total progress" />
          <ul>
            {entries.slice(-5).map((e, i) => (
              <li key={i}>
                {e.name}: {e.state === 'duplicate' ? 'already in your library' : e.state === 'failed' ? `failed (${e.error})` : e.state}
              </li>
            ))}
          </ul>
          <button class="button" onClick={() => setEntries([])}>Close</button>
        </section>
      )}
    </>
  );
}
