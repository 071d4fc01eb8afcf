import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

/**
 * ffmpeg and ffprobe: static Linux builds from the `@ffmpeg-installer/ffmpeg` and
 * `@ffprobe-installer/ffprobe` packages, so `npm install` is enough here and on Lambda
 * (x86_64). SHOEBOX_FFMPEG / SHOEBOX_FFPROBE point at others (a newer Debian ffmpeg).
 * The packaged ffmpeg is 4.1 (2018): H.264/HEVC/VP9/AV1/ProRes/MJPEG decoders, libx264 and
 * AAC encoders — what the transcoder needs; `checkVideoTools` says at start-up if not.
 */
const run = promisify(execFile);
const requirePackage = createRequire(import.meta.url);

export function ffmpegPath(): string {
  return process.env.SHOEBOX_FFMPEG ?? (requirePackage('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export function ffprobePath(): string {
  return process.env.SHOEBOX_FFPROBE ?? (requirePackage('@ffprobe-installer/ffprobe') as { path: string }).path;
}

/** What the video pipeline needs from ffmpeg, and whether it is there; problems in words. */
export async function checkVideoTools(): Promise<string[]> {
  const problems: string[] = [];
  try {
    const { stdout: encoders } = await run(ffmpegPath(), ['-hide_banner', '-encoders'], { maxBuffer: 4 * 1024 * 1024 });
    for (const encoder of ['libx264', 'aac', 'mjpeg']) if (!new RegExp(`\\s${encoder}\\s`).test(encoders)) problems.push(`ffmpeg has no ${encoder} encoder`);
    const { stdout: decoders } = await run(ffmpegPath(), ['-hide_banner', '-decoders'], { maxBuffer: 4 * 1024 * 1024 });
    for (const decoder of ['h264', 'hevc', 'vp9', 'mpeg4', 'mjpeg']) if (!new RegExp(`\\s${decoder}\\s`).test(decoders)) problems.push(`ffmpeg cannot decode ${decoder}`);
  } catch (error) {
    problems.push(`ffmpeg does not run (${(error as Error).message.split('\n')[0]})`);
  }
  try {
    await run(ffprobePath(), ['-version']);
  } catch (error) {
    problems.push(`ffprobe does not run (${(error as Error).message.split('\n')[0]})`);
  }
  return problems;
}

/** Runs a tool to the end; stdout as bytes. A non-zero exit is an error carrying stderr's last lines. */
export function runTool(tool: string, args: string[], opts: { timeoutMs: number; maxOutput?: number; input?: Buffer }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // A tool that stops reading early (it failed) closes the pipe; its exit code tells why.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > (opts.maxOutput ?? 64 * 1024 * 1024)) child.kill('SIGKILL');
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new ToolFailed(signal ? `killed (${signal}: time or output limit)` : err.trim().split('\n').slice(-3).join(' ') || `exit code ${code}`));
    });
  });
}

/** ffmpeg/ffprobe refused the input: a fact about the file, not a bug. */
export class ToolFailed extends Error {}
