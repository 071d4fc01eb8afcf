import { FLOAT, INT64, onnxModel, type Node, type Tensor } from '../../test/onnx-models.js';

/**
 * An ONNX model with the architecture and size of CLIP ViT-B/32's image tower (patch 32,
 * width 768, 12 layers of 12-head attention and a 3072 MLP with QuickGELU, 512-d
 * projection: 88 M parameters, 4.4 GFLOPs per image) and random weights. No real CLIP
 * weights can be fetched on the build machine; inference costs the same whatever the
 * weights, so this measures what the real pack would take.
 */
export function vitB32Visual(): Buffer {
  const width = 768;
  const heads = 12;
  const tokens = 50;
  const nodes: Node[] = [];
  const initializers: Tensor[] = [];
  let seed = 1;
  const random = (n: number, scale = 0.02) => {
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      values[i] = ((seed / 2 ** 32) * 2 - 1) * scale;
    }
    return values;
  };
  const weight = (name: string, dims: number[], scale?: number) => {
    initializers.push({ name, type: FLOAT, dims, values: random(dims.reduce((a, b) => a * b, 1), scale) });
    return name;
  };
  const constant = (name: string, values: number[], type: typeof FLOAT | typeof INT64 = INT64) => {
    initializers.push({ name, type, dims: [values.length], values });
    return name;
  };
  const op = (type: string, inputs: string[], attributes?: Node['attributes']) => {
    const out = `${type}_${nodes.length}`;
    nodes.push({ op: type, inputs, outputs: [out], attributes });
    return out;
  };
  const layerNorm = (x: string, name: string) => op('LayerNormalization', [x, weight(`${name}.g`, [width], 1), weight(`${name}.b`, [width])], { axis: -1 });
  const linear = (x: string, name: string, from: number, to: number) => op('Add', [op('MatMul', [x, weight(`${name}.w`, [from, to])]), weight(`${name}.b`, [to])]);

  constant('patches', [1, width, 49]);
  constant('heads', [1, tokens, heads, width / heads]);
  constant('merged', [1, tokens, width]);
  constant('thirds', [width, width, width]);
  constant('first', [0]);
  initializers.push({ name: 'scale', type: FLOAT, dims: [], values: [1 / Math.sqrt(width / heads)] });
  initializers.push({ name: 'gelu', type: FLOAT, dims: [], values: [1.702] });

  let x = op('Conv', ['image', weight('patch', [width, 3, 32, 32])], { strides: [32, 32] });
  x = op('Transpose', [op('Reshape', [x, 'patches'])], { perm: [0, 2, 1] });
  x = op('Concat', [weight('class', [1, 1, width]), x], { axis: 1 });
  x = layerNorm(op('Add', [x, weight('position', [1, tokens, width])]), 'ln_pre');
  for (let layer = 0; layer < 12; layer++) {
    const qkv = linear(layerNorm(x, `l${layer}.ln1`), `l${layer}.qkv`, width, 3 * width);
    const [q, k, v] = ['q', 'k', 'v'].map((part) => `${qkv}_${part}`);
    nodes.push({ op: 'Split', inputs: [qkv, 'thirds'], outputs: [q!, k!, v!], attributes: { axis: 2 } });
    const perHead = (t: string, perm: number[]) => op('Transpose', [op('Reshape', [t, 'heads'])], { perm });
    const scores = op('Mul', [op('MatMul', [perHead(q!, [0, 2, 1, 3]), perHead(k!, [0, 2, 3, 1])]), 'scale']);
    const attended = op('MatMul', [op('Softmax', [scores], { axis: -1 }), perHead(v!, [0, 2, 1, 3])]);
    const merged = op('Reshape', [op('Transpose', [attended], { perm: [0, 2, 1, 3] }), 'merged']);
    x = op('Add', [x, linear(merged, `l${layer}.out`, width, width)]);
    const hidden = linear(layerNorm(x, `l${layer}.ln2`), `l${layer}.fc`, width, 4 * width);
    const quickGelu = op('Mul', [hidden, op('Sigmoid', [op('Mul', [hidden, 'gelu'])])]);
    x = op('Add', [x, linear(quickGelu, `l${layer}.proj`, 4 * width, width)]);
  }
  const cls = layerNorm(op('Gather', [x, 'first'], { axis: 1 }), 'ln_post');
  const embedding = op('MatMul', [op('Reshape', [cls, constant('flat', [1, width])]), weight('projection', [width, 512])]);
  nodes.push({ op: 'Identity', inputs: [embedding], outputs: ['embedding'] });
  return onnxModel({
    inputs: [{ name: 'image', type: FLOAT, shape: [1, 3, 224, 224] }],
    outputs: [{ name: 'embedding', type: FLOAT, shape: [1, 512] }],
    initializers,
    nodes,
  });
}
