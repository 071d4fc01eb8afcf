import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineScriptHashes } from '../local/security-headers.js';
import { readMedia } from './media-samples.js';
import { apiClient, startTestRuntime, type TestRuntime } from './test-runtime.js';

describe('security headers', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(() => runtime?.close());

  it('pages allow only their own scripts, by origin and by hash, and cannot be framed elsewhere', async () => {
    for (const page of ['/', '/login/', '/albums/']) {
      const response = await fetch(`${runtime.url}${page}`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src'))!;
      expect(scriptSrc).not.toContain('unsafe-inline');
      for (const hash of inlineScriptHashes(await response.text())) expect(scriptSrc).toContain(`'sha256-${hash}'`);
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
    }
  });

  it('originals are served sandboxed, as downloads, never as a page of this origin', async () => {
    const api = apiClient(runtime.url);
    const admin = await api.signUpAdmin();
    // A JPEG with HTML and script in its comment: a browser sniffing it could take it for a page.
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x30]), Buffer.from('<html><script>alert(document.cookie)</script>'.padEnd(46)), await readMedia('exifr__noexif.jpg').then((b) => b.subarray(2))]);
    const id = await api.upload(admin, photo, 'evil.jpg');
    const original = await fetch(`${runtime.url}/api/assets/${id}/original`, { headers: { 'x-api-key': admin.apiKey } });
    expect(original.status).toBe(200);
    expect(original.headers.get('content-security-policy')).toContain('sandbox');
    expect(original.headers.get('x-content-type-options')).toBe('nosniff');
    expect(original.headers.get('content-disposition')).toMatch(/^attachment/);
  });

  it('API answers carry nosniff too', async () => {
    const response = await fetch(`${runtime.url}/api/server/ping`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
