/**
 * Tiny real ONNX models, written as protobuf by hand, with the inputs and outputs of the
 * real model packs (Immich's CLIP ViT-B-32 and InsightFace's buffalo packs). onnxruntime
 * loads and runs them like the real ones, so every test exercises the true path —
 * session, pre-processing, inference, decoding — in milliseconds and with no download.
 */

// ---- protobuf wire format: just what ModelProto needs ----
type Field = Buffer;

function varint(value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // negative int64: two's complement, ten bytes
  const bytes: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number | bigint): Field => Buffer.concat([key(field, 0), varint(value)]);
const bytes = (field: number, value: Buffer | string): Field => {
  const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([key(field, 2), varint(data.length), data]);
};
const message = (field: number, parts: Field[]): Field => bytes(field, Buffer.concat(parts));
const float = (field: number, value: number): Field => {
  const data = Buffer.alloc(4);
  data.writeFloatLE(value);
  return Buffer.concat([key(field, 5), data]);
};

// ---- ONNX messages ----
export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;

export interface Tensor {
  name: string;
  type: typeof FLOAT | typeof INT32 | typeof INT64;
  dims: number[];
  values: ArrayLike<number>;
}

function tensor(field: number, t: Tensor): Field {
  const raw =
    t.type === FLOAT
      ? Buffer.from(new Float32Array(Array.from(t.values)).buffer)
      : t.type === INT32
        ? Buffer.from(new Int32Array(Array.from(t.values)).buffer)
        : Buffer.from(new BigInt64Array(Array.from(t.values, (v) => BigInt(v))).buffer);
  return message(field, [...t.dims.map((d) => int(1, d)), int(2, t.type), bytes(8, t.name), bytes(9, raw)]);
}

type Attribute = number | number[] | { tensor: Tensor } | { floats: number[] };

function attribute(name: string, value: Attribute): Field {
  if (typeof value === 'number') return message(5, [bytes(1, name), int(3, value), int(20, 2)]);
  if (Array.isArray(value)) return message(5, [bytes(1, name), ...value.map((v) => int(8, v)), int(20, 7)]);
  if ('tensor' in value) return message(5, [bytes(1, name), tensor(5, value.tensor), int(20, 4)]);
  return message(5, [bytes(1, name), ...value.floats.map((v) => float(7, v)), int(20, 6)]);
}

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, Attribute>;
}

export interface ValueInfo {
  name: string;
  type: Tensor['type'];
  /** A number is a fixed size, a string a named (dynamic) one such as the batch. */
  shape: Array<number | string>;
}

function valueInfo(field: number, v: ValueInfo): Field {
  const dims = v.shape.map((d) => message(1, [typeof d === 'number' ? int(1, d) : bytes(2, d)]));
  return message(field, [bytes(1, v.name), message(2, [message(1, [int(1, v.type), message(2, dims)])])]);
}

export function onnxModel(graph: { nodes: Node[]; initializers: Tensor[]; inputs: ValueInfo[]; outputs: ValueInfo[] }): Buffer {
  const nodes = graph.nodes.map((n, i) =>
    message(1, [
      ...n.inputs.map((x) => bytes(1, x)),
      ...n.outputs.map((x) => bytes(2, x)),
      bytes(3, `${n.op}_${i}`),
      bytes(4, n.op),
      ...Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
    ]),
  );
  const body = Buffer.concat([
    ...nodes,
    bytes(2, 'shoebox-test'),
    ...graph.initializers.map((t) => tensor(5, t)),
    ...graph.inputs.map((v) => valueInfo(11, v)),
    ...graph.outputs.map((v) => valueInfo(12, v)),
  ]);
  return Buffer.concat([int(1, 8), bytes(2, 'shoebox-tests'), message(7, [body]), message(8, [bytes(1, ''), int(2, 17)])]);
}

// ---- the models ----

/** Columns 0..2 of a [3, dim] matrix are the unit vectors: colour i becomes axis i. */
function axes(rows: number, dim: number): number[] {
  const values = new Array<number>(rows * dim).fill(0);
  for (let r = 0; r < rows; r++) values[r * dim + r] = 1;
  return values;
}

/**
 * CLIP's image tower, shaped like ViT-B-32's (`image` [N,3,224,224] → `embedding` [N,dim]):
 * the mean of each normalised colour channel, put on the first three axes, plus a small
 * constant so no vector is zero. Red pictures point along axis 0, green along 1, blue along 2.
 */
export function tinyClipVisual(dim = 512, size = 224): Buffer {
  return onnxModel({
    inputs: [{ name: 'image', type: FLOAT, shape: ['batch', 3, size, size] }],
    outputs: [{ name: 'embedding', type: FLOAT, shape: ['batch', dim] }],
    initializers: [
      { name: 'W', type: FLOAT, dims: [3, dim], values: axes(3, dim) },
      { name: 'bias', type: FLOAT, dims: [dim], values: Array.from({ length: dim }, (_, i) => (i === 3 ? 0.05 : 0)) },
    ],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['flat', 'W'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'bias'], outputs: ['embedding'] },
    ],
  });
}

/**
 * CLIP's text tower, shaped like ViT-B-32's (`text` int32 [N,77] → `embedding` [N,dim]):
 * whether each of three given token ids occurs, on the same three axes as the image tower
 * — so the text "red" lands next to red pictures, as a real CLIP would put them.
 */
