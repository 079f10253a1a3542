import type { Config } from '../config';
import { readExifFields } from '../formats/metadata/exif';
import { probeImage } from '../formats/registry';
import type { ImageProbe } from '../formats/types';
import { checkSourceBytes, checkSourceLimits } from '../limits';
import { deriveEtag, etagMatches } from '../cache/etag';
import { notModifiedResponse, validatorHeaders } from '../response/headers';
import { openSource, statSource, type SourceMeta } from '../source';

/**
 * PROTOCOL.md §3.17: the source's format, stored size, byte size, frame count (animations) and
 * listed EXIF fields, camelCase keys in alphabetical order, every value `{"value": "<string>"}`.
 * Computed from the header and metadata; no pixel is decoded.
 */
export function infoDocument(
  probe: ImageProbe,
  byteLength: number,
): Record<string, { value: string }> {
  const fields: Record<string, string> = {
    ...(probe.exif ? readExifFields(probe.exif) : {}),
    format: probe.format,
    imageWidth: String(probe.width),
    imageHeight: String(probe.height),
    imageSize: String(byteLength),
    ...(probe.frames > 1 ? { frameCount: String(probe.frames) } : {}),
  };
  return Object.fromEntries(
    Object.keys(fields)
      .sort()
      .map((key) => [key, { value: fields[key] as string }]),
  );
}

/** The info document's validator: it changes with the object only. */
const infoEtag = (source: SourceMeta) => deriveEtag(source.etag, 'info', 'json');

/** `image/info` and `?exif`: the same document, with the validators of a processed response. */
export async function serveInfo(
  request: Request,
  bucket: R2Bucket,
  key: string,
  config: Config,
): Promise<Response> {
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch !== null) {
    // A revalidation needs the object's metadata only.
    const stat = await statSource(bucket, key, config);
    const etag = await infoEtag(stat);
    if (etagMatches(ifNoneMatch, etag)) {
      return notModifiedResponse({ etag, source: stat, config, vary: false });
    }
  }
  const source = await openSource(bucket, key, config);
  const etag = await infoEtag(source);
  const meta = { etag, source, config, vary: false };
  if (source.size !== undefined) checkSourceBytes(source.size);
  const bytes = await source.bytes();
  const probe = probeImage(bytes);
  checkSourceLimits(probe);
  const body = JSON.stringify(infoDocument(probe, bytes.length));
  const headers = validatorHeaders(meta);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  return new Response(body, { status: 200, headers });
}
