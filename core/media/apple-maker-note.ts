/**
 * Apple's MakerNote ("Apple iOS\0", version, "MM", then a big-endian IFD whose offsets count
 * from the start of the note). Tag 0x11 is the ContentIdentifier that an iPhone writes into
 * both halves of a live photo — the still and its MOV — which is how they find each other.
 */
const HEADER = 'Apple iOS\0';
const CONTENT_IDENTIFIER = 0x0011;
const ASCII = 2;

export function appleContentIdentifier(note: Uint8Array | undefined): string | undefined {
  if (!note || note.length < 16) return undefined;
  const bytes = Buffer.from(note.buffer, note.byteOffset, note.byteLength);
  if (bytes.toString('latin1', 0, HEADER.length) !== HEADER || bytes.toString('latin1', 12, 14) !== 'MM') return undefined;
  const count = bytes.readUInt16BE(14);
  for (let i = 0; i < count; i++) {
    const entry = 16 + i * 12;
    if (entry + 12 > bytes.length) return undefined;
    if (bytes.readUInt16BE(entry) !== CONTENT_IDENTIFIER || bytes.readUInt16BE(entry + 2) !== ASCII) continue;
    const length = bytes.readUInt32BE(entry + 4);
    const start = length <= 4 ? entry + 8 : bytes.readUInt32BE(entry + 8);
    if (length > 256 || start + length > bytes.length) return undefined;
    const value = bytes.toString('latin1', start, start + length).replace(/\0+$/, '').trim();
    return value || undefined;
  }
  return undefined;
}
