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
