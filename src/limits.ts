/** PROTOCOL.md §1.5: every numeric limit in one place. */
export const LIMITS = {
  sourceBytes: 20 * 1024 * 1024,
  sourceSide: 30_000,
  sourcePixels: 200_000_000,
  outputSide: 9_999,
  outputBytes: 20 * 1024 * 1024,
  actions: 16,
  outputFrames: 20,
} as const;
