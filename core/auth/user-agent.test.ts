import { describe, expect, it } from 'vitest';
import { deviceDetails } from './user-agent.js';

const from = (headers: Record<string, string>) => deviceDetails((name) => headers[name]);

describe('deviceDetails', () => {
  it('names the browser and the system of the common user agents', () => {
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const edge = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
    const safari = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    const firefox = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0';
    expect(from({ 'user-agent': chrome })).toEqual({ deviceType: 'Chrome', deviceOS: 'Linux', appVersion: null });
    expect(from({ 'user-agent': edge })).toEqual({ deviceType: 'Edge', deviceOS: 'Windows', appVersion: null });
    expect(from({ 'user-agent': safari })).toEqual({ deviceType: 'Safari', deviceOS: 'iOS', appVersion: null });
    expect(from({ 'user-agent': firefox })).toEqual({ deviceType: 'Firefox', deviceOS: 'macOS', appVersion: null });
  });

  it('takes the phone app’s version from its user agent and its device from its headers', () => {
    expect(from({ 'user-agent': 'immich-android/2.1.0', devicemodel: 'Pixel 8', devicetype: 'Android' })).toEqual({ deviceType: 'Pixel 8', deviceOS: 'Android', appVersion: '2.1.0' });
    expect(from({ 'user-agent': 'Immich_iOS_1.94.0' }).appVersion).toBe('1.94.0');
  });

  it('leaves unknown clients blank, as Immich does (node, curl), and clips what is too long', () => {
    expect(from({ 'user-agent': 'node' })).toEqual({ deviceType: '', deviceOS: '', appVersion: null });
    expect(from({})).toEqual({ deviceType: '', deviceOS: '', appVersion: null });
    expect(from({ 'user-agent': 'x', devicemodel: 'm'.repeat(5000) }).deviceType).toHaveLength(100);
  });
});
