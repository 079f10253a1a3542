import type { Config } from '../config';
import { deriveEtag, etagMatches } from '../cache/etag';
import { checkSourceBytes } from '../limits';
import { renderImage } from '../pipeline/render';
import type { PreparedCommand } from '../plan/validate';
import { formatChoiceToken, varies } from '../request/negotiate';
import { imageResponse, notModifiedResponse } from '../response/headers';
import {
  bucketFonts,
  FONTS_VERSION,
  openResources,
  openSource,
  readResources,
  reopenSource,
  statSource,
  type SourceMeta,
} from '../source';
import type { ResourceRef } from '../actions/types';

export interface ProcessedRequest {
  request: Request;
  bucket: R2Bucket;
  key: string;
  config: Config;
}

/**
 * The response's validator from what it is made of. A watermark's ETag enters it (replacing the
 * logo changes every response that shows it), and so does the font version for text.
 */
function processedEtag(
  prepared: PreparedCommand,
  source: SourceMeta,
  resources: readonly SourceMeta[],
): Promise<string> {
  const drawsText = prepared.command.resources.some((ref: ResourceRef) => ref.kind === 'font');
  return deriveEtag(
    [
      source.etag,
      ...resources.map((resource) => resource.etag),
      ...(drawsText ? [`fonts:${FONTS_VERSION}`] : []),
    ].join('\n'),
    prepared.command.canonical,
    formatChoiceToken(prepared.formatChoice),
  );
}

/**
 * A processed GET, in the order of PROTOCOL.md §1.6, the command already validated. A
 * conditional request (a cache in front revalidating) is answered 304 from the objects' metadata
 * alone; otherwise the source is opened, the actions' objects read, and the image rendered.
 */
export async function serveProcessed(
  prepared: PreparedCommand,
  { request, bucket, key, config }: ProcessedRequest,
): Promise<Response> {
  const started = performance.now();
  const vary = varies(prepared.formatChoice);
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch !== null) {
    const source = await statSource(bucket, key, config);
    const resources = await openResources(bucket, prepared.command.resources, config, statSource);
    const etag = await processedEtag(
      prepared,
      source,
      resources.map(({ object }) => object),
    );
    if (etagMatches(ifNoneMatch, etag)) {
      return notModifiedResponse({ etag, source, config, vary }, performance.now() - started);
    }
  }

  const source = await openSource(bucket, key, config);
  try {
    if (source.size !== undefined) checkSourceBytes(source.size);
    const opened = await openResources(bucket, prepared.command.resources, config, openSource);
    const etag = await processedEtag(
      prepared,
      source,
      opened.map(({ object }) => object),
    );
    const rendered = await renderImage({
      source,
      reopen: () => reopenSource(bucket, source, config),
      prepared,
      config,
      resources: await readResources(opened),
      fonts: bucketFonts(bucket),
      started,
    });
    return await imageResponse(rendered, { etag, source, config, vary });
  } finally {
    source.discard();
  }
}
