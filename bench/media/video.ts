/**
 * Video: a 1080p, 30 s H.264/AAC clip (made here with ffmpeg's test source) converted to the
 * 720p web encoding the transcode stage makes, and a poster frame extracted — the same
 * ffmpeg arguments the stages use. Writes bench/results/video.{json,md}.
 *
 *   npm run bench:video -- --seconds 30
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ffmpegPath, runTool } from '../../core/media/ffmpeg.js';
import { probeVideo } from '../../core/media/probe-video.js';
import { extractPoster, transcodeArguments } from '../../core/media/video-frames.js';
import { timeRuns, writeResults } from '../measure.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' } } });
const seconds = Number(values.seconds);
const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-video-bench-'));
try {
  const source = path.join(work, 'source.mp4');
  await run(ffmpegPath(), [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '12M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', source,
  ]);
  const info = await probeVideo(source);
  const output = path.join(work, 'encoded.mp4');
  const transcodeMs = await timeRuns(1, () => runTool(ffmpegPath(), transcodeArguments(source, output, info, 720), { timeoutMs: 30 * 60_000 }));
  const encoded = await probeVideo(output);
  const posterMs = await timeRuns(5, () => extractPoster(source, info.durationMs));
  const result = {
    bench: 'video',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, ffmpeg: '4.1 (@ffmpeg-installer/ffmpeg)' },
    source: { width: info.width, height: info.height, seconds: info.durationMs / 1000, megabytes: (await stat(source)).size / 1e6, codec: info.videoCodec },
    transcode: {
      seconds: transcodeMs[0]! / 1000,
      speed: info.durationMs / transcodeMs[0]!,
      output: { width: encoded.width, height: encoded.height, megabytes: (await stat(output)).size / 1e6, codec: encoded.videoCodec, audio: encoded.audioCodec },
    },
    posterMs: { p50: posterMs[2]!, max: posterMs[4]! },
  };
  const table = [
    `# Video — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores, ${result.machine.ffmpeg}`,
    '',
    '| measure | value |',
    '|---|---|',
    `| transcode ${info.width}×${info.height} ${result.source.seconds} s H.264 (${result.source.megabytes.toFixed(1)} MB) → ${encoded.width}×${encoded.height} H.264/AAC faststart (${result.transcode.output.megabytes.toFixed(1)} MB) | ${result.transcode.seconds.toFixed(1)} s (${result.transcode.speed.toFixed(2)}× real time) |`,
    `| poster frame (1 s in, full size JPEG), p50 of 5 | ${result.posterMs.p50.toFixed(0)} ms |`,
  ].join('\n');
  await writeResults('video', result, table);
} finally {
  await rm(work, { recursive: true, force: true });
}
