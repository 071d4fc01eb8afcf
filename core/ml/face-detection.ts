/**
 * SCRFD (InsightFace's detector in the buffalo packs) decoding. The model sees the picture
 * letterboxed into a square (scaled to fit, top-left, zero padding) and answers, for each
 * stride 8/16/32 and two anchors per cell, a score, distances from the anchor centre to the
 * box's four sides and offsets of five landmarks (eyes, nose, mouth corners), in strides.
 */
export interface DetectedFace {
  /** x1, y1, x2, y2 in the original picture's pixels. */
  box: [number, number, number, number];
  score: number;
  /** Left eye, right eye, nose, left and right mouth corners: [x, y] in the picture's pixels. */
  landmarks: Array<[number, number]>;
}

export interface StrideOutputs {
  stride: number;
  scores: Float32Array;
  boxes: Float32Array;
  landmarks: Float32Array | undefined;
}

const ANCHORS_PER_CELL = 2;

/**
 * Tells the nine (or six, without landmarks) outputs apart by their shapes — exporters name
 * them arbitrarily — and the stride by the anchor count: (size / stride)² × 2.
 */
export function groupScrfdOutputs(outputs: Array<{ dims: readonly number[]; data: Float32Array }>, inputSize: number): StrideOutputs[] {
  const byStride = new Map<number, Partial<StrideOutputs>>();
  for (const { dims, data } of outputs) {
    const width = dims[dims.length - 1]!;
    const anchors = data.length / width;
    const cells = anchors / ANCHORS_PER_CELL;
    const stride = inputSize / Math.sqrt(cells);
    if (![8, 16, 32, 64, 128].includes(stride)) throw new Error(`unexpected detector output of shape [${dims.join(',')}]`);
    const entry = byStride.get(stride) ?? { stride };
    if (width === 1) entry.scores = data;
    else if (width === 4) entry.boxes = data;
    else if (width === 10) entry.landmarks = data;
    byStride.set(stride, entry);
  }
  return [...byStride.values()]
    .filter((s): s is StrideOutputs => Boolean(s.scores && s.boxes))
    .sort((a, b) => a.stride - b.stride);
}

/** Faces above `minScore`, in letterbox pixels scaled back by `scale`, overlapping ones suppressed. */
export function decodeScrfd(strides: StrideOutputs[], inputSize: number, scale: number, minScore: number): DetectedFace[] {
  const found: DetectedFace[] = [];
  for (const { stride, scores, boxes, landmarks } of strides) {
    const cellsPerRow = inputSize / stride;
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i]!;
      if (!(score >= minScore)) continue;
      const cell = Math.floor(i / ANCHORS_PER_CELL);
      const cx = (cell % cellsPerRow) * stride;
      const cy = Math.floor(cell / cellsPerRow) * stride;
      const d = (k: number) => boxes[i * 4 + k]! * stride;
      const box: DetectedFace['box'] = [(cx - d(0)) / scale, (cy - d(1)) / scale, (cx + d(2)) / scale, (cy + d(3)) / scale];
      const points: Array<[number, number]> = [];
      for (let p = 0; p < 5 && landmarks; p++) {
        points.push([(cx + landmarks[i * 10 + p * 2]! * stride) / scale, (cy + landmarks[i * 10 + p * 2 + 1]! * stride) / scale]);
      }
      found.push({ box, score, landmarks: points });
    }
  }
  return nonMaximumSuppression(found, 0.4);
}

/** Best first; a face overlapping a better one by more than `threshold` (IoU) is the same face. */
export function nonMaximumSuppression(faces: DetectedFace[], threshold: number): DetectedFace[] {
  const kept: DetectedFace[] = [];
  for (const face of [...faces].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => intersectionOverUnion(k.box, face.box) <= threshold)) kept.push(face);
  }
  return kept;
}

function intersectionOverUnion(a: DetectedFace['box'], b: DetectedFace['box']): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const area = (box: DetectedFace['box']) => (box[2] - box[0]) * (box[3] - box[1]);
  return inter / (area(a) + area(b) - inter || 1);
}
