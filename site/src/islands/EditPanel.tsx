import { useEffect, useState } from 'preact/hooks';
import { api, type Asset } from '../lib/api';

/** Immich's AssetEditActionItemDto. */
type PictureEdit =
  | { action: 'crop'; parameters: { x: number; y: number; width: number; height: number } }
  | { action: 'rotate'; parameters: { angle: 0 | 90 | 180 | 270 } }
  | { action: 'mirror'; parameters: { axis: 'horizontal' | 'vertical' } };

interface EditState {
  /** Width ÷ height of a centred crop, or null for the whole picture. */
  aspect: number | null;
  angle: 0 | 90 | 180 | 270;
  mirrored: boolean;
}

const ASPECTS: Array<[string, number | null]> = [
  ['Whole picture', null],
  ['Square', 1],
  ['4:3', 4 / 3],
  ['3:2', 3 / 2],
  ['16:9', 16 / 9],
];

/** The largest centred crop of `aspect` in a picture of `width` × `height`. */
function centredCrop(width: number, height: number, aspect: number) {
  const w = Math.min(width, Math.round(height * aspect));
  const h = Math.min(height, Math.round(w / aspect));
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

function stateOf(edits: PictureEdit[]): EditState {
  const crop = edits.find((e) => e.action === 'crop');
  const rotate = edits.find((e) => e.action === 'rotate');
  return {
    aspect: crop?.action === 'crop' ? crop.parameters.width / crop.parameters.height : null,
    angle: rotate?.action === 'rotate' ? rotate.parameters.angle : 0,
    mirrored: edits.some((e) => e.action === 'mirror'),
  };
}

/**
 * Crop, rotate and mirror in the viewer's details, as edits kept beside the original (the
 * server makes the thumbnails again; the original file is never changed). `onEdited` hears
 * when the new preview is ready.
 */
export default function EditPanel({ asset, onEdited }: { asset: Asset; onEdited: () => void }) {
  const [state, setState] = useState<EditState | undefined>();
  const [original, setOriginal] = useState<{ width: number; height: number } | undefined>();
  const [note, setNote] = useState('');

  useEffect(() => {
    setState(undefined);
    // Crops are measured in the original's pixels, upright: its size before any edit.
    void api<{ edits: PictureEdit[]; originalWidth: number | null; originalHeight: number | null }>('GET', `/assets/${asset.id}/edits`).then(
      ({ edits, originalWidth, originalHeight }) => {
        setOriginal(originalWidth && originalHeight ? { width: originalWidth, height: originalHeight } : undefined);
        setState(stateOf(edits));
      },
      () => setState(undefined),
    );
  }, [asset.id]);

  if (!state || asset.type !== 'IMAGE') return null;

  async function apply(next: EditState) {
    setState(next);
    const edits: PictureEdit[] = [];
    if (next.aspect && original) edits.push({ action: 'crop', parameters: centredCrop(original.width, original.height, next.aspect) });
    if (next.angle) edits.push({ action: 'rotate', parameters: { angle: next.angle } });
    if (next.mirrored) edits.push({ action: 'mirror', parameters: { axis: 'horizontal' } });
    try {
      setNote('Saving…');
      const before = (await api<{ updatedAt: string }>('GET', `/assets/${asset.id}`)).updatedAt;
      if (edits.length === 0) await api('DELETE', `/assets/${asset.id}/edits`);
      else await api('PUT', `/assets/${asset.id}/edits`, { edits });
      // The thumbnails are made again in the background: wait for them (at most 20 s).
      for (let i = 0; i < 40; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        if ((await api<{ updatedAt: string }>('GET', `/assets/${asset.id}`)).updatedAt !== before) break;
      }
      setNote(edits.length === 0 ? 'Back to the original.' : 'Edited — the original file is kept as it was.');
      onEdited();
    } catch (error) {
      setNote((error as Error).message);
    }
  }

  const turn = (by: 90 | 270) => void apply({ ...state, angle: (((state.angle + by) % 360) as EditState['angle']) });
  return (
    <section class="edit-panel" aria-label="Edit">
      <h3>Edit</h3>
      <div class="edit-buttons">
        <button type="button" class="button" onClick={() => turn(270)}>
          Rotate left
        </button>
        <button type="button" class="button" onClick={() => turn(90)}>
          Rotate right
        </button>
        <button type="button" class="button" aria-pressed={state.mirrored} onClick={() => void apply({ ...state, mirrored: !state.mirrored })}>
          Mirror
        </button>
      </div>
      {original && (
        <label>
          Crop{' '}
          <select
            value={String(ASPECTS.find(([, a]) => a !== null && state.aspect !== null && Math.abs(a - state.aspect) < 0.02)?.[1] ?? '')}
            onChange={(e) => void apply({ ...state, aspect: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
          >
            {ASPECTS.map(([label, aspect]) => (
              <option key={label} value={aspect === null ? '' : String(aspect)}>
                {label}
              </option>
            ))}
          </select>
        </label>
      )}
      {(state.aspect || state.angle || state.mirrored) && (
        <button type="button" class="button" onClick={() => void apply({ aspect: null, angle: 0, mirrored: false })}>
          Undo all edits
        </button>
      )}
      <p role="status" class="note">
        {note}
      </p>
    </section>
  );
}
