import type { ServerClient } from './server-client.js';

const BATCH = 1000;

/**
 * Puts assets into albums by name: an album the user already has is reused (so a re-run
 * adds to it instead of making a second one), a missing one is created. Adding is
 * idempotent on the server. Returns how many albums were created.
 */
export async function addToNamedAlbums(client: ServerClient, assetsByAlbum: Map<string, string[]>): Promise<number> {
  if (assetsByAlbum.size === 0) return 0;
  const existing = new Map((await client.albums()).map((album) => [album.albumName, album.id]));
  let created = 0;
  for (const [name, ids] of assetsByAlbum) {
    let id = existing.get(name);
    if (!id) {
      id = (await client.createAlbum(name)).id;
      existing.set(name, id);
      created++;
    }
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += BATCH) await client.addToAlbum(id, unique.slice(i, i + BATCH));
  }
  return created;
}
