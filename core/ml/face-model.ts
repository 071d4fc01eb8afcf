import path from 'node:path';
import sharp from 'sharp';
import { warpFace } from './face-alignment.js';
import { decodeScrfd, groupScrfdOutputs, type DetectedFace } from './face-detection.js';
import { l2Normalize, modelSession, ort } from './onnx-sessions.js';

export interface RecognizedFace extends DetectedFace {
  embedding: Float32Array;
}

export interface FaceAnalysis {
  /** The picture the boxes are in (the preview), as shown. */
  width: number;
  height: number;
  faces: RecognizedFace[];
}

/** A facial-recognition pack: SCRFD detection, ArcFace-style recognition. */
export interface FaceModel {
  name: string;
  analyze(image: Buffer, minScore: number): Promise<FaceAnalysis>;
}

const DETECTION_SIZE = 640;

export async function loadFaceModel(dir: string, name: string, threads?: number): Promise<FaceModel> {
  const [detector, recognizer] = await Promise.all([
    modelSession(path.join(dir, 'detection/model.onnx'), threads),
    modelSession(path.join(dir, 'recognition/model.onnx'), threads),
  ]);
  const recognitionShape = (recognizer.inputMetadata[0] as { shape?: Array<number | string> }).shape ?? [];
  const cropSize = typeof recognitionShape[2] === 'number' ? recognitionShape[2] : 112;
  // Some exports fix the batch at 1; others take every face of a picture at once.
  const batches = recognitionShape[0] === 1 ? 1 : Number.POSITIVE_INFINITY;

  async function detect(rgb: Buffer, width: number, height: number, minScore: number): Promise<DetectedFace[]> {
    // Never enlarged: a face filling a small picture would outgrow the largest anchors.
    const scale = Math.min(DETECTION_SIZE / width, DETECTION_SIZE / height, 1);
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const { data } = await sharp(rgb, { raw: { width, height, channels: 3 } }).resize(w, h, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    const plane = DETECTION_SIZE * DETECTION_SIZE;
    // Letterbox: the picture top-left, zeros (the normalised value of grey 127.5) elsewhere.
    const input = new Float32Array(3 * plane);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const from = (y * w + x) * 3;
        const to = y * DETECTION_SIZE + x;
        for (let c = 0; c < 3; c++) input[c * plane + to] = (data[from + c]! - 127.5) / 128;
      }
    }
    const outputs = await detector.run({ [detector.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, DETECTION_SIZE, DETECTION_SIZE]) });
    const tensors = detector.outputNames.map((n) => ({ dims: outputs[n]!.dims, data: outputs[n]!.data as Float32Array }));
    return decodeScrfd(groupScrfdOutputs(tensors, DETECTION_SIZE), DETECTION_SIZE, scale, minScore).filter((f) => f.landmarks.length === 5);
  }

  async function embed(crops: Buffer[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    const plane = cropSize * cropSize;
    for (let start = 0; start < crops.length; start += Math.min(batches, crops.length)) {
      const batch = crops.slice(start, start + Math.min(batches, crops.length));
      const input = new Float32Array(batch.length * 3 * plane);
      batch.forEach((crop, n) => {
        for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) input[n * 3 * plane + c * plane + i] = (crop[i * 3 + c]! - 127.5) / 127.5;
      });
      const output = await recognizer.run({ [recognizer.inputNames[0]!]: new ort.Tensor('float32', input, [batch.length, 3, cropSize, cropSize]) });
      const data = output[recognizer.outputNames[0]!]!.data as Float32Array;
      const size = data.length / batch.length;
      for (let n = 0; n < batch.length; n++) vectors.push(l2Normalize(data.slice(n * size, (n + 1) * size)));
    }
    return vectors;
  }

  return {
    name,
    async analyze(image, minScore) {
      const { data, info } = await sharp(image, { failOn: 'error' }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      const faces = await detect(data, info.width, info.height, minScore);
      const embeddings = await embed(faces.map((f) => warpFace(data, info.width, info.height, f.landmarks, cropSize)));
      return { width: info.width, height: info.height, faces: faces.map((f, i) => ({ ...f, embedding: embeddings[i]! })) };
    },
  };
}
