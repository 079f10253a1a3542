import type { ColourProfile, ToneCurve } from '../../kernels/colour';

/**
 * ICC profiles of the matrix/TRC kind (RGB: colorants and tone curves; GRAY: one tone curve),
 * which is what cameras, phones and editors embed (Display P3, Adobe RGB, grey gamma 2.2). Their
 * conversion to sRGB is exact arithmetic, so no colour management engine is needed. Other
 * profiles (LUT-based, CMYK) are reported as unsupported and the pixels are left as decoded.
 */

/** Where the probe found a profile; PNG stores it deflated. */
export interface EmbeddedProfile {
  data: Uint8Array;
  deflated: boolean;
}

const s15Fixed16 = (view: DataView, at: number) => view.getInt32(at) / 65536;

function readCurve(view: DataView, at: number): ToneCurve | undefined {
  const type = String.fromCharCode(
    view.getUint8(at),
    view.getUint8(at + 1),
    view.getUint8(at + 2),
    view.getUint8(at + 3),
  );
  if (type === 'curv') {
    const count = view.getUint32(at + 8);
    if (count === 0) return (v) => v;
    if (count === 1) {
      const gamma = view.getUint16(at + 12) / 256;
      return (v) => v ** gamma;
    }
    const table = Array.from({ length: count }, (_, i) => view.getUint16(at + 12 + 2 * i) / 65535);
    return (v) => {
      const position = v * (count - 1);
      const i = Math.min(count - 2, Math.floor(position));
      const f = position - i;
      return (table[i] as number) * (1 - f) + (table[i + 1] as number) * f;
    };
  }
  if (type === 'para') {
    const fn = view.getUint16(at + 8);
    const counts = [1, 3, 4, 5, 7];
    const n = counts[fn];
    if (n === undefined) return undefined;
    const [g = 1, a = 1, b = 0, c = 0, d = 0, e = 0, f = 0] = Array.from({ length: n }, (_, i) =>
      s15Fixed16(view, at + 12 + 4 * i),
    );
    const power = (x: number) => (x > 0 ? x ** g : 0);
    switch (fn) {
      case 0:
        return (x) => power(x);
      case 1:
        return (x) => (x >= -b / a ? power(a * x + b) : 0);
      case 2:
        return (x) => (x >= -b / a ? power(a * x + b) + c : c);
      case 3:
        return (x) => (x >= d ? power(a * x + b) : c * x);
      default:
        return (x) => (x >= d ? power(a * x + b) + e : c * x + f);
    }
  }
  return undefined;
}

/** Parses a matrix/TRC profile; undefined for anything else or anything malformed. */
export function parseIccProfile(icc: Uint8Array): ColourProfile | undefined {
  if (icc.length < 132) return undefined;
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const space = String.fromCharCode(...icc.subarray(16, 20));
  const count = view.getUint32(128);
  const tags = new Map<string, number>();
  for (let i = 0; i < count && 132 + i * 12 + 12 <= icc.length; i++) {
    const entry = 132 + i * 12;
    const offset = view.getUint32(entry + 4);
    const size = view.getUint32(entry + 8);
    if (offset + size > icc.length || size < 12) continue;
    tags.set(String.fromCharCode(...icc.subarray(entry, entry + 4)), offset);
  }
  try {
    if (space === 'GRAY') {
      const at = tags.get('kTRC');
      const curve = at === undefined ? undefined : readCurve(view, at);
      return curve ? { kind: 'gray', curve } : undefined;
    }
    if (space !== 'RGB ') return undefined;
    const toXyz: number[] = [];
    const curves: ToneCurve[] = [];
    for (const channel of ['r', 'g', 'b']) {
      const xyz = tags.get(`${channel}XYZ`);
      const trc = tags.get(`${channel}TRC`);
      if (xyz === undefined || trc === undefined) return undefined;
      const curve = readCurve(view, trc);
      if (!curve) return undefined;
      curves.push(curve);
      toXyz.push(s15Fixed16(view, xyz + 8), s15Fixed16(view, xyz + 12), s15Fixed16(view, xyz + 16));
    }
    // toXyz holds the colorants as rows (r, g, b); the conversion wants them as columns.
    const m = toXyz;
    return {
      kind: 'rgb',
      toXyz: [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]] as number[],
      curves: curves as [ToneCurve, ToneCurve, ToneCurve],
    };
  } catch {
    return undefined;
  }
}

/** The profile bytes, inflated when PNG stored them compressed. */
export async function readEmbeddedProfile(
  embedded: EmbeddedProfile,
): Promise<ColourProfile | undefined> {
  if (!embedded.deflated) return parseIccProfile(embedded.data);
  try {
    const stream = new Blob([embedded.data])
      .stream()
      .pipeThrough(new DecompressionStream('deflate'));
    return parseIccProfile(new Uint8Array(await new Response(stream).arrayBuffer()));
  } catch {
    return undefined;
  }
}
