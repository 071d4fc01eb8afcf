import preact from '@astrojs/preact';
import { defineConfig } from 'astro/config';

// A static site: every page is HTML + small Preact islands that call /api on the same origin
// (the local runtime serves both; on AWS CloudFront routes /api/* to the API function).
export default defineConfig({
  output: 'static',
  integrations: [preact()],
  build: { format: 'directory' },
  vite: { build: { assetsInlineLimit: 0 } },
});