export function tinyClipTextual(tokenIds: [number, number, number], dim = 512, context = 77): Buffer {
  return onnxModel({
    inputs: [{ name: 'text', type: INT32, shape: ['batch', context] }],
    outputs: [{ name: 'embedding', type: FLOAT, shape: ['batch', dim] }],
    initializers: [
      { name: 'words', type: INT32, dims: [3, 1, 1], values: tokenIds },
      { name: 'W', type: FLOAT, dims: [3, dim], values: axes(3, dim) },
      { name: 'bias', type: FLOAT, dims: [dim], values: Array.from({ length: dim }, (_, i) => (i === 3 ? 0.05 : 0)) },
    ],
    nodes: [
      // [3,1,1] == [N,77] broadcasts to [3,N,77]; any match along the sequence → [3,N].
      { op: 'Equal', inputs: ['words', 'text'], outputs: ['matches'] },
      { op: 'Cast', inputs: ['matches'], outputs: ['found'], attributes: { to: FLOAT } },
      { op: 'ReduceMax', inputs: ['found'], outputs: ['present'], attributes: { axes: [2], keepdims: 0 } },
      { op: 'Transpose', inputs: ['present'], outputs: ['byText'], attributes: { perm: [1, 0] } },
      { op: 'MatMul', inputs: ['byText', 'W'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'bias'], outputs: ['embedding'] },
    ],
  });
}

/**
 * SCRFD's outputs for a 640×640 input (scores, boxes, landmarks at strides 8, 16, 32) with
 * one face, always in the same place: its box (96,48)–(224,208) and five landmarks around
 * the anchor at (160,128). The real decoding, alignment and storage run on it.
 */
export function tinyFaceDetector(): Buffer {
  const strides = [8, 16, 32];
  const initializers: Tensor[] = [];
  const nodes: Node[] = [
    { op: 'ReduceMean', inputs: ['input.1'], outputs: ['mean'], attributes: { keepdims: 0 } },
    { op: 'Mul', inputs: ['mean', 'zero'], outputs: ['nothing'] },
  ];
  initializers.push({ name: 'zero', type: FLOAT, dims: [], values: [0] });
  const outputs: ValueInfo[] = [];
  for (const kind of ['score', 'box', 'kps'] as const) {
    const width = kind === 'score' ? 1 : kind === 'box' ? 4 : 10;
    for (const stride of strides) {
      const anchors = (640 / stride) ** 2 * 2;
      const values = new Float32Array(anchors * width);
      if (stride === 32) {
        const anchor = (4 * 20 + 5) * 2; // cell (5, 4): centre (160, 128)
        const face = { score: [0.95], box: [2, 2.5, 2, 2.5], kps: [-0.6, -0.5, 0.6, -0.5, 0, 0, -0.5, 0.6, 0.5, 0.6] }[kind];
        values.set(face, anchor * width);
      }
      const name = `${kind}_${stride}`;
      initializers.push({ name: `${name}_value`, type: FLOAT, dims: [anchors, width], values });
      // Add "nothing" (the input times zero) so the output depends on the input, as a real one does.
      nodes.push({ op: 'Add', inputs: [`${name}_value`, 'nothing'], outputs: [name] });
      outputs.push({ name, type: FLOAT, shape: [anchors, width] });
    }
  }
  return onnxModel({ inputs: [{ name: 'input.1', type: FLOAT, shape: [1, 3, '?', '?'] }], outputs, initializers, nodes });
}

/** ArcFace-shaped (`input.1` [N,3,112,112] → [N,dim]): the crop's mean colour on the first three axes. */
export function tinyFaceRecognizer(dim = 512): Buffer {
  return onnxModel({
    inputs: [{ name: 'input.1', type: FLOAT, shape: ['batch', 3, 112, 112] }],
    outputs: [{ name: 'embedding', type: FLOAT, shape: ['batch', dim] }],
    initializers: [
      { name: 'W', type: FLOAT, dims: [3, dim], values: axes(3, dim) },
      { name: 'offset', type: FLOAT, dims: [3], values: [1, 1, 1] },
    ],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['input.1'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attributes: { axis: 1 } },
      // Inputs are in −1..1; shifted to 0..2 so a dark channel is near zero, not negative.
      { op: 'Add', inputs: ['flat', 'offset'], outputs: ['shifted'] },
      { op: 'MatMul', inputs: ['shifted', 'W'], outputs: ['embedding'] },
    ],
  });
}

/**
 * An M-CLIP-shaped text tower (`input_ids`, `attention_mask` int32 [N,context]) whose
 * "embedding" is [tokens the mask marks, ids equal to `padId`]: what the tokenizer fed it.
 */
export function tinyMaskedTextCounter(padId: number, context = 77): Buffer {
  return onnxModel({
    inputs: [
      { name: 'input_ids', type: INT32, shape: ['batch', context] },
      { name: 'attention_mask', type: INT32, shape: ['batch', context] },
    ],
    outputs: [{ name: 'embedding', type: FLOAT, shape: ['batch', 2] }],
    initializers: [
      { name: 'pad', type: INT32, dims: [], values: [padId] },
      { name: 'axis', type: INT64, dims: [1], values: [1] },
    ],
    nodes: [
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['maskFloat'], attributes: { to: FLOAT } },
      { op: 'ReduceSum', inputs: ['maskFloat', 'axis'], outputs: ['tokens'], attributes: { keepdims: 1 } },
      { op: 'Equal', inputs: ['input_ids', 'pad'], outputs: ['isPad'] },
      { op: 'Cast', inputs: ['isPad'], outputs: ['padFloat'], attributes: { to: FLOAT } },
      { op: 'ReduceSum', inputs: ['padFloat', 'axis'], outputs: ['pads'], attributes: { keepdims: 1 } },
      { op: 'Concat', inputs: ['tokens', 'pads'], outputs: ['embedding'], attributes: { axis: 1 } },
    ],
  });
}
