import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { uploadFile } from '../lib/upload';
import { queueKey, UploadQueue } from '../lib/upload-queue';

interface Entry {
  /** Its place in this page's uploads, so progress finds it after others were cleared. */
  n: number;
  name: string;
  size: number;
  sent: number;
  state: 'waiting' | 'uploading' | 'done' | 'duplicate' | 'failed';
  resumed?: boolean;
  error?: string;
  /** A failed file still in the queue: tried again on the next visit. */
  kept?: boolean;
}

/** The server said no for good (unsupported type, over quota…): trying again later would not help. */
const refused = (error: unknown) => error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;

/**
 * Upload by picker (files or a folder) or by dropping anywhere; per-file and total progress.
 * Files wait in the upload queue (IndexedDB) until the server has them, so uploads cut short
 * by a reload, a closed tab or a lost connection carry on the next time the timeline opens.
 */
export default function Uploader({ onUploaded }: { onUploaded(ids: string[]): void }) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const queue = useRef<Promise<UploadQueue | null>>();
  queue.current ??= UploadQueue.open();
  const count = useRef(0);

  async function upload(files: File[], resumed = false) {
    const start = count.current;
    count.current += files.length;
    setEntries((e) => [...e, ...files.map((f, i) => ({ n: start + i, name: f.name, size: f.size, sent: 0, state: 'waiting' as const, resumed }))]);
    const update = (i: number, change: Partial<Entry>) => setEntries((e) => e.map((x) => (x.n === start + i ? { ...x, ...change } : x)));
    const kept = await queue.current!;
    if (kept && !resumed) for (const file of files) await kept.add(file);
    const created: string[] = [];
    for (const [i, file] of files.entries()) {
      update(i, { state: 'uploading' });
      const key = queueKey(file);
      const remembered = await kept?.get(key);
      try {
        const memory = remembered && { ...remembered, remember: (change: object) => kept!.update(key, change) };
        const outcome = await uploadFile(file, (sent) => update(i, { sent }), memory);
        update(i, { state: outcome.duplicate ? 'duplicate' : 'done', sent: file.size });
        if (!outcome.duplicate) created.push(outcome.id);
        await kept?.remove(key);
      } catch (error) {
        const retry = Boolean(kept) && !refused(error);
        update(i, { state: 'failed', error: (error as Error).message, kept: retry });
        if (!retry) await kept?.remove(key);
      }
    }
    onUploaded(created);
  }

  // What the last visit left unfinished starts again by itself.
  useEffect(() => {
    void queue.current!.then(async (kept) => {
      const left = (await kept?.all()) ?? [];
      if (left.length > 0) await upload(left.map((q) => q.file), true);
    });
  }, []);

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
            {entries.some((e) => e.resumed) ? ' (resumed from your last visit)' : ''}
          </strong>
          <progress max={total || 1} value={sent} aria-label="Total progress" />
          <ul>
            {entries.slice(-5).map((e) => (
              <li key={e.n}>
                {e.name}: {e.state === 'duplicate' ? 'already in your library' : e.state === 'failed' ? `failed (${e.error})${e.kept ? ', tried again next time' : ''}` : e.state}
              </li>
            ))}
          </ul>
          <button class="button" onClick={() => setEntries((e) => e.filter((x) => x.state === 'uploading' || x.state === 'waiting'))}>Close</button>
        </section>
      )}
    </>
  );
}
