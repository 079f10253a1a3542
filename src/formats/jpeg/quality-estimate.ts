/**
 * Estimates the libjpeg quality (1–100) a JPEG was saved with from its quantisation tables, by
 * finding the IJG scaling of the Annex K tables closest to them (PROTOCOL.md §3.14 `est`).
 */

// Annex K tables in natural (row-major) order.
const LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMINANCE = [
  17,
  18,
  24,
  47,
  99,
  99,
  99,
  99,
  18,
  21,
  26,
  66,
  99,
  99,
  99,
  99,
  24,
  26,
  56,
  99,
  99,
  99,
  99,
  99,
  47,
  66,
  ...new Array<number>(38).fill(99),
];
/** Natural index of the k-th coefficient in zig-zag order (DQT stores zig-zag order). */
export const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
  13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
  45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

const scaled = (table: number[], quality: number): number[] => {
  const scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
  return table.map((v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
};

/**
 * Both Annex K tables at every quality, built once per isolate on first use: every JPEG request
 * estimates, and building 200 tables each time was a tenth of a small thumbnail's render.
 */
let scaledTables: { luma: Uint8Array; chroma: Uint8Array } | undefined;
function tablesByQuality(): { luma: Uint8Array; chroma: Uint8Array } {
  if (scaledTables) return scaledTables;
  const luma = new Uint8Array(100 * 64);
  const chroma = new Uint8Array(100 * 64);
  for (let q = 1; q <= 100; q++) {
    luma.set(scaled(LUMINANCE, q), (q - 1) * 64);
    chroma.set(scaled(CHROMINANCE, q), (q - 1) * 64);
  }
  scaledTables = { luma, chroma };
  return scaledTables;
}

const distance = (scaledTable: Uint8Array, q: number, table: number[]) => {
  let error = 0;
  const base = (q - 1) * 64;
  for (let i = 0; i < 64; i++)
    error += Math.abs((scaledTable[base + i] as number) - (table[i] as number));
  return error;
};

/** Tables are indexed by their DQT id (0 luminance, 1 chrominance), values in natural order. */
export function estimateJpegQuality(tables: ReadonlyMap<number, number[]>): number | undefined {
  const luma = tables.get(0);
  if (!luma) return undefined;
  const chroma = tables.get(1);
  const byQuality = tablesByQuality();
  let best = 100;
  let bestError = Infinity;
  for (let q = 1; q <= 100; q++) {
    let error = distance(byQuality.luma, q, luma);
    if (chroma) error += distance(byQuality.chroma, q, chroma);
    // Ties (identical tables) resolve to the highest quality that produces them.
    if (error <= bestError) {
      bestError = error;
      best = q;
    }
  }
  return best;
}
