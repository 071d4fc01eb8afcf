import { describe, expect, it } from 'vitest';
import { checkVideoTools } from './ffmpeg.js';
import { parseIso6709, videoInfoFromProbe } from './probe-video.js';
import { isBrowserPlayable } from './video-frames.js';

const probe = (video: Record<string, unknown>, format: Record<string, unknown> = {}, audio?: string) => ({
  streams: [{ codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, pix_fmt: 'yuv420p', avg_frame_rate: '30000/1001', ...video }, ...(audio ? [{ codec_type: 'audio', codec_name: audio }] : [])],
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.345', ...format },
});

describe('reading ffprobe', () => {
  it('turns a rotated phone video upright, whichever way ffprobe says it', () => {
    expect(videoInfoFromProbe(probe({ side_data_list: [{ rotation: -90 }] }))).toMatchObject({ width: 1080, height: 1920, rotation: 90 });
    expect(videoInfoFromProbe(probe({ tags: { rotate: '90' } }))).toMatchObject({ width: 1080, height: 1920, rotation: 90 });
    expect(videoInfoFromProbe(probe({ side_data_list: [{ rotation: 180 }] }))).toMatchObject({ width: 1920, height: 1080, rotation: 180 });
    expect(videoInfoFromProbe(probe({}))).toMatchObject({ durationMs: 12345, fps: 29.97 });
  });

  it('takes Apple’s local creation date over the UTC one, and ignores clock-less cameras', () => {
    const apple = videoInfoFromProbe(probe({}, { tags: { creation_time: '2022-07-01T17:30:00Z', 'com.apple.quicktime.creationdate': '2022-07-01T18:30:00+0100' } }));
    expect(apple.captureDate).toEqual({ takenAt: new Date('2022-07-01T17:30:00Z'), localDateTime: '2022-07-01T18:30:00.000', timeZone: '+01:00' });
    expect(videoInfoFromProbe(probe({}, { tags: { creation_time: '1904-01-01T00:00:00Z' } })).captureDate).toBeUndefined();
  });

  it('reads ISO 6709 places and refuses impossible ones', () => {
    expect(parseIso6709('+40.4470-003.7248+650.000/')).toEqual({ latitude: 40.447, longitude: -3.7248 });
    expect(parseIso6709('+00.0000+000.0000/')).toBeUndefined();
    expect(parseIso6709('+95.0-003.0/')).toBeUndefined();
    expect(parseIso6709('Paris')).toBeUndefined();
  });

  it('says there is no video when there is only sound', () => {
    expect(() => videoInfoFromProbe({ streams: [{ codec_type: 'audio', codec_name: 'aac' }], format: { format_name: 'mov' } })).toThrow(/no video stream/);
  });

  it('knows what browsers play as it is', () => {
    expect(isBrowserPlayable(videoInfoFromProbe(probe({}, {}, 'aac')))).toBe(true);
    expect(isBrowserPlayable(videoInfoFromProbe(probe({ codec_name: 'hevc' }, {}, 'aac')))).toBe(false);
    expect(isBrowserPlayable(videoInfoFromProbe(probe({ pix_fmt: 'yuv420p10le' }, {}, 'aac')))).toBe(false);
    expect(isBrowserPlayable(videoInfoFromProbe(probe({}, { format_name: 'matroska,webm' }, 'aac')))).toBe(false);
    expect(isBrowserPlayable(videoInfoFromProbe(probe({}, {}, 'pcm_s16le')))).toBe(false);
  });

  it('finds the packaged ffmpeg and ffprobe with the codecs the pipeline needs', async () => {
    expect(await checkVideoTools()).toEqual([]);
  });
});
