/*
 * JPEG decoding for the Worker, on libjpeg-turbo: DCT-domain scaling (M/8 for M = 1..8) and
 * region decoding (jpeg_crop_scanline / jpeg_skip_scanlines), RGBA out, every failure returned as
 * a code. libjpeg's default error handler calls exit(); ours longjmps back here instead, and
 * warnings (corrupt or truncated data) count as errors so a partial image is never returned.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpeglib.h"
#include "jerror.h"

#define EXPORT __attribute__((used, visibility("default")))

enum {
  JPEG_OK = 0,
  JPEG_ERROR_CORRUPT = 1,   /* libjpeg refused the data */
  JPEG_ERROR_WARNING = 2,   /* data was corrupt or truncated: libjpeg would have guessed */
  JPEG_ERROR_MEMORY = 3,    /* an allocation failed */
  JPEG_ERROR_ARGUMENT = 4,  /* bad scale or region */
};

struct error_manager {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  int warned;
};

static void on_error_exit(j_common_ptr cinfo) {
  struct error_manager *err = (struct error_manager *)cinfo->err;
  longjmp(err->jump, 1);
}

static void on_emit_message(j_common_ptr cinfo, int level) {
  /* level -1 is a warning about the data; trace messages (level >= 0) are ignored. */
  if (level < 0) ((struct error_manager *)cinfo->err)->warned = 1;
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

/* Result of the last decode, read by JS after the call. */
static int result_width, result_height, result_code;

EXPORT int jpeg_result_width(void) { return result_width; }
EXPORT int jpeg_result_height(void) { return result_height; }
EXPORT int jpeg_result_code(void) { return result_code; }
EXPORT void *jpeg_alloc(int size) { return malloc((size_t)size); }
EXPORT void jpeg_free(void *pointer) { free(pointer); }

/* Adobe CMYK/YCCK JPEGs store inverted ink values; convert them to RGB the way browsers do. */
static void cmyk_to_rgba(const uint8_t *cmyk, uint8_t *rgba, unsigned width) {
  for (unsigned x = 0; x < width; x++) {
    unsigned c = cmyk[x * 4], m = cmyk[x * 4 + 1], y = cmyk[x * 4 + 2], k = cmyk[x * 4 + 3];
    rgba[x * 4] = (uint8_t)((c * k + 127) / 255);
    rgba[x * 4 + 1] = (uint8_t)((m * k + 127) / 255);
    rgba[x * 4 + 2] = (uint8_t)((y * k + 127) / 255);
    rgba[x * 4 + 3] = 255;
  }
}

/*
 * Decodes `data` at eighths/8 (1..8) and returns the region (x, y, w, h), given in
 * scaled pixels, as a malloc'd RGBA buffer of w*h*4 bytes (w, h <= 0 mean "to the edge"). On
 * failure returns NULL with jpeg_result_code() set. The caller frees the buffer with jpeg_free.
 */
EXPORT uint8_t *jpeg_decode(const uint8_t *data, int length, int eighths, int x, int y, int w,
                            int h) {
  struct jpeg_decompress_struct cinfo;
  struct error_manager err;
  /* Volatile: assigned between setjmp and a possible longjmp. */
  uint8_t *volatile output = NULL;
  uint8_t *volatile row = NULL;

  result_width = result_height = 0;
  result_code = JPEG_OK;
  if (eighths < 1 || eighths > 8) {
    result_code = JPEG_ERROR_ARGUMENT;
    return NULL;
  }

  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error_exit;
  err.pub.emit_message = on_emit_message;
  err.pub.output_message = on_output_message;
  err.warned = 0;
  if (setjmp(err.jump)) {
    int out_of_memory = err.pub.msg_code == JERR_OUT_OF_MEMORY;
    jpeg_destroy_decompress(&cinfo);
    free(output);
    free(row);
    result_code = out_of_memory ? JPEG_ERROR_MEMORY : JPEG_ERROR_CORRUPT;
    return NULL;
  }

  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long)length);
  jpeg_read_header(&cinfo, TRUE);
  int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
  /* 1/8, 2/8 and 4/8 use libjpeg-turbo's reduced IDCTs (jidctred.c); 3/8, 5/8, 6/8 and 7/8 its
   * accurate scaled ones (jidctint.c). */
  cinfo.scale_num = (unsigned)eighths;
  cinfo.scale_denom = 8;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&cinfo);

  unsigned full_width = cinfo.output_width, full_height = cinfo.output_height;
  if (w <= 0) w = (int)full_width - x;
  if (h <= 0) h = (int)full_height - y;
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || (unsigned)(x + w) > full_width ||
      (unsigned)(y + h) > full_height) {
    jpeg_destroy_decompress(&cinfo);
    result_code = JPEG_ERROR_ARGUMENT;
    return NULL;
  }

  /* Horizontal crop: libjpeg widens it to iMCU boundaries; `skip` is what it added on the left. */
  JDIMENSION crop_x = (JDIMENSION)x, crop_width = (JDIMENSION)w;
  if (crop_x != 0 || crop_width != full_width) jpeg_crop_scanline(&cinfo, &crop_x, &crop_width);
  unsigned skip = (unsigned)x - crop_x;

  /* RGBA rows that are exactly the region's are decoded in place; others go through `row`. */
  int in_place = !cmyk && skip == 0 && crop_width == (JDIMENSION)w;
  output = malloc((size_t)w * (size_t)h * 4);
  if (!in_place) row = malloc((size_t)crop_width * 4);
  if (!output || (!in_place && !row)) {
    jpeg_destroy_decompress(&cinfo);
    free(output);
    free(row);
    result_code = JPEG_ERROR_MEMORY;
    return NULL;
  }
  if (y > 0) jpeg_skip_scanlines(&cinfo, (JDIMENSION)y);
  for (int line = 0; line < h; line++) {
    uint8_t *target = output + (size_t)line * (size_t)w * 4;
    JSAMPROW rows[1] = {in_place ? target : row};
    if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) break;
    if (in_place) continue;
    if (cmyk) {
      cmyk_to_rgba(row + skip * 4, target, (unsigned)w);
    } else {
      memcpy(target, row + skip * 4, (size_t)w * 4);
    }
  }
  /* The rows below the region are never decoded: abort instead of finishing. */
  jpeg_abort_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  free(row);
  if (err.warned) {
    free(output);
    result_code = JPEG_ERROR_WARNING;
    return NULL;
  }
  result_width = w;
  result_height = h;
  return output;
}

