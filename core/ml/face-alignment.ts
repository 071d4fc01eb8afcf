/**
 * ArcFace's input: the face turned, scaled and moved so its five landmarks sit where the
 * model was trained to see them in a 112×112 crop (InsightFace's template), by the
 * least-squares similarity transform (Umeyama) from the detected landmarks.
 */
export const ARCFACE_TEMPLATE: Array<[number, number]> = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** [a, b, tx, ty]: maps (x, y) to (a·x − b·y + tx, b·x + a·y + ty). */
export type Similarity = [number, number, number, number];

export function similarityTransform(from: Array<[number, number]>, to: Array<[number, number]>): Similarity {
  const n = from.length;
  const mean = (points: Array<[number, number]>) => points.reduce(([sx, sy], [x, y]) => [sx + x / n, sy + y / n], [0, 0]);
  const [fx, fy] = mean(from);
  const [tx, ty] = mean(to);
  let dot = 0;
  let cross = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = [from[i]![0] - fx, from[i]![1] - fy];
    const [u, v] = [to[i]![0] - tx, to[i]![1] - ty];
    dot += x * u + y * v;
    cross += x * v - y * u;
    variance += x * x + y * y;
  }
  const a = dot / (variance || 1);
  const b = cross / (variance || 1);
  return [a, b, tx - (a * fx - b * fy), ty - (b * fx + a * fy)];
}

/** The aligned size×size RGB crop, sampled bilinearly from the picture (outside it: black). */
export function warpFace(rgb: Buffer, width: number, height: number, landmarks: Array<[number, number]>, size = 112): Buffer {
  const [a, b, tx, ty] = similarityTransform(landmarks, ARCFACE_TEMPLATE.map(([x, y]) => [(x * size) / 112, (y * size) / 112]));
  // Inverse of the similarity: from crop pixels back into the picture.
  const det = a * a + b * b || 1;
  const out = Buffer.alloc(size * size * 3);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const du = u - tx;
      const dv = v - ty;
      const x = (a * du + b * dv) / det;
      const y = (-b * du + a * dv) / det;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const wx = x - x0;
      const wy = y - y0;
      for (let c = 0; c < 3; c++) {
        const at = (px: number, py: number) => (px >= 0 && py >= 0 && px < width && py < height ? rgb[(py * width + px) * 3 + c]! : 0);
        const top = at(x0, y0) * (1 - wx) + at(x0 + 1, y0) * wx;
        const bottom = at(x0, y0 + 1) * (1 - wx) + at(x0 + 1, y0 + 1) * wx;
        out[(v * size + u) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}
