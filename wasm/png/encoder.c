/*
 * PNG encoding for the Worker, on zlib: RGBA rows are pushed in strips (the frame is never copied
 * into this module whole). Each row is packed to RGB (colour type 2) or RGBA (6), filtered with
 * whichever of None/Sub/Up/Average/Paeth gives the smallest sum of absolute differences (the
 * adaptive heuristic of libpng and libvips), and deflated into one zlib stream (Z_NO_FLUSH per
 * row, Z_FINISH at the end; default window and memLevel, and Z_FILTERED, which libpng uses for
 * filtered rows); only the previous row is kept. The stream is cut into IDAT chunks of
 * at most IDAT_BYTES, appended with IHDR and IEND to an output buffer that JavaScript takes after
 * every push, so the module holds what one push produced, not the whole file. Every failure is
 * returned as a code. One encoding at a time; JavaScript calls it synchronously.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zlib.h"

#define EXPORT __attribute__((used, visibility("default")))

enum { STRIP_ROWS = 16, IDAT_BYTES = 64 * 1024, FILTERS = 5 };

static struct {
  z_stream z;
  int deflating;
  int width;
  int height;
  int channels;
  int rows_done;
  size_t row_bytes;
  uint8_t *strip;    /* STRIP_ROWS RGBA rows, written by JavaScript */
  uint8_t *previous; /* the previous packed row (zeros above the first) */
  uint8_t *current;
  uint8_t *filtered; /* FILTERS candidates of 1 + row_bytes: the filter type, then the bytes */
  uint8_t *idat;     /* deflate output not yet in a chunk */
  uint8_t *output;   /* chunks not yet taken by JavaScript */
  size_t output_size;
  size_t output_capacity;
} job;

static void reset(void) {
  if (job.deflating) deflateEnd(&job.z);
  free(job.strip);
  free(job.previous);
  free(job.current);
  free(job.filtered);
  free(job.idat);
  free(job.output);
  memset(&job, 0, sizeof(job));
}

static int append(const uint8_t *bytes, size_t length) {
  if (length == 0) return 1;
  if (job.output_size + length > job.output_capacity) {
    size_t capacity = job.output_capacity ? job.output_capacity * 2 : 2 * (IDAT_BYTES + 12);
    while (capacity < job.output_size + length) capacity *= 2;
    uint8_t *grown = realloc(job.output, capacity);
    if (!grown) return 0;
    job.output = grown;
    job.output_capacity = capacity;
  }
  memcpy(job.output + job.output_size, bytes, length);
  job.output_size += length;
  return 1;
}

static void big_endian(uint8_t *to, uint32_t value) {
  to[0] = (uint8_t)(value >> 24);
  to[1] = (uint8_t)(value >> 16);
  to[2] = (uint8_t)(value >> 8);
  to[3] = (uint8_t)value;
}

static int chunk(const char *type, const uint8_t *data, size_t length) {
  uint8_t head[8], tail[4];
  big_endian(head, (uint32_t)length);
  memcpy(head + 4, type, 4);
  uLong crc = crc32(crc32(0L, Z_NULL, 0), head + 4, 4);
  if (length) crc = crc32(crc, data, (uInt)length);
  big_endian(tail, (uint32_t)crc);
  return append(head, 8) && append(data, length) && append(tail, 4);
}

/* Writes the deflate output gathered so far as one IDAT chunk and makes room for more. */
static int flush_idat(void) {
  size_t length = IDAT_BYTES - job.z.avail_out;
  if (length && !chunk("IDAT", job.idat, length)) return 0;
  job.z.next_out = job.idat;
  job.z.avail_out = IDAT_BYTES;
  return 1;
}

/* Deflates the pending input (all of it, and the end of the stream with Z_FINISH). */
static int deflate_pending(int flush) {
  for (;;) {
    int rc = deflate(&job.z, flush);
    if (rc == Z_STREAM_ERROR) return 0;
    if (job.z.avail_out == 0) {
      if (!flush_idat()) return 0;
      continue;
    }
    /* Room left in the output: the input is consumed, and with Z_FINISH the stream is ended. */
    return flush != Z_FINISH || rc == Z_STREAM_END;
  }
}

/* Sum of the filtered bytes taken as signed: libpng's measure of how well a filter did. */
static uint32_t magnitude(const uint8_t *restrict f, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i < n; i++) sum += f[i] < 128 ? f[i] : 256u - f[i];
  return sum;
}

/*
 * The five filters of one row into out[type] (PNG spec 9.2; bytes to the left of the row and
 * above the first are zero). Inlined for bpp 3 and 4 so that every loop is vectorised.
 */
static inline __attribute__((always_inline)) void filter_all(
    const uint8_t *restrict row, const uint8_t *restrict up, uint8_t *restrict none,
    uint8_t *restrict sub, uint8_t *restrict above, uint8_t *restrict average,
    uint8_t *restrict paeth, size_t n, const size_t bpp) {
  for (size_t i = 0; i < n; i++) none[i] = row[i];
  for (size_t i = 0; i < bpp; i++) {
    sub[i] = row[i];
    average[i] = (uint8_t)(row[i] - (up[i] >> 1));
    paeth[i] = (uint8_t)(row[i] - up[i]);
  }
  for (size_t i = 0; i < n; i++) above[i] = (uint8_t)(row[i] - up[i]);
  for (size_t i = bpp; i < n; i++) sub[i] = (uint8_t)(row[i] - row[i - bpp]);
  for (size_t i = bpp; i < n; i++) {
    average[i] = (uint8_t)(row[i] - ((row[i - bpp] + up[i]) >> 1));
  }
  for (size_t i = bpp; i < n; i++) {
    int a = row[i - bpp], b = up[i], c = up[i - bpp];
    int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
    int predicted = ((pa <= pb) & (pa <= pc)) ? a : pb <= pc ? b : c;
    paeth[i] = (uint8_t)(row[i] - predicted);
  }
}

