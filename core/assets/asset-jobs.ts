import type { Ports } from '../runtime/ports.js';
import { getAssets } from './asset-queries.js';

/** Immich's AssetJobName: what a person may ask to run again for some of their assets. */
export const ASSET_JOB_NAMES = ['refresh-faces', 'refresh-metadata', 'regenerate-thumbnail', 'transcode-video'] as const;
export type AssetJobName = (typeof ASSET_JOB_NAMES)[number];

/**
 * Queues a stage again for these assets (the caller has checked they are the requester's).
 * Each job carries the time of the request, so the stage's idempotency runs it instead of
 * skipping it as done; the stages themselves stay idempotent. Assets still uploading, and
 * videos asked for an image's job (or images for transcoding), are left alone.
 */
export async function runAssetJobs(ports: Ports, assetIds: readonly string[], name: AssetJobName): Promise<number> {
  const requestedAt = ports.clock.now().toISOString();
  const assets = (await getAssets(ports.db, [...new Set(assetIds)])).filter((a) => a.status !== 'uploading' && a.checksum !== null);
  const messages = assets.flatMap((asset) => {
    // `modifiedAt` is the metadata job's idempotency mark: the time of this request makes it new.
    if (name === 'refresh-metadata') return [JSON.stringify({ assetId: asset.id, modifiedAt: `refresh ${requestedAt}` })];
    if (name === 'transcode-video' && asset.type !== 'VIDEO') return [];
    return [JSON.stringify({ assetId: asset.id, checksum: asset.checksum!.toString('hex'), requestedAt })];
  });
  const queue = { 'refresh-faces': 'faces', 'refresh-metadata': 'metadata', 'regenerate-thumbnail': 'thumbnail', 'transcode-video': 'transcode' } as const;
  for (let i = 0; i < messages.length; i += 100) await ports.queue.send(queue[name], messages.slice(i, i + 100));
  return messages.length;
}
