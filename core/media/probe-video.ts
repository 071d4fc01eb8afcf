import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CorruptFile } from '../errors.js';
import { captureDateFromInstant, captureDateFromTags, type CaptureDate } from './capture-date.js';
import { ffmpegPath, ffprobePath, runTool, ToolFailed } from './ffmpeg.js';

/** What ffprobe says about a video, as Shoebox keeps it. */
export interface VideoInfo {
  /** Container names as ffprobe lists them ('mov,mp4,m4a,3gp,3g2,mj2', 'matroska,webm'). */
  container: string;
  videoCodec: string;
  audioCodec: string | null;
  pixelFormat: string | null;
  /** As displayed: rotation applied. */
  width: number;
  height: number;
  rotation: number;
  durationMs: number;
  fps: number | null;
  bitRate: number | null;
  captureDate: CaptureDate | undefined;
  latitude: number | null;
  longitude: number | null;
  make: string | null;
  model: string | null;
  /** Apple's ContentIdentifier: the still of the same live photo carries it too. */
  livePhotoCid: string | null;
}

const Tags = z.record(z.string(), z.string()).optional();
const Probe = z.object({
  streams: z.array(
    z.object({
      codec_type: z.string().optional(),
      codec_name: z.string().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      pix_fmt: z.string().optional(),
      avg_frame_rate: z.string().optional(),
      r_frame_rate: z.string().optional(),
      duration: z.string().optional(),
      tags: Tags,
      side_data_list: z.array(z.object({ rotation: z.number().optional() }).loose()).optional(),
    }).loose(),
  ),
  format: z.object({ format_name: z.string(), duration: z.string().optional(), bit_rate: z.string().optional(), tags: Tags }).loose(),
});

const probe = (file: string) => runTool(ffprobePath(), ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { timeoutMs: 60_000 });

/**
 * ffprobe on a file. The packaged static ffprobe crashes on some containers (MPEG-TS: its
 * static glibc cannot load the character sets the service names need), so when it fails the
 * streams are first copied by ffmpeg into a Matroska file, which it reads.
 */
export async function probeVideo(file: string): Promise<VideoInfo> {
  try {
    return videoInfoFromProbe(JSON.parse((await probe(file)).toString('utf8')));
  } catch (error) {
    if (!(error instanceof ToolFailed)) throw error;
    const remuxed = await probeRemuxed(file).catch(() => undefined);
    if (remuxed) return remuxed;
    throw new CorruptFile(`The video is damaged or not a video ffprobe can read (${error.message})`);
  }
}

async function probeRemuxed(file: string): Promise<VideoInfo> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-probe-'));
  try {
    const copy = path.join(dir, 'streams.mkv');
    await runTool(ffmpegPath(), ['-hide_banner', '-v', 'error', '-y', '-i', file, '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'matroska', copy], { timeoutMs: 600_000 });
    return videoInfoFromProbe(JSON.parse((await probe(copy)).toString('utf8')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function videoInfoFromProbe(json: unknown): VideoInfo {
  const probe = Probe.parse(json);
  const video = probe.streams.find((s) => s.codec_type === 'video' && s.codec_name !== 'mjpeg' && s.codec_name !== 'png') ??
    probe.streams.find((s) => s.codec_type === 'video');
  if (!video?.width || !video.height || !video.codec_name) throw new CorruptFile('The file has no video stream (only sound, or nothing playable)');
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  const tags = { ...probe.format.tags, ...video.tags };
  const rotation = normalizeRotation(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? -Number(video.tags?.rotate ?? 0));
  const swap = rotation === 90 || rotation === 270;
  const durationSeconds = Number(probe.format.duration ?? video.duration ?? NaN);
  const location = parseIso6709(tags['com.apple.quicktime.location.ISO6709'] ?? tags.location ?? tags['location-eng']);
  return {
    container: probe.format.format_name,
    videoCodec: video.codec_name,
    audioCodec: audio?.codec_name ?? null,
    pixelFormat: video.pix_fmt ?? null,
    width: swap ? video.height : video.width,
    height: swap ? video.width : video.height,
    rotation,
    durationMs: Number.isFinite(durationSeconds) ? Math.round(durationSeconds * 1000) : 0,
    fps: frameRate(video.avg_frame_rate) ?? frameRate(video.r_frame_rate),
    bitRate: probe.format.bit_rate ? Number(probe.format.bit_rate) : null,
    captureDate: captureDateOf(tags),
    latitude: location?.latitude ?? null,
    longitude: location?.longitude ?? null,
    make: tags['com.apple.quicktime.make'] ?? tags.make ?? tags['com.android.manufacturer'] ?? null,
    model: tags['com.apple.quicktime.model'] ?? tags.model ?? tags['com.android.model'] ?? null,
    livePhotoCid: tags['com.apple.quicktime.content.identifier'] ?? null,
  };
}

/** Degrees clockwise the picture must turn to be seen upright: 0, 90, 180 or 270. */
function normalizeRotation(counterClockwise: number): number {
  return ((Math.round(-counterClockwise / 90) * 90) % 360 + 360) % 360;
}

function frameRate(value: string | undefined): number | null {
  const [n, d] = (value ?? '').split('/').map(Number);
  return n && d ? Math.round((n / d) * 1000) / 1000 : null;
}

/** Apple's creation date keeps the local offset; creation_time is UTC only. */
function captureDateOf(tags: Record<string, string>): CaptureDate | undefined {
  const local = tags['com.apple.quicktime.creationdate'];
  const withZone = local ? captureDateFromTags({ DateCreated: local }) : undefined;
  if (withZone) return withZone;
  const utc = tags.creation_time ? new Date(tags.creation_time) : undefined;
  // Cameras without a clock write 1904-01-01 or 1970-01-01: no date at all.
  return utc && !Number.isNaN(utc.getTime()) && utc.getUTCFullYear() > 1971 ? captureDateFromInstant(utc) : undefined;
}

/** '+40.4470-003.7248+650.000/' → latitude and longitude. */
export function parseIso6709(value: string | undefined): { latitude: number; longitude: number } | undefined {
  const match = /^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)/.exec(value ?? '');
  if (!match) return undefined;
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  return Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 && !(latitude === 0 && longitude === 0) ? { latitude, longitude } : undefined;
}