/* The filtered row with the smallest sum of absolute differences (the first on a tie). */
static const uint8_t *filter_row(void) {
  const size_t n = job.row_bytes, stride = n + 1;
  uint8_t *out[FILTERS];
  for (int type = 0; type < FILTERS; type++) {
    out[type] = job.filtered + (size_t)type * stride;
    out[type][0] = (uint8_t)type;
  }
  if (job.channels == 4) {
    filter_all(job.current, job.previous, out[0] + 1, out[1] + 1, out[2] + 1, out[3] + 1,
               out[4] + 1, n, 4);
  } else {
    filter_all(job.current, job.previous, out[0] + 1, out[1] + 1, out[2] + 1, out[3] + 1,
               out[4] + 1, n, 3);
  }
  int best = 0;
  uint32_t best_sum = magnitude(out[0] + 1, n);
  for (int type = 1; type < FILTERS; type++) {
    uint32_t sum = magnitude(out[type] + 1, n);
    if (sum < best_sum) {
      best_sum = sum;
      best = type;
    }
  }
  return out[best];
}

/*
 * Starts an encoding at a zlib level (0-9); writes the signature and IHDR to the output. Returns
 * the strip buffer for STRIP_ROWS RGBA rows, or 0 on failure.
 */
EXPORT uint8_t *png_enc_begin(int width, int height, int has_alpha, int level) {
  reset();
  if (width < 1 || height < 1 || width > 65535 || height > 65535 || level < 0 || level > 9) {
    return NULL;
  }
  job.width = width;
  job.height = height;
  job.channels = has_alpha ? 4 : 3;
  job.row_bytes = (size_t)width * job.channels;
  job.strip = malloc((size_t)STRIP_ROWS * width * 4);
  job.previous = calloc(job.row_bytes, 1);
  job.current = malloc(job.row_bytes);
  job.filtered = malloc(FILTERS * (job.row_bytes + 1));
  job.idat = malloc(IDAT_BYTES);
  if (!job.strip || !job.previous || !job.current || !job.filtered || !job.idat) {
    reset();
    return NULL;
  }
  if (deflateInit2(&job.z, level, Z_DEFLATED, 15, 8, Z_FILTERED) != Z_OK) {
    reset();
    return NULL;
  }
  job.deflating = 1;
  job.z.next_out = job.idat;
  job.z.avail_out = IDAT_BYTES;
  static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  uint8_t header[13];
  big_endian(header, (uint32_t)width);
  big_endian(header + 4, (uint32_t)height);
  header[8] = 8;                 /* bits per channel */
  header[9] = has_alpha ? 6 : 2; /* RGBA or RGB */
  header[10] = 0;                /* deflate */
  header[11] = 0;                /* adaptive filtering */
  header[12] = 0;                /* not interlaced */
  if (!append(signature, 8) || !chunk("IHDR", header, 13)) {
    reset();
    return NULL;
  }
  return job.strip;
}

EXPORT int png_enc_strip_rows(void) { return STRIP_ROWS; }

/* Encodes `rows` rows from the strip buffer. Returns 0, or 1 on failure (state released). */
EXPORT int png_enc_push(int rows) {
  if (!job.deflating || rows < 0 || rows > STRIP_ROWS || job.rows_done + rows > job.height) {
    reset();
    return 1;
  }
  for (int r = 0; r < rows; r++) {
    const uint8_t *rgba = job.strip + (size_t)r * job.width * 4;
    if (job.channels == 4) {
      memcpy(job.current, rgba, job.row_bytes);
    } else {
      for (int x = 0; x < job.width; x++) {
        job.current[3 * x] = rgba[4 * x];
        job.current[3 * x + 1] = rgba[4 * x + 1];
        job.current[3 * x + 2] = rgba[4 * x + 2];
      }
    }
    job.z.next_in = (Bytef *)filter_row();
    job.z.avail_in = (uInt)(job.row_bytes + 1);
    if (!deflate_pending(Z_NO_FLUSH)) {
      reset();
      return 1;
    }
    uint8_t *swap = job.previous;
    job.previous = job.current;
    job.current = swap;
  }
  job.rows_done += rows;
  return 0;
}

/* Ends the stream and writes the last IDAT and IEND. Returns 0, or 1 on failure (released). */
EXPORT int png_enc_finish(void) {
  if (!job.deflating || job.rows_done != job.height || !deflate_pending(Z_FINISH) || !flush_idat() ||
      !chunk("IEND", NULL, 0)) {
    reset();
    return 1;
  }
  deflateEnd(&job.z);
  job.deflating = 0;
  return 0;
}

/* The bytes written since the last take (valid until the next call into the module). */
EXPORT uint8_t *png_enc_output(void) { return job.output; }
EXPORT int png_enc_size(void) { return (int)job.output_size; }
/* JavaScript has copied the output: the buffer is reused for what comes next. */
EXPORT void png_enc_take(void) { job.output_size = 0; }
EXPORT void png_enc_release(void) { reset(); }
