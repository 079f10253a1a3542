import { ascii, dataView } from '../probe-helpers';

/**
 * AVIF requires a `pixi` property (bits per channel) on its coded and grid items, and libavif as
 * @jsquash/avif builds it is strict and cannot be told otherwise: it refuses a file without one
 * ("[Strict] Item ID 1 of type 'av01' is missing mandatory pixi property"). Older writers omit it
 * (libheif up to 1.9, whose own example.avif is one), and other decoders read such files. The
 * property follows from the item's `av1C` (a grid: its first tile's), so this adds the one that
 * is missing, to a copy: the `meta` box becomes a `free` box of the same size and the amended
 * `meta` goes at the end, so no item moves. The bytes themselves when nothing is missing or the
 * boxes are not as expected (the decoder then answers for them).
 */
export function withPixiProperties(bytes: Uint8Array): Uint8Array {
  try {
    return amended(bytes) ?? bytes;
  } catch {
    return bytes;
  }
}

interface Box {
  type: string;
  start: number;
  /** After the size, type and any 64-bit size. */
  body: number;
  end: number;
}

/** The boxes in [start, end); undefined when one does not fit. */
function boxesIn(bytes: Uint8Array, start: number, end: number): Box[] | undefined {
  const view = dataView(bytes);
  const boxes: Box[] = [];
  for (let pos = start; pos + 8 <= end;) {
    const small = view.getUint32(pos);
    const body = pos + (small === 1 ? 16 : 8);
    const size = small === 1 ? Number(view.getBigUint64(pos + 8)) : small === 0 ? end - pos : small;
    if (size < body - pos || pos + size > end) return undefined;
    boxes.push({ type: ascii(bytes, pos + 4, 4), start: pos, body, end: pos + size });
    pos += size;
  }
  return boxes;
}

