// mulberry32: a tiny seeded PRNG, so generated inputs are byte-identical on every run (the bench's
// grain, the JPEG build checks' noise, the fuzzer's mutants).

/** A generator of numbers in [0, 1) from `seed`. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
