import { CorruptFile } from '../errors.js';
import { ffmpegPath, runTool, ToolFailed } from './ffmpeg.js';
import type { VideoInfo } from './probe-video.js';

/**
 * A video's poster: one frame, upright (ffmpeg applies the rotation), as a full-size JPEG
 * for the thumbnail renderer. A second in, past fades from black; the first frame for
 * clips shorter than that.
 */
export async function extractPoster(input: string, durationMs: number | null): Promise<Buffer> {
  const at = durationMs && durationMs > 2000 ? 1 : 0;
  for (const seconds of at ? [at, 0] : [0]) {
    try {
      const jpeg = await runTool(
        ffmpegPath(),
        ['-hide_banner', '-v', 'error', '-ss', String(seconds), '-i', input, '-frames:v', '1', '-an', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '2', 'pipe:1'],
        { timeoutMs: 120_000 },
      );
      if (jpeg.length > 0) return jpeg;
    } catch (error) {
      if (!(error instanceof ToolFailed)) throw error;
      if (seconds === 0) throw new CorruptFile(`No frame of the video can be decoded (${error.message})`);
    }
  }
  throw new CorruptFile('No frame of the video can be decoded');
}

/**
 * Immich's accepted-codec policy, for what every browser plays: H.264 (8-bit 4:2:0) in
 * MP4/MOV with AAC or MP3 sound, or none. Anything else gets a transcode.
 */
export function isBrowserPlayable(video: VideoInfo): boolean {
  return (
    /(^|,)(mov|mp4)(,|$)/.test(video.container) &&
    video.videoCodec === 'h264' &&
    (video.pixelFormat === null || video.pixelFormat === 'yuv420p' || video.pixelFormat === 'yuvj420p') &&
    (video.audioCodec === null || video.audioCodec === 'aac' || video.audioCodec === 'mp3')
  );
}

/** ffmpeg arguments for a web-playable H.264/AAC MP4, shorter side at most `height`, moov first. */
export function transcodeArguments(input: string, output: string, video: VideoInfo, height: number): string[] {
  const portrait = video.height > video.width;
  // Never upscale; even dimensions for 4:2:0.
  const scale = portrait ? `scale='min(${height},iw)':-2` : `scale=-2:'min(${height},ih)'`;
  return [
    '-hide_banner', '-v', 'error', '-y', '-i', input,
    '-map', '0:v:0', '-map', '0:a:0?',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-vf', scale,
    '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
    '-movflags', '+faststart', '-map_metadata', '-1',
    '-f', 'mp4', output,
  ];
}