/*
 * Row streaming: a whole still at full size, delivered a strip at a time, so a re-encode at full
 * size never holds the decoded frame (12 MP: 48 MB less at the peak). One stream per instance
 * (the JS side holds the instance's lease throughout). Every exported call sets its own jump
 * target: libjpeg longjmps out of the call that failed, never into one that has returned.
 */
static struct jpeg_decompress_struct stream_info;
static struct error_manager stream_error;
static int stream_open, stream_cmyk;
static uint8_t *stream_strip, *stream_row;
static unsigned stream_strip_rows;

static void stream_close(void) {
  if (stream_open) jpeg_destroy_decompress(&stream_info);
  stream_open = 0;
  free(stream_strip);
  free(stream_row);
  stream_strip = stream_row = NULL;
}

/* The code of a failure inside libjpeg, after it longjmped back. */
static int stream_failed(void) {
  int out_of_memory = stream_error.pub.msg_code == JERR_OUT_OF_MEMORY;
  stream_close();
  result_code = out_of_memory ? JPEG_ERROR_MEMORY : JPEG_ERROR_CORRUPT;
  return result_code;
}

/*
 * Opens `data` (which must stay allocated until jpeg_stream_end) for strips of up to
 * `strip_rows` RGBA rows at full size. Returns 0 with jpeg_result_width/height set, or a code.
 */
EXPORT int jpeg_stream_begin(const uint8_t *data, int length, int strip_rows) {
  stream_close();
  result_width = result_height = 0;
  result_code = JPEG_OK;
  if (strip_rows < 1) return result_code = JPEG_ERROR_ARGUMENT;
  stream_info.err = jpeg_std_error(&stream_error.pub);
  stream_error.pub.error_exit = on_error_exit;
  stream_error.pub.emit_message = on_emit_message;
  stream_error.pub.output_message = on_output_message;
  stream_error.warned = 0;
  if (setjmp(stream_error.jump)) return stream_failed();
  jpeg_create_decompress(&stream_info);
  stream_open = 1;
  jpeg_mem_src(&stream_info, data, (unsigned long)length);
  jpeg_read_header(&stream_info, TRUE);
  stream_cmyk =
      stream_info.jpeg_color_space == JCS_CMYK || stream_info.jpeg_color_space == JCS_YCCK;
  stream_info.out_color_space = stream_cmyk ? JCS_CMYK : JCS_EXT_RGBA;
  stream_info.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&stream_info);
  stream_strip_rows = (unsigned)strip_rows;
  stream_strip = malloc((size_t)stream_info.output_width * 4 * stream_strip_rows);
  if (stream_cmyk) stream_row = malloc((size_t)stream_info.output_width * 4);
  if (!stream_strip || (stream_cmyk && !stream_row)) {
    stream_close();
    return result_code = JPEG_ERROR_MEMORY;
  }
  result_width = (int)stream_info.output_width;
  result_height = (int)stream_info.output_height;
  return JPEG_OK;
}

/*
 * Decodes the next `rows` rows (at most the strip's) into the strip buffer and returns it, or
 * NULL with jpeg_result_code() set. Corrupt data fails here as soon as libjpeg warns about it.
 */
EXPORT uint8_t *jpeg_stream_read(int rows) {
  if (!stream_open || rows < 1 || (unsigned)rows > stream_strip_rows ||
      stream_info.output_scanline + (unsigned)rows > stream_info.output_height) {
    result_code = JPEG_ERROR_ARGUMENT;
    return NULL;
  }
  if (setjmp(stream_error.jump)) {
    stream_failed();
    return NULL;
  }
  size_t row_bytes = (size_t)stream_info.output_width * 4;
  for (int line = 0; line < rows; line++) {
    uint8_t *target = stream_strip + (size_t)line * row_bytes;
    JSAMPROW out[1] = {stream_cmyk ? stream_row : target};
    if (jpeg_read_scanlines(&stream_info, out, 1) != 1) break;
    if (stream_cmyk) cmyk_to_rgba(stream_row, target, stream_info.output_width);
  }
  if (stream_error.warned) {
    stream_close();
    result_code = JPEG_ERROR_WARNING;
    return NULL;
  }
  return stream_strip;
}

/*
 * Ends the stream and frees it: 0 when every row came out of clean data, else a code. Like
 * jpeg_decode, nothing after the last row is read (a missing EOI is no damage to the pixels).
 */
EXPORT int jpeg_stream_end(void) {
  if (!stream_open) return result_code;
  if (stream_info.output_scanline != stream_info.output_height) {
    stream_close();
    return result_code = JPEG_ERROR_ARGUMENT;
  }
  int warned = stream_error.warned;
  stream_close();
  return result_code = warned ? JPEG_ERROR_WARNING : JPEG_OK;
}
