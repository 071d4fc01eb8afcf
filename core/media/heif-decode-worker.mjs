import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

// Plain JavaScript: a worker thread's entry is loaded by Node itself (see heif-decoder.ts).
// libheif compiled to WebAssembly decodes HEVC synchronously for ~0.6 s per 12 MP photo;
// here that blocks only this thread.
const libheif = createRequire(import.meta.url)('libheif-js/wasm-bundle');
const decoder = new libheif.HeifDecoder();

/** Decodes the primary image (a burst has several; the first is shown) into RGBA. */
function display(image, width, height) {
  return new Promise((resolve, reject) =>
    image.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (shown) =>
      shown ? resolve(shown.data) : reject(new Error('the HEVC image data cannot be decoded')),
    ),
  );
}

parentPort.on('message', async ({ id, file, maxPixels, headerOnly }) => {
  let images = [];
  try {
    images = decoder.decode(new Uint8Array(file));
    const image = images.find((candidate) => candidate.is_primary?.()) ?? images[0];
    if (!image) throw new Error('no image in the HEIF file');
    const width = image.get_width();
    const height = image.get_height();
    if (headerOnly) return parentPort.postMessage({ id, width, height });
    if (width * height > maxPixels) return parentPort.postMessage({ id, width, height, tooLarge: true });
    const pixels = (await display(image, width, height)).buffer;
    parentPort.postMessage({ id, width, height, pixels }, [pixels]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  } finally {
    for (const image of images) image.free?.();
  }
});
