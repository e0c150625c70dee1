/** The fewest insertions, deletions, substitutions and swaps of two neighbours that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  // Optimal string alignment distance, row by row.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * `; did you mean "x"?` for the candidate nearest to what was typed (at most one edit in a short
 * word, two in one of five letters or more, or a prefix of it), or '' when none is near.
 */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const limit = typed.length < 5 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = candidate.startsWith(typed) ? 0.5 : editDistance(typed, candidate);
    if (distance <= limit && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best === undefined ? '' : `; did you mean "${best.candidate}"?`;
}
