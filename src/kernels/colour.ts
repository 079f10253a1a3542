/** An ICC profile reduced to what the conversion needs (parsed by formats/metadata/icc.ts). */
export type ColourProfile =
  | { kind: 'rgb'; toXyz: number[]; curves: [ToneCurve, ToneCurve, ToneCurve] }
  | { kind: 'gray'; curve: ToneCurve };

/** Encoded value 0..1 → linear light 0..1. */
export type ToneCurve = (value: number) => number;

/** Linear sRGB from XYZ (D50, as ICC profiles' connection space): Bradford-adapted sRGB⁻¹. */
const XYZ_D50_TO_SRGB = [
  3.1338561, -1.6168667, -0.4906146, -0.9787684, 1.9161415, 0.033454, 0.0719453, -0.2289914,
  1.4052427,
];

const encodeSrgb = (linear: number) =>
  linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055;

/** Linear 0..1 → sRGB 8-bit, through a 4096-step table (finer than 8-bit output needs). */
const ENCODE_STEPS = 4096;
const encodeTable = Uint8Array.from({ length: ENCODE_STEPS + 1 }, (_, i) =>
  Math.round(255 * encodeSrgb(i / ENCODE_STEPS)),
);
const encode = (linear: number) =>
  encodeTable[Math.round(Math.min(1, Math.max(0, linear)) * ENCODE_STEPS)] as number;

/** The profile's 8-bit → linear tables and the combined matrix into linear sRGB. */
function conversion(profile: ColourProfile) {
  const table = (curve: (v: number) => number) =>
    Float32Array.from({ length: 256 }, (_, i) => curve(i / 255));
  if (profile.kind === 'gray') {
    const t = table(profile.curve);
    return { tables: [t, t, t], matrix: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  }
  const m = XYZ_D50_TO_SRGB;
  const p = profile.toXyz;
  const matrix = [0, 1, 2].flatMap((row) =>
    [0, 1, 2].map(
      (col) =>
        (m[row * 3] as number) * (p[col] as number) +
        (m[row * 3 + 1] as number) * (p[3 + col] as number) +
        (m[row * 3 + 2] as number) * (p[6 + col] as number),
    ),
  );
  return { tables: profile.curves.map(table), matrix };
}

/** True when converting through the profile moves no 8-bit value by more than one level. */
function isAlreadySrgb(convert: (r: number, g: number, b: number) => number[]): boolean {
  for (let r = 0; r < 256; r += 17)
    for (let g = 0; g < 256; g += 17)
      for (let b = 0; b < 256; b += 17) {
        const [R, G, B] = convert(r, g, b);
        if (Math.abs((R as number) - r) > 1 || Math.abs((G as number) - g) > 1) return false;
        if (Math.abs((B as number) - b) > 1) return false;
      }
  return true;
}

/**
 * A converter of RGBA pixels from the embedded profile to sRGB in place (PROTOCOL.md §7.3:
 * outputs carry no profile, so the pixels must be sRGB), for whole frames or strips of rows as
 * they stream by. Undefined when the profile already is sRGB and nothing needs doing.
 */
export function srgbConverter(profile: ColourProfile): ((data: Uint8Array) => void) | undefined {
  const { tables, matrix } = conversion(profile);
  const [tr, tg, tb] = tables as [Float32Array, Float32Array, Float32Array];
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = matrix as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const convert = (r: number, g: number, b: number) => {
    const lr = tr[r] as number;
    const lg = tg[g] as number;
    const lb = tb[b] as number;
    return [
      encode(m0 * lr + m1 * lg + m2 * lb),
      encode(m3 * lr + m4 * lg + m5 * lb),
      encode(m6 * lr + m7 * lg + m8 * lb),
    ];
  };
  if (isAlreadySrgb(convert)) return undefined;
  return (data) => {
    for (let i = 0; i < data.length; i += 4) {
      const lr = tr[data[i] as number] as number;
      const lg = tg[data[i + 1] as number] as number;
      const lb = tb[data[i + 2] as number] as number;
      data[i] = encode(m0 * lr + m1 * lg + m2 * lb);
      data[i + 1] = encode(m3 * lr + m4 * lg + m5 * lb);
      data[i + 2] = encode(m6 * lr + m7 * lg + m8 * lb);
    }
  };
}
