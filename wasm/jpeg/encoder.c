/*
 * JPEG encoding for the Worker, on libjpeg-turbo: RGBA rows are pushed in strips (the frame is
 * never copied into this module whole), Huffman tables optimised when asked, Annex K quantisation tables
 * scaled by the IJG quality (what our quality estimate reads back), 4:2:0 below quality 90 and
 * 4:4:4 from 90, baseline or progressive. Every failure is returned as a code, never an exit().
 * One encoding at a time; JavaScript calls it synchronously.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpeglib.h"
#include "jerror.h"

#define EXPORT __attribute__((used, visibility("default")))

struct error_manager {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
};

static void on_error_exit(j_common_ptr cinfo) {
  longjmp(((struct error_manager *)cinfo->err)->jump, 1);
}
static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

#define STRIP_ROWS 16

static struct {
  struct jpeg_compress_struct cinfo;
  struct error_manager err;
  int active;
  int width;
  int strip_rows;
  uint8_t *strip;
  unsigned char *output;
  unsigned long output_size;
} job;

static void reset(void) {
  if (job.active) jpeg_destroy_compress(&job.cinfo);
  free(job.strip);
  free(job.output);
  memset(&job, 0, sizeof(job));
}

/* Starts an encoding; returns the strip buffer for resample-style pushes, or 0 on failure. */
EXPORT uint8_t *jpeg_enc_begin(int width, int height, int quality, int progressive,
                               int optimize) {
  reset();
  if (width < 1 || height < 1 || width > 65500 || height > 65500) return NULL;
  job.width = width;
  job.strip_rows = STRIP_ROWS;
  job.strip = malloc((size_t)job.strip_rows * width * 4);
  if (!job.strip) return NULL;
  job.cinfo.err = jpeg_std_error(&job.err.pub);
  job.err.pub.error_exit = on_error_exit;
  job.err.pub.output_message = on_output_message;
  if (setjmp(job.err.jump)) {
    reset();
    return NULL;
  }
  jpeg_create_compress(&job.cinfo);
  job.active = 1;
  jpeg_mem_dest(&job.cinfo, &job.output, &job.output_size);
  job.cinfo.image_width = (JDIMENSION)width;
  job.cinfo.image_height = (JDIMENSION)height;
  job.cinfo.input_components = 4;
  job.cinfo.in_color_space = JCS_EXT_RGBA;
  jpeg_set_defaults(&job.cinfo);
  jpeg_set_quality(&job.cinfo, quality, TRUE);
  /* Optimised Huffman tables need a second pass over every coefficient, held in a full-image
   * buffer; without them a baseline encoding runs in one pass over the strips. */
  job.cinfo.optimize_coding = optimize ? TRUE : FALSE;
  if (quality >= 90) {
    job.cinfo.comp_info[0].h_samp_factor = 1;
    job.cinfo.comp_info[0].v_samp_factor = 1;
  }
  if (progressive) jpeg_simple_progression(&job.cinfo);
  jpeg_start_compress(&job.cinfo, TRUE);
  return job.strip;
}

EXPORT int jpeg_enc_strip_rows(void) { return job.strip_rows; }

/* Encodes `rows` rows from the strip buffer. Returns 0, or 1 on failure (state released). */
EXPORT int jpeg_enc_push(int rows) {
  if (!job.active) return 1;
  if (setjmp(job.err.jump)) {
    reset();
    return 1;
  }
  if (rows < 0 || rows > job.strip_rows) {
    reset();
    return 1;
  }
  /* The strip in one call: every call from here goes through emscripten's
   * setjmp trampoline, a round trip through JavaScript. */
  JSAMPROW row[STRIP_ROWS];
  for (int r = 0; r < rows; r++) row[r] = job.strip + (size_t)r * job.width * 4;
  for (int done = 0; done < rows;) {
    JDIMENSION n = jpeg_write_scanlines(&job.cinfo, row + done, (JDIMENSION)(rows - done));
    if (n == 0) break; /* rows past the image height, as before: ignored */
    done += (int)n;
  }
  return 0;
}

/* Finishes; returns the JPEG (valid until the next begin or release), its size in jpeg_enc_size. */
EXPORT uint8_t *jpeg_enc_finish(void) {
  if (!job.active) return NULL;
  if (setjmp(job.err.jump)) {
    reset();
    return NULL;
  }
  jpeg_finish_compress(&job.cinfo);
  jpeg_destroy_compress(&job.cinfo);
  job.active = 0;
  free(job.strip);
  job.strip = NULL;
  return job.output;
}

EXPORT int jpeg_enc_size(void) { return (int)job.output_size; }
EXPORT void jpeg_enc_release(void) { reset(); }
