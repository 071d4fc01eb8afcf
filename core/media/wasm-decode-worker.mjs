import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

// Plain JavaScript: a worker thread's entry is loaded by Node itself (see wasm-decoders.ts).
// Decoders compiled to WebAssembly (libheif, libjxl, LibRaw) run synchronously (~0.5 s per
// 12 MP photo); here that blocks only this thread. Each is loaded on first use.
const require = createRequire(import.meta.url);
let heif;
let jxl;
let libraw;

/** Decodes the primary image (a burst has several; the first is shown) into RGBA. */
function display(image, width, height) {
  return new Promise((resolve, reject) =>
    image.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (shown) =>
      shown ? resolve(shown.data) : reject(new Error('the HEVC image data cannot be decoded')),
    ),
  );
}

async function decodeHeif(file, maxPixels, headerOnly) {
  heif ??= new (require('libheif-js/wasm-bundle').HeifDecoder)();
  const images = heif.decode(new Uint8Array(file));
  try {
    const image = images.find((candidate) => candidate.is_primary?.()) ?? images[0];
    if (!image) throw new Error('no image in the HEIF file');
    const width = image.get_width();
    const height = image.get_height();
    if (headerOnly) return { width, height };
    if (width * height > maxPixels) return { width, height, tooLarge: true };
    return { width, height, pixels: (await display(image, width, height)).buffer };
  } finally {
    for (const image of images) image.free?.();
  }
}

async function decodeJxl(file, _maxPixels) {
  jxl ??= (async () => {
    const codec = await import('@jsquash/jxl/decode.js');
    await codec.init(await WebAssembly.compile(await readFile(require.resolve('@jsquash/jxl/codec/dec/jxl_dec.wasm'))));
    return codec.default;
  })();
  // The caller checked the size in the header against the pixel limit first.
  const image = await (await jxl)(file);
  return { width: image.width, height: image.height, pixels: image.data.buffer };
}

/**
 * LibRaw develops the sensor data at half size (demosaicing by binning: 4× less work, and
 * still larger than the preview), camera white balance, sRGB, turned as the camera says.
 * What it complains about on its error channel (data cut short, corrupt) fails the decode:
 * it would otherwise hand back noise.
 */
async function decodeRaw(file, maxPixels) {
  const complaints = [];
  libraw ??= import('libraw-wasm/dist/libraw.js').then(async ({ default: create }) =>
    create({
      wasmBinary: await readFile(require.resolve('libraw-wasm/dist/libraw.wasm')),
      print: () => {},
      printErr: (line) => complaints.push(line),
    }),
  );
  const module = await libraw;
  const raw = new module.LibRaw();
  try {
    complaints.length = 0;
    raw.open(new Uint8Array(file), { halfSize: true, useCameraWb: true, outputBps: 8 });
    const { width, height, raw_width: rawWidth, raw_height: rawHeight } = raw.metadata(false);
    if (width * height > maxPixels) return { width, height, tooLarge: true };
    // Below a bit per photosite there cannot be sensor data in the file: a metadata stub.
    if (file.byteLength * 8 < rawWidth * rawHeight) throw new Error('the file is too small to hold its sensor’s data: a metadata stub');
    const image = raw.imageData();
    if (complaints.length > 0) throw new Error(complaints.join('; ').replace(/unknown file: /g, ''));
    const pixels = new Uint8Array(image.data).buffer;
    return { width: image.width, height: image.height, channels: image.colors, pixels };
  } catch (error) {
    // An exception thrown inside WebAssembly can leave LibRaw's state broken: start afresh next time.
    libraw = undefined;
    throw error instanceof Error ? error : new Error(complaints.join('; ') || 'LibRaw cannot read this file');
  } finally {
    raw.delete?.();
  }
}

const DECODERS = { heif: decodeHeif, jxl: decodeJxl, raw: decodeRaw };

parentPort.on('message', async ({ id, format, file, maxPixels, headerOnly }) => {
  try {
    const reply = await DECODERS[format](file, maxPixels, headerOnly);
    parentPort.postMessage({ id, ...reply }, reply.pixels ? [reply.pixels] : []);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
