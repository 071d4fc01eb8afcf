/**
 * Uploads not yet finished, kept in IndexedDB with the file itself, its SHA-1 and the ETags of
 * the parts already sent — so after a reload (or a crash, or a closed tab) the page picks them
 * up where they stopped: the server answers the same checksum with the same upload, and only
 * the missing parts travel again.
 */
export interface QueuedUpload {
  /** name, size and modification time: the same file picked twice is one entry. */
  key: string;
  file: File;
  checksum?: string;
  uploadId?: string;
  etags: Record<number, string>;
}

const DB = 'shoebox-uploads';
const STORE = 'queue';

export const queueKey = (file: File) => `${file.name}\u0000${file.size}\u0000${file.lastModified}`;

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export class UploadQueue {
  private constructor(private readonly db: IDBDatabase) {}

  /** The queue, or null where the browser keeps no IndexedDB (private windows of some browsers). */
  static async open(): Promise<UploadQueue | null> {
    if (typeof indexedDB === 'undefined') return null;
    try {
      const opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: 'key' });
      return new UploadQueue(await request(opening));
    } catch {
      return null;
    }
  }

  private store(mode: IDBTransactionMode) {
    return this.db.transaction(STORE, mode).objectStore(STORE);
  }

  all(): Promise<QueuedUpload[]> {
    return request(this.store('readonly').getAll() as IDBRequest<QueuedUpload[]>);
  }

  /** Keeps a file until it is uploaded; false when the browser refused (quota), and the upload goes on unremembered. */
  async add(file: File): Promise<boolean> {
    const key = queueKey(file);
    try {
      const existing = (await request(this.store('readonly').get(key))) as QueuedUpload | undefined;
      if (!existing) await request(this.store('readwrite').put({ key, file, etags: {} } satisfies QueuedUpload));
      return true;
    } catch {
      return false;
    }
  }

  async get(key: string): Promise<QueuedUpload | undefined> {
    return (await request(this.store('readonly').get(key))) as QueuedUpload | undefined;
  }

  async update(key: string, change: Partial<Omit<QueuedUpload, 'key' | 'file'>>): Promise<void> {
    const store = this.store('readwrite');
    const current = (await request(store.get(key))) as QueuedUpload | undefined;
    if (current) await request(store.put({ ...current, ...change }));
  }

  async remove(key: string): Promise<void> {
    await request(this.store('readwrite').delete(key));
  }
}
