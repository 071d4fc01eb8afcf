import os from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Decoders compiled to WebAssembly (libheif-js for HEIF, @jsquash/jxl for JPEG XL,
 * libraw-wasm for RAW files without an embedded preview) run in
 * worker threads — one per core, up to four, started on first use, ended when idle — so a
 * half-second decode never blocks the API sharing this process. Pixels come back as RGBA.
 */
export interface WorkerReply {
  id: number;
  width?: number;
  height?: number;
  pixels?: ArrayBuffer;
  /** 4 (RGBA) unless the decoder says otherwise. */
  channels?: 3 | 4;
  tooLarge?: boolean;
  error?: string;
}

const IDLE_MS = 30_000;
const workers: Array<{ worker: Worker; ids: Set<number> }> = [];
const pending = new Map<number, { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }>();
let nextId = 0;
let idleTimer: NodeJS.Timeout | undefined;

function leastBusyWorker() {
  const size = Math.max(1, Math.min(os.availableParallelism(), 4));
  if (workers.length < size && workers.every((w) => w.ids.size > 0)) {
    const entry = { worker: new Worker(new URL('./wasm-decode-worker.mjs', import.meta.url)), ids: new Set<number>() };
    entry.worker.unref();
    entry.worker.on('message', (reply: WorkerReply) => {
      entry.ids.delete(reply.id);
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    });
    entry.worker.on('error', (error) => {
      // A crashed decoder fails what it held; the next call starts another.
      workers.splice(workers.indexOf(entry), 1);
      for (const id of entry.ids) {
        pending.get(id)?.reject(error);
        pending.delete(id);
      }
    });
    workers.push(entry);
  }
  return workers.reduce((a, b) => (b.ids.size < a.ids.size ? b : a));
}

export function decodeInWorker(format: 'heif' | 'jxl' | 'raw', file: Buffer, maxPixels: number, headerOnly = false): Promise<WorkerReply> {
  clearTimeout(idleTimer);
  const entry = leastBusyWorker();
  const id = nextId++;
  entry.ids.add(id);
  const copy = new Uint8Array(file).buffer;
  const reply = new Promise<WorkerReply>((resolve, reject) => pending.set(id, { resolve, reject }));
  entry.worker.postMessage({ id, format, file: copy, maxPixels, headerOnly }, [copy]);
  return reply.finally(() => {
    if (pending.size === 0) idleTimer = setTimeout(stopWasmDecoders, IDLE_MS).unref();
  });
}

export async function stopWasmDecoders(): Promise<void> {
  await Promise.all(workers.splice(0).map((w) => w.worker.terminate()));
}
