import { api, originalUrl, type Asset } from './api';
import { crc32, splitArchives, uniqueNames, zipBlob, type ZipEntry } from './zip-archive';

/** Saves a blob or URL under a file name, the way a download link does. */
function save(href: string, name: string) {
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Downloads originals byte for byte: one file as itself, several as zip archives (each under
 * 4 GiB) made here from the originals' signed URLs. Reports how many are fetched as it goes.
 */
export async function downloadOriginals(ids: string[], onProgress: (done: number, total: number) => void): Promise<void> {
  if (ids.length === 1) {
    const asset = await api<Asset>('GET', `/assets/${ids[0]}`);
    save(originalUrl(asset.id), asset.originalFileName);
    return;
  }
  const fetched: Array<Omit<ZipEntry, 'name'> & { original: string }> = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const index = next++;
      const asset = await api<Asset>('GET', `/assets/${ids[index]}`);
      const response = await fetch(originalUrl(asset.id), { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`${asset.originalFileName} could not be downloaded (${response.status})`);
      const data = await response.blob();
      fetched[index] = { original: asset.originalFileName, data, crc32: await crc32(data), modified: new Date(asset.fileModifiedAt ?? asset.fileCreatedAt) };
      onProgress(fetched.filter(Boolean).length, ids.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, ids.length) }, worker));
  const names = uniqueNames(fetched.map((f) => f.original));
  const archives = splitArchives(fetched.map((f, i) => ({ ...f, name: names[i]! })));
  const day = new Date().toISOString().slice(0, 10);
  archives.forEach((entries, i) => {
    const url = URL.createObjectURL(zipBlob(entries));
    save(url, archives.length === 1 ? `shoebox-${day}.zip` : `shoebox-${day}-${i + 1}.zip`);
    // The browser has taken the blob once the download started; free it a little later.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
}
