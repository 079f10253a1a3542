/*
 * WebP encoding for the Worker, on libwebp, lossy (VP8) with a lossless alpha plane.
 *
 * Stills: RGBA rows are pushed in strips and each strip is converted to YUV 4:2:0 (+ alpha) at
 * once, so this module holds the picture as YUVA (1.5 bytes a pixel, 2.5 with alpha) and never
 * the RGBA frame. The conversion is libwebp's own: each strip goes through
 * WebPPictureImportRGBA (the function a whole-frame encoder would call) into a small strip
 * picture, whose planes are copied into the full one. Strips hold an even number of rows (but the
 * last), so the 2x2 chroma averaging pairs the same rows as a whole-frame import; the alpha plane
 * is allocated when the first strip with transparency arrives, as libwebp allocates it only for a
 * picture with transparency. The result is byte for byte what WebPPictureImportRGBA + WebPEncode
 * give for the whole frame.
 *
 * Animations: WebPAnimEncoder, fed one frame at a time (each frame pushed in strips into one ARGB
 * picture, which the animation encoder copies), every frame lossy at the same settings.
 *
 * Every failure is a status code, never an abort. One encoding at a time; JavaScript calls it
 * synchronously.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webp/encode.h"
#include "webp/mux.h"

#define EXPORT __attribute__((used, visibility("default")))

/* token-budget.patch: the token buffer's limit in bytes (0: none). */
extern size_t VP8TokenBudgetBytes;
/* stat-sample.patch: without the token buffer, statistics from 1 macroblock row of every 8. */
extern int VP8StatSampleStride;
extern int VP8StatSampleBand;
#define STAT_SAMPLE_STRIDE 8
#define STAT_SAMPLE_BAND 1

/* Rows per strip: even, so that strips pair rows for chroma as a whole-frame import does. */
#define STRIP_ROWS 16

static struct {
  int animated;
  int width;
  int height;
  int row; /* rows of the current frame received so far */
  uint8_t *strip;
  WebPConfig config;
  /* Stills: the full YUV(A) picture and the strip picture libwebp converts into. */
  WebPPicture picture;
  WebPPicture strip_picture;
  uint8_t *alpha; /* the alpha plane, ours (libwebp frees only its own memory_) */
  WebPMemoryWriter writer;
  /* Animations: the frame being received (ARGB) and the animation encoder. */
  WebPAnimEncoder *anim;
  WebPData assembled;
  /* Stills: the most bytes libwebp's token buffer may take (0: encode with low_memory). */
  size_t token_budget;
} job;

/* Why the last call failed: 1 memory ran out, 2 anything else. Kept across reset(). */
enum { FAILED_MEMORY = 1, FAILED_OTHER = 2 };
static int failure;

static int is_memory_error(WebPEncodingError error) {
  return error == VP8_ENC_ERROR_OUT_OF_MEMORY || error == VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY;
}

static void reset(void) {
  WebPPictureFree(&job.picture);
  WebPPictureFree(&job.strip_picture);
  free(job.alpha);
  free(job.strip);
  WebPMemoryWriterClear(&job.writer);
  if (job.anim) WebPAnimEncoderDelete(job.anim);
  WebPDataClear(&job.assembled);
  memset(&job, 0, sizeof(job));
}

/*
 * The settings the Worker has always encoded with (the WEBP_DEFAULTS @jsquash/webp was called
 * with, which are libwebp's own defaults: method 4, 4 segments, SNS 50, strong filter 60, one
 * pass, no sharp YUV), at `quality`, with the alpha plane lossless.
 */
static int configure(float quality, int width, int height) {
  if (!WebPConfigInit(&job.config)) return 0;
  job.config.quality = quality;
  job.config.target_size = 0;
  job.config.target_PSNR = 0;
  job.config.method = 4;
  job.config.sns_strength = 50;
  job.config.filter_strength = 60;
  job.config.filter_sharpness = 0;
  job.config.filter_type = 1;
  job.config.partitions = 0;
  job.config.segments = 4;
  job.config.pass = 1;
  job.config.show_compressed = 0;
  job.config.preprocessing = 0;
  job.config.autofilter = 0;
  job.config.partition_limit = 0;
  job.config.alpha_compression = 1;
  job.config.alpha_filtering = 1;
  job.config.alpha_quality = 100;
  job.config.lossless = 0;
  job.config.exact = 0;
  job.config.image_hint = WEBP_HINT_DEFAULT;
  job.config.emulate_jpeg_size = 0;
  job.config.thread_level = 0;
  /* Animation frames above 8 MP are encoded without libwebp's token buffer, whose size follows
   * the picture's detail (a grainy 12 MP photo: ~37 MiB); stills decide by their budget. */
  job.config.low_memory = (double)width * height > 8e6 ? 1 : 0;
  job.config.near_lossless = 100;
  job.config.use_delta_palette = 0;
  job.config.use_sharp_yuv = 0;
  return WebPValidateConfig(&job.config);
}

