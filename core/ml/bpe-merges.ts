/**
 * Byte-pair merging, shared by CLIP's tokenizer and SentencePiece's BPE: repeatedly join the
 * adjacent pair with the lowest merge rank (every occurrence of it, left to right) until no
 * adjacent pair has a rank.
 */
export function mergeByRank(pieces: string[], ranks: Map<string, number>): string[] {
  let parts = pieces;
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < parts.length - 1; i++) {
      const rank = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
    }
    if (best < 0) return parts;
    const [a, b] = [parts[best]!, parts[best + 1]!];
    const merged: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) merged.push(a + b), i++;
      else merged.push(parts[i]!);
    }
    parts = merged;
  }
}