function box(type: string, parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(8 + parts.reduce((sum, part) => sum + part.length, 0));
  dataView(out).setUint32(0, out.length);
  out.set(
    Array.from(type, (c) => c.charCodeAt(0)),
    4,
  );
  let at = 8;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Each `ipma` entry: the item, where its association count is, its property indices, its end. */
function* entriesOf(bytes: Uint8Array, ipma: Box) {
  const view = dataView(bytes);
  const narrowItems = bytes[ipma.body] === 0;
  const wideIndices = ((bytes[ipma.body + 3] as number) & 1) === 1;
  let p = ipma.body + 8;
  for (let count = view.getUint32(ipma.body + 4); count > 0; count--) {
    const item = narrowItems ? view.getUint16(p) : view.getUint32(p);
    const countAt = p + (narrowItems ? 2 : 4);
    const indices: number[] = [];
    p = countAt + 1;
    for (let j = bytes[countAt] as number; j > 0; j--) {
      indices.push(wideIndices ? view.getUint16(p) & 0x7fff : (bytes[p] as number) & 0x7f);
      p += wideIndices ? 2 : 1;
    }
    if (p > ipma.end) throw new RangeError('ipma');
    yield { item, countAt, indices, end: p, wideIndices };
  }
}

function amended(bytes: Uint8Array): Uint8Array | undefined {
  const view = dataView(bytes);
  const top = boxesIn(bytes, 0, bytes.length);
  const metas = top?.filter((b) => b.type === 'meta') ?? [];
  const meta = metas[0];
  // A meta sized 0 ("to the end") would swallow what is appended after it.
  if (!top || metas.length !== 1 || !meta || view.getUint32(meta.start) === 0) return undefined;
  const children = boxesIn(bytes, meta.body + 4, meta.end);
  const iinf = children?.find((b) => b.type === 'iinf');
  const iprp = children?.find((b) => b.type === 'iprp');
  const iprpChildren = iprp && boxesIn(bytes, iprp.body, iprp.end);
  const ipco = iprpChildren?.find((b) => b.type === 'ipco');
  const properties = ipco && boxesIn(bytes, ipco.body, ipco.end);
  if (!children || !iinf || !iprp || !iprpChildren || !ipco || !properties) return undefined;
  const ipmas = iprpChildren.filter((b) => b.type === 'ipma');

  const coded = new Set<number>();
  const grids = new Set<number>();
  const infes = boxesIn(bytes, iinf.body + (bytes[iinf.body] === 0 ? 6 : 8), iinf.end) ?? [];
  for (const infe of infes) {
    const version = bytes[infe.body] as number;
    if (infe.type !== 'infe' || version < 2) continue;
    const id = version === 3 ? view.getUint32(infe.body + 4) : view.getUint16(infe.body + 4);
    const type = ascii(bytes, infe.body + (version === 3 ? 10 : 8), 4);
    if (type === 'av01') coded.add(id);
    if (type === 'grid') grids.add(id);
  }
  // A grid's first tile (its first `dimg` reference).
  const firstTile = new Map<number, number>();
  const iref = children.find((b) => b.type === 'iref');
  const wideIds = iref !== undefined && bytes[iref.body] !== 0;
  for (const reference of (iref && boxesIn(bytes, iref.body + 4, iref.end)) ?? []) {
    if (reference.type !== 'dimg' || reference.body + (wideIds ? 10 : 6) > reference.end) continue;
    const from = wideIds ? view.getUint32(reference.body) : view.getUint16(reference.body);
    const to = wideIds ? view.getUint32(reference.body + 6) : view.getUint16(reference.body + 4);
    if (!firstTile.has(from)) firstTile.set(from, to);
  }

  // Each coded item's pixi as av1C gives it ("depth,channels"); the items that lack one.
  const pixiOf = new Map<number, string>();
  const lacking: number[] = [];
  for (const ipma of ipmas) {
    for (const { item, indices } of entriesOf(bytes, ipma)) {
      if (!coded.has(item) && !grids.has(item)) continue;
      const associated = indices.map((index) => properties[index - 1]);
      if (!associated.some((p) => p?.type === 'pixi')) lacking.push(item);
      const av1C = associated.find((p) => p?.type === 'av1C');
      if (!av1C || av1C.body + 3 > av1C.end) continue;
      const flags = bytes[av1C.body + 2] as number; // high_bitdepth, twelve_bit, monochrome
      pixiOf.set(item, `${flags & 0x20 ? 12 : flags & 0x40 ? 10 : 8},${flags & 0x10 ? 1 : 3}`);
    }
  }
  const needs = new Map<number, string>();
  for (const item of lacking) {
    const pixi = pixiOf.get(grids.has(item) ? (firstTile.get(item) ?? -1) : item);
    if (pixi !== undefined) needs.set(item, pixi);
  }
  if (needs.size === 0) return undefined;

  // One new property per kind, after the others; one more association for each item.
  const kinds = [...new Set(needs.values())];
  const pixis = kinds.map((kind) => {
    const [depth, channels] = kind.split(',').map(Number) as [number, number];
    return box('pixi', [
      new Uint8Array([0, 0, 0, 0, channels, ...Array<number>(channels).fill(depth)]),
    ]);
  });
  const newIpco = box('ipco', [bytes.subarray(ipco.body, ipco.end), ...pixis]);
  const newIpmas = new Map<Box, Uint8Array>();
  for (const ipma of ipmas) {
    const parts: Uint8Array[] = [];
    let copied = ipma.body;
    for (const { item, countAt, indices, end, wideIndices } of entriesOf(bytes, ipma)) {
      const kind = needs.get(item);
      if (kind === undefined) continue;
      const index = properties.length + 1 + kinds.indexOf(kind);
      if (indices.length === 255 || index > (wideIndices ? 0x7fff : 0x7f)) return undefined;
      const entry = bytes.slice(copied, end);
      entry[countAt - copied] = indices.length + 1;
      parts.push(entry, new Uint8Array(wideIndices ? [index >> 8, index & 0xff] : [index]));
      copied = end;
    }
    parts.push(bytes.subarray(copied, ipma.end));
    newIpmas.set(ipma, box('ipma', parts));
  }
  const newIprp = box(
    'iprp',
    iprpChildren.map((b) =>
      b === ipco ? newIpco : (newIpmas.get(b) ?? bytes.subarray(b.start, b.end)),
    ),
  );
  const newMeta = box('meta', [
    bytes.subarray(meta.body, meta.body + 4),
    ...children.map((b) => (b === iprp ? newIprp : bytes.subarray(b.start, b.end))),
  ]);

  const out = new Uint8Array(bytes.length + newMeta.length);
  out.set(bytes);
  out.set([0x66, 0x72, 0x65, 0x65], meta.start + 4); // 'free'
  // A last box sized 0 ("to the end") gets its size, so that it still ends where it did.
  const last = top[top.length - 1] as Box;
  if (view.getUint32(last.start) === 0) {
    if (last.end - last.start > 0xffffffff) return undefined;
    dataView(out).setUint32(last.start, last.end - last.start);
  }
  out.set(newMeta, bytes.length);
  return out;
}
