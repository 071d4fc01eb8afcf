import path from 'node:path';

/**
 * Google Takeout puts each photo's metadata in a JSON sidecar whose name is only mostly the
 * photo's: these are the quirks seen in real exports, tried in this order.
 */
const SIDECAR_MAX = 51; // Takeout cuts a sidecar's whole name, ".json" included, to this length
const SUPPLEMENTAL = '.supplemental-metadata';
/** Suffixes Google Photos gives edited copies, which share the original's sidecar (several languages). */
const EDITED = ['-edited', '-bearbeitet', '-modifié', '-modificato', '-editado', '-bewerkt', '-編集済み'];

/** Sidecar names a media file may have, most likely first. */
export function sidecarCandidates(mediaName: string): string[] {
  const candidates: string[] = [];
  const add = (stem: string, counter = '') => {
    // Classic: IMG_1.jpg.json; counted copies move the counter behind: IMG_1.jpg(1).json.
    candidates.push(truncate(`${stem}${counter}`, '.json'));
    candidates.push(truncate(`${stem}${SUPPLEMENTAL}${counter}`, '.json'));
    // The supplemental suffix itself is cut short when the name is long.
    for (let cut = SUPPLEMENTAL.length - 1; cut > 1; cut--) candidates.push(truncate(`${stem}${SUPPLEMENTAL.slice(0, cut)}${counter}`, '.json'));
  };
  const counted = /^(.*)(\(\d+\))(\.[^.]+)$/.exec(mediaName);
  if (counted) add(`${counted[1]}${counted[3]}`, counted[2]);
  add(mediaName);
  const ext = path.extname(mediaName);
  const base = mediaName.slice(0, mediaName.length - ext.length);
  for (const suffix of EDITED) {
    if (base.toLowerCase().endsWith(suffix)) add(`${base.slice(0, base.length - suffix.length)}${ext}`);
  }
  // Some exports name the sidecar without the media extension.
  candidates.push(truncate(base, '.json'));
  return [...new Set(candidates)];
}

function truncate(stem: string, extension: string): string {
  return `${[...stem].slice(0, SIDECAR_MAX - extension.length).join('')}${extension}`;
}

export interface SidecarMatch {
  media: string;
  sidecar: string | undefined;
}

/**
 * Pairs media files with sidecars within one album folder (Takeout keeps them together,
 * though split archives may put them in different .zip files: merge folders first). A
 * live photo's video part has no sidecar of its own and borrows its still's.
 */
export function matchSidecars(mediaNames: string[], sidecarNames: string[]): { matches: SidecarMatch[]; unmatchedSidecars: string[] } {
  const available = new Set(sidecarNames);
  const used = new Set<string>();
  const byStem = new Map<string, string>();
  const matches = mediaNames.map((media) => {
    const sidecar = sidecarCandidates(media).find((candidate) => available.has(candidate));
    if (sidecar) {
      used.add(sidecar);
      byStem.set(stemOf(media), sidecar);
    }
    return { media, sidecar };
  });
  for (const match of matches) {
    if (!match.sidecar && /\.(mp4|mov)$/i.test(match.media)) match.sidecar = byStem.get(stemOf(match.media));
  }
  return { matches, unmatchedSidecars: sidecarNames.filter((name) => !used.has(name) && name !== 'metadata.json') };
}

function stemOf(name: string): string {
  return name.slice(0, name.length - path.extname(name).length).toLowerCase();
}