static int begin(int width, int height, int quality) {
  reset();
  failure = FAILED_OTHER;
  if (width < 1 || height < 1 || width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION) {
    return 0;
  }
  if (quality < 0 || quality > 100 || !configure((float)quality, width, height)) {
    return 0;
  }
  job.width = width;
  job.height = height;
  failure = FAILED_MEMORY;
  job.strip = malloc((size_t)STRIP_ROWS * width * 4);
  if (!job.strip) return 0;
  failure = 0;
  return 1;
}

EXPORT int webp_enc_strip_rows(void) { return STRIP_ROWS; }
EXPORT int webp_enc_failure(void) { return failure; }

/* --- stills ------------------------------------------------------------------------------- */

/*
 * Starts a still; returns the RGBA strip buffer (webp_enc_strip_rows() rows), or 0. The token
 * buffer may take up to `token_budget` bytes (token-budget.patch); past it, or with 0, the
 * picture is encoded with low_memory instead.
 */
EXPORT uint8_t *webp_enc_begin(int width, int height, int quality, int token_budget) {
  if (token_budget < 0 || !begin(width, height, quality)) goto fail;
  job.token_budget = (size_t)token_budget;
  job.config.low_memory = token_budget == 0;
  WebPPictureInit(&job.picture);
  WebPPictureInit(&job.strip_picture);
  job.picture.use_argb = 0;
  job.picture.colorspace = WEBP_YUV420;
  job.picture.width = width;
  job.picture.height = height;
  if (!WebPPictureAlloc(&job.picture)) {
    failure = is_memory_error(job.picture.error_code) ? FAILED_MEMORY : FAILED_OTHER;
    goto fail;
  }
  job.strip_picture.use_argb = 0;
  job.strip_picture.width = width;
  return job.strip;
fail:
  reset();
  return NULL;
}

/* The alpha plane, opaque in the rows already received; 0 when memory ran out. */
static int add_alpha_plane(void) {
  job.alpha = malloc((size_t)job.width * job.height);
  if (!job.alpha) return 0;
  memset(job.alpha, 0xff, (size_t)job.width * job.row);
  job.picture.a = job.alpha;
  job.picture.a_stride = job.width;
  job.picture.colorspace = WEBP_YUV420A;
  return 1;
}

/* Converts `rows` rows of the strip buffer. Returns 0, or 1 on failure (state released). */
EXPORT int webp_enc_push(int rows) {
  WebPPicture *const from = &job.strip_picture;
  WebPPicture *const to = &job.picture;
  failure = FAILED_OTHER;
  /* Only the last strip may have an odd number of rows. */
  if (job.animated || !to->y || rows < 1 || rows > STRIP_ROWS || job.row + rows > job.height ||
      ((rows & 1) && job.row + rows != job.height)) {
    goto fail;
  }
  from->height = rows;
  if (!WebPPictureImportRGBA(from, job.strip, job.width * 4)) {
    failure = FAILED_MEMORY; /* the strip's arguments are valid: only its allocation can fail */
    goto fail;
  }
  for (int r = 0; r < rows; r++) {
    memcpy(to->y + (size_t)(job.row + r) * to->y_stride, from->y + (size_t)r * from->y_stride,
           (size_t)job.width);
  }
  const int uv_width = (job.width + 1) >> 1;
  for (int r = 0; r < (rows + 1) >> 1; r++) {
    const size_t at = (size_t)((job.row >> 1) + r) * to->uv_stride;
    memcpy(to->u + at, from->u + (size_t)r * from->uv_stride, (size_t)uv_width);
    memcpy(to->v + at, from->v + (size_t)r * from->uv_stride, (size_t)uv_width);
  }
  const int transparent = (from->colorspace & WEBP_CSP_ALPHA_BIT) != 0;
  if (transparent && !job.alpha && !add_alpha_plane()) {
    failure = FAILED_MEMORY;
    goto fail;
  }
  if (job.alpha) {
    for (int r = 0; r < rows; r++) {
      uint8_t *const line = job.alpha + (size_t)(job.row + r) * job.width;
      if (transparent) {
        memcpy(line, from->a + (size_t)r * from->a_stride, (size_t)job.width);
      } else {
        memset(line, 0xff, (size_t)job.width);
      }
    }
  }
  job.row += rows;
  failure = 0;
  return 0;
fail:
  reset();
  return 1;
}

