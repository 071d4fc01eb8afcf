import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getAsset } from '../../core/assets/asset-queries.js';
import { derivedKey } from '../../core/assets/object-keys.js';
import { withOriginalFile } from '../../core/assets/original-files.js';
import { recordEncodedVideo, recordStageStatus } from '../../core/assets/stage-outcomes.js';
import { isShoeboxError } from '../../core/errors.js';
import type { ThumbnailJob } from '../../core/jobs.js';
import { ffmpegPath, runTool, ToolFailed } from '../../core/media/ffmpeg.js';
import { probeVideo } from '../../core/media/probe-video.js';
import { isBrowserPlayable, transcodeArguments } from '../../core/media/video-frames.js';
import type { Ports } from '../../core/runtime/ports.js';

export const STAGE = 'transcode';
const TIMEOUT_MS = 60 * 60 * 1000;

/**
 * Makes a video playable in every browser — an H.264/AAC MP4 with its index up front, the
 * shorter side at most SHOEBOX_TRANSCODE_HEIGHT — unless the original already is. The
 * original is only read; the encoding is a derived file, rebuilt by running this again.
 */
export async function transcodeVideo(job: ThumbnailJob, ports: Ports): Promise<void> {
  const { db, store, config } = ports;
  const asset = await getAsset(db, job.assetId);
  if (!asset || asset.type !== 'VIDEO' || asset.checksum?.toString('hex') !== job.checksum) return;
  const checksum = Buffer.from(job.checksum, 'hex');
  const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-transcode-'));
  try {
    await withOriginalFile(ports, asset, async (input) => {
      const video = await probeVideo(input);
      if (isBrowserPlayable(video)) {
        await recordStageStatus(db, asset.id, STAGE, checksum, 'skipped', null);
        return;
      }
      const output = path.join(work, 'encoded.mp4');
      await runTool(ffmpegPath(), transcodeArguments(input, output, video, config.transcodeHeight), { timeoutMs: TIMEOUT_MS });
      const key = derivedKey(asset.ownerId, asset.id, 'encoded', 'mp4');
      const { size } = await stat(output);
      await store.write(key, createReadStream(output), 'video/mp4');
      const encoded = await probeVideo(output);
      await recordEncodedVideo(db, asset.id, { type: 'encoded_video', path: key, width: encoded.width, height: encoded.height, sizeBytes: size }, checksum);
    });
  } catch (error) {
    if (!isShoeboxError(error) && !(error instanceof ToolFailed)) throw error;
    // The poster and the original stay; only playback in the browser is missing.
    await recordStageStatus(db, asset.id, STAGE, checksum, 'failed', `The video cannot be converted for the browser (${error.message})`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
