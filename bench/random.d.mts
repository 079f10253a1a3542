/** A generator of numbers in [0, 1) from `seed` (mulberry32; see random.mjs). */
export function random(seed: number): () => number;