/* Encodes the picture; returns the WebP (valid until the next begin or release), or 0. */
EXPORT uint8_t *webp_enc_finish(void) {
  failure = FAILED_OTHER;
  if (job.animated || !job.picture.y || job.row != job.height) goto fail;
  WebPPictureFree(&job.strip_picture);
  free(job.strip);
  job.strip = NULL;
  WebPMemoryWriterInit(&job.writer);
  job.picture.writer = WebPMemoryWrite;
  job.picture.custom_ptr = &job.writer;
  VP8TokenBudgetBytes = job.token_budget;
  VP8StatSampleStride = STAT_SAMPLE_STRIDE;
  VP8StatSampleBand = STAT_SAMPLE_BAND;
  int encoded = WebPEncode(&job.config, &job.picture);
  if (!encoded && !job.config.low_memory && is_memory_error(job.picture.error_code)) {
    /* Past the token budget (or out of memory with tokens): again without the token buffer. */
    WebPMemoryWriterClear(&job.writer);
    WebPMemoryWriterInit(&job.writer);
    job.config.low_memory = 1;
    encoded = WebPEncode(&job.config, &job.picture);
  }
  VP8TokenBudgetBytes = 0;
  VP8StatSampleStride = 0;
  if (!encoded) {
    if (is_memory_error(job.picture.error_code)) failure = FAILED_MEMORY;
    goto fail;
  }
  WebPPictureFree(&job.picture);
  free(job.alpha);
  job.alpha = NULL;
  failure = 0;
  return job.writer.mem;
fail:
  reset();
  return NULL;
}

EXPORT int webp_enc_size(void) {
  return (int)(job.animated ? job.assembled.size : job.writer.size);
}
EXPORT void webp_enc_release(void) { reset(); }

/* --- animations --------------------------------------------------------------------------- */

/*
 * Starts an animation of width x height frames repeated `loop_count` times (0: forever); returns
 * the RGBA strip buffer, or 0. Then per frame: pushes of all its rows, then webp_anim_enc_add.
 */
EXPORT uint8_t *webp_anim_enc_begin(int width, int height, int quality, int loop_count) {
  WebPAnimEncoderOptions options;
  if (!begin(width, height, quality)) goto fail;
  job.animated = 1;
  failure = FAILED_OTHER;
  if (loop_count < 0 || loop_count > 0xffff || !WebPAnimEncoderOptionsInit(&options)) goto fail;
  /* libwebp's defaults otherwise: no forced key frames (kmin/kmax), lossy only, not minimised. */
  options.anim_params.loop_count = loop_count;
  failure = FAILED_MEMORY; /* the arguments are valid: only allocations can fail from here */
  job.anim = WebPAnimEncoderNew(width, height, &options);
  if (!job.anim) goto fail;
  WebPPictureInit(&job.picture);
  job.picture.use_argb = 1;
  job.picture.width = width;
  job.picture.height = height;
  if (!WebPPictureAlloc(&job.picture)) goto fail;
  failure = 0;
  return job.strip;
fail:
  reset();
  return NULL;
}

/* Converts `rows` RGBA rows of the strip buffer into the frame. Returns 0, or 1 on failure. */
EXPORT int webp_anim_enc_push(int rows) {
  if (!job.animated || !job.picture.argb || rows < 1 || rows > STRIP_ROWS ||
      job.row + rows > job.height) {
    failure = FAILED_OTHER;
    reset();
    return 1;
  }
  for (int r = 0; r < rows; r++) {
    const uint8_t *rgba = job.strip + (size_t)r * job.width * 4;
    uint32_t *argb = job.picture.argb + (size_t)(job.row + r) * job.picture.argb_stride;
    for (int x = 0; x < job.width; x++, rgba += 4) {
      argb[x] = ((uint32_t)rgba[3] << 24) | ((uint32_t)rgba[0] << 16) |
                ((uint32_t)rgba[1] << 8) | rgba[2];
    }
  }
  job.row += rows;
  return 0;
}

/* Adds the frame received, shown from `timestamp_ms`. Returns 0, or 1 on failure. */
EXPORT int webp_anim_enc_add(int timestamp_ms) {
  failure = FAILED_OTHER;
  if (!job.animated || job.row != job.height) goto fail;
  job.picture.error_code = VP8_ENC_OK;
  if (!WebPAnimEncoderAdd(job.anim, &job.picture, timestamp_ms, &job.config)) {
    /* Timestamps and sizes are checked by the caller; what remains is an encoding failure. */
    if (job.picture.error_code == VP8_ENC_OK || is_memory_error(job.picture.error_code)) {
      failure = FAILED_MEMORY;
    }
    goto fail;
  }
  job.row = 0;
  failure = 0;
  return 0;
fail:
  reset();
  return 1;
}

/* Ends the animation at `end_ms` (the last frame's delay) and returns the WebP, or 0. */
EXPORT uint8_t *webp_anim_enc_finish(int end_ms) {
  failure = FAILED_OTHER;
  if (!job.animated || job.row != 0 || !WebPAnimEncoderAdd(job.anim, NULL, end_ms, NULL)) {
    goto fail;
  }
  WebPPictureFree(&job.picture);
  free(job.strip);
  job.strip = NULL;
  /* Assembling copies the frames into a mux and the mux into the output: only memory fails. */
  failure = FAILED_MEMORY;
  if (!WebPAnimEncoderAssemble(job.anim, &job.assembled)) goto fail;
  WebPAnimEncoderDelete(job.anim);
  job.anim = NULL;
  failure = 0;
  return (uint8_t *)job.assembled.bytes;
fail:
  reset();
  return NULL;
}
