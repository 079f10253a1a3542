/*
 * WebP decoding for the Worker, on libwebp: scaled and cropped decoding of still images (libwebp
 * crops in source pixels, then scales), and the frames of animations composited by WebPAnimDecoder.
 * RGBA out into buffers we allocate; every failure is a status code, never an abort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webp/decode.h"
#include "webp/demux.h"

#define EXPORT __attribute__((used, visibility("default")))

static int result_code;

EXPORT int webp_result_code(void) { return result_code; }
EXPORT void *webp_alloc(int size) { return malloc((size_t)size); }
EXPORT void webp_free(void *pointer) { free(pointer); }

/*
 * Crops (cx, cy, cw, ch) out of the stored image (cw <= 0: no crop), scales the crop to
 * out_w x out_h (<= 0: no scaling) and returns a malloc'd RGBA buffer of the result. On failure
 * returns NULL with webp_result_code() set to libwebp's VP8StatusCode (or 100 for memory).
 */
EXPORT uint8_t *webp_decode(const uint8_t *data, int length, int cx, int cy, int cw, int ch,
                            int out_w, int out_h) {
  WebPDecoderConfig config;
  result_code = 0;
  if (!WebPInitDecoderConfig(&config)) {
    result_code = VP8_STATUS_INVALID_PARAM;
    return NULL;
  }
  VP8StatusCode status = WebPGetFeatures(data, (size_t)length, &config.input);
  if (status != VP8_STATUS_OK) {
    result_code = status;
    return NULL;
  }
  int width = config.input.width, height = config.input.height;
  if (cw > 0 && ch > 0) {
    config.options.use_cropping = 1;
    config.options.crop_left = cx;
    config.options.crop_top = cy;
    config.options.crop_width = cw;
    config.options.crop_height = ch;
    width = cw;
    height = ch;
  }
  if (out_w > 0 && out_h > 0 && (out_w != width || out_h != height)) {
    config.options.use_scaling = 1;
    config.options.scaled_width = out_w;
    config.options.scaled_height = out_h;
    width = out_w;
    height = out_h;
  }
  size_t size = (size_t)width * (size_t)height * 4;
  uint8_t *output = malloc(size);
  if (!output) {
    result_code = 100;
    return NULL;
  }
  config.output.colorspace = MODE_RGBA;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = output;
  config.output.u.RGBA.stride = width * 4;
  config.output.u.RGBA.size = size;
  status = WebPDecode(data, (size_t)length, &config);
  WebPFreeDecBuffer(&config.output);
  if (status != VP8_STATUS_OK) {
    free(output);
    result_code = status;
    return NULL;
  }
  return output;
}

/* Animations: open, then next() per frame (canvas owned by the decoder), then close. */
static int frame_timestamp;

EXPORT WebPAnimDecoder *webp_anim_open(const uint8_t *data, int length) {
  WebPData input = {data, (size_t)length};
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) return NULL;
  options.color_mode = MODE_RGBA;
  options.use_threads = 0;
  return WebPAnimDecoderNew(&input, &options);
}

EXPORT int webp_anim_loop_count(WebPAnimDecoder *decoder) {
  WebPAnimInfo info;
  return WebPAnimDecoderGetInfo(decoder, &info) ? (int)info.loop_count : 0;
}

/* The next composited frame (canvas width x height RGBA), or NULL at the end or on error. */
EXPORT uint8_t *webp_anim_next(WebPAnimDecoder *decoder) {
  uint8_t *frame = NULL;
  if (!WebPAnimDecoderHasMoreFrames(decoder)) return NULL;
  if (!WebPAnimDecoderGetNext(decoder, &frame, &frame_timestamp)) return NULL;
  return frame;
}

EXPORT int webp_anim_timestamp(void) { return frame_timestamp; }
EXPORT void webp_anim_close(WebPAnimDecoder *decoder) { WebPAnimDecoderDelete(decoder); }
