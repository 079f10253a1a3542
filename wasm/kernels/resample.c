/*
 * Separable image resampling for RGBA8 frames, with wasm SIMD: Lanczos-3 (support widened by the
 * reduction ratio, as libvips and Pillow do), preceded for large reductions by a box pass that
 * leaves the Lanczos pass a ratio of at least 3 (libvips' shrink-then-reduce). Weights are 14-bit
 * fixed point normalised to sum exactly to 1, so flat areas stay exact; each pass rounds to 8 bits.
 * Transparent frames are resampled premultiplied so clear pixels do not bleed colour.
 *
 * The source is pushed in strips of rows (resample_begin, resample_push, resample_finish), so it
 * never needs to be copied into this module whole: the box and horizontal passes consume each
 * strip as it arrives, and only the horizontally reduced image is kept for the vertical pass.
 * One resampling at a time (the module holds its state; JavaScript calls it synchronously).
 * No imports.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

#define EXPORT __attribute__((used, visibility("default")))
#define PRECISION 14
#define ONE (1 << PRECISION)
#define HALF (1 << (PRECISION - 1))
#define LANCZOS_SUPPORT 3.0
/* Reads of four horizontal taps may touch three pixels past a row: callers leave this slack. */
#define SLACK 16


typedef double (*Kernel)(double);

static double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= M_PI;
  return sin(x) / x;
}
static double lanczos3(double x) {
  return (x > -LANCZOS_SUPPORT && x < LANCZOS_SUPPORT) ? sinc(x) * sinc(x / LANCZOS_SUPPORT) : 0.0;
}

/*
 * For each output position: the first input index and `stride` weights (zero padded; a multiple
 * of 4), and for the horizontal pass the same weights four at a time, as two vectors
 * [w0 w1 w0 w1 w0 w1 w0 w1] [w2 w3 w2 w3 w2 w3 w2 w3] with their count of four-tap groups.
 */
typedef struct {
  int stride;
  int *start;
  int16_t *weights;
  v128_t *pairs;
  int *pair_counts;
} Taps;

static void free_taps(Taps *taps) {
  free(taps->start);
  free(taps->weights);
  free(taps->pairs);
  free(taps->pair_counts);
  memset(taps, 0, sizeof(*taps));
}

static int make_pairs(Taps *taps, int out) {
  int half = taps->stride / 2;
  taps->pairs = malloc(sizeof(v128_t) * (size_t)out * half);
  taps->pair_counts = malloc(sizeof(int) * out);
  if (!taps->pairs || !taps->pair_counts) return 0;
  for (int o = 0; o < out; o++) {
    const int16_t *w = taps->weights + (size_t)o * taps->stride;
    int count = taps->stride;
    while (count > 0 && w[count - 1] == 0) count--;
    taps->pair_counts[o] = (count + 3) / 4;
    for (int p = 0; p < half; p++) {
      int16_t a = w[2 * p], b = w[2 * p + 1];
      taps->pairs[(size_t)o * half + p] = wasm_i16x8_make(a, b, a, b, a, b, a, b);
    }
  }
  return 1;
}

/* Taps mapping `out` samples onto the source span [origin, origin + extent) of `in` samples. */
static int make_taps(Taps *taps, int in, double origin, double extent, int out, Kernel kernel,
                     double support) {
  double scale = extent / out;
  double filter_scale = scale > 1.0 ? scale : 1.0;
  double reach = support * filter_scale;
  int stride = ((int)ceil(reach) * 2 + 2 + 3) & ~3;
  if (stride > in + 3) stride = (in + 4) & ~3;
  taps->stride = stride;
  taps->start = malloc(sizeof(int) * out);
  taps->weights = calloc((size_t)out * stride, sizeof(int16_t));
  double *w = malloc(sizeof(double) * stride);
  if (!taps->start || !taps->weights || !w) {
    free(w);
    return 0;
  }
  for (int o = 0; o < out; o++) {
    double center = origin + (o + 0.5) * scale;
    int first = (int)floor(center - reach + 0.5);
    int last = (int)floor(center + reach + 0.5); /* exclusive */
    if (first < 0) first = 0;
    if (last > in) last = in;
    if (last - first > stride) last = first + stride;
    if (last <= first) last = first + 1;
    double sum = 0.0;
    for (int i = first; i < last; i++) {
      w[i - first] = kernel((i + 0.5 - center) / filter_scale);
      sum += w[i - first];
    }
    int16_t *fixed = taps->weights + (size_t)o * stride;
    int total = 0, largest = 0;
    for (int i = 0; i < last - first; i++) {
      int value = (int)lround(sum != 0.0 ? w[i] / sum * ONE : (i == 0 ? ONE : 0));
      fixed[i] = (int16_t)value;
      total += value;
      if (abs(value) > abs(fixed[largest])) largest = i;
    }
    /* Exact unit sum: the rounding error goes to the largest weight. */
    fixed[largest] = (int16_t)(fixed[largest] + ONE - total);
    taps->start[o] = first;
  }
  free(w);
  return 1;
}

static inline v128_t round_shift_pack(v128_t a, v128_t b, v128_t c, v128_t d) {
  a = wasm_i32x4_shr(a, PRECISION);
  b = wasm_i32x4_shr(b, PRECISION);
  c = wasm_i32x4_shr(c, PRECISION);
  d = wasm_i32x4_shr(d, PRECISION);
  return wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(a, b), wasm_i16x8_narrow_i32x4(c, d));
}

/*
 * Rows: out row o = Σ weight × in row (start + k), across all `bytes` of a row at once. Two rows
 * per step: their bytes interleaved as 16-bit lanes, each pair of products summed by one dot
 * product (exact: 8-bit samples times 16-bit weights, summed in 32 bits, as one by one).
 */
static void vertical(const uint8_t *in, int bytes, uint8_t *out, int out_rows, const Taps *taps) {
  const v128_t bias = wasm_i32x4_splat(HALF);
  for (int o = 0; o < out_rows; o++) {
    const int16_t *weights = taps->weights + (size_t)o * taps->stride;
    int count = taps->stride;
    while (count > 0 && weights[count - 1] == 0) count--;
    const uint8_t *base = in + (size_t)taps->start[o] * bytes;
    uint8_t *row = out + (size_t)o * bytes;
    int x = 0;
    for (; x + 16 <= bytes; x += 16) {
      v128_t a0 = bias, a1 = bias, a2 = bias, a3 = bias;
      int k = 0;
      for (; k + 2 <= count; k += 2) {
        v128_t first = wasm_v128_load(base + (size_t)k * bytes + x);
        v128_t second = wasm_v128_load(base + (size_t)(k + 1) * bytes + x);
        v128_t weight = wasm_i32x4_splat((uint16_t)weights[k] | ((uint32_t)(uint16_t)weights[k + 1] << 16));
        v128_t low = wasm_i8x16_shuffle(first, second, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6,
                                        22, 7, 23);
        v128_t high = wasm_i8x16_shuffle(first, second, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13,
                                         29, 14, 30, 15, 31);
        a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(low), weight));
        a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(low), weight));
        a2 = wasm_i32x4_add(a2, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(high), weight));
        a3 = wasm_i32x4_add(a3, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(high), weight));
      }
      if (k < count) {
        v128_t pixels = wasm_v128_load(base + (size_t)k * bytes + x);
        v128_t weight = wasm_i16x8_splat(weights[k]);
        v128_t low = wasm_u16x8_extend_low_u8x16(pixels);
        v128_t high = wasm_u16x8_extend_high_u8x16(pixels);
        a0 = wasm_i32x4_add(a0, wasm_i32x4_extmul_low_i16x8(low, weight));
        a1 = wasm_i32x4_add(a1, wasm_i32x4_extmul_high_i16x8(low, weight));
        a2 = wasm_i32x4_add(a2, wasm_i32x4_extmul_low_i16x8(high, weight));
        a3 = wasm_i32x4_add(a3, wasm_i32x4_extmul_high_i16x8(high, weight));
      }
      wasm_v128_store(row + x, round_shift_pack(a0, a1, a2, a3));
    }
    for (; x < bytes; x++) {
      int sum = HALF;
      for (int k = 0; k < count; k++) sum += base[(size_t)k * bytes + x] * weights[k];
      sum >>= PRECISION;
      row[x] = (uint8_t)(sum < 0 ? 0 : sum > 255 ? 255 : sum);
    }
  }
}

/*
 * One row: out pixel o = Σ weight × in pixel (start + k), four taps per step: the four RGBA
 * pixels' channels interleaved in pairs as 16-bit lanes [r0 r1 g0 g1 b0 b1 a0 a1], each pair of
 * products summed by one dot product (exact, as in vertical()).
 */
static void horizontal_row(const uint8_t *in, uint8_t *out, int out_width, const Taps *taps) {
  const v128_t bias = wasm_i32x4_splat(HALF);
  const v128_t zero = wasm_i32x4_splat(0);
  const int half = taps->stride / 2;
  for (int o = 0; o < out_width; o++) {
    const uint8_t *p = in + (size_t)taps->start[o] * 4;
    const v128_t *w = taps->pairs + (size_t)o * half;
    v128_t acc0 = bias, acc1 = zero;
    for (int k = 0; k < taps->pair_counts[o]; k++) {
      v128_t four = wasm_v128_load(p + 16 * k);
      v128_t first = wasm_i8x16_shuffle(four, zero, 0, 16, 4, 16, 1, 16, 5, 16, 2, 16, 6, 16, 3,
                                        16, 7, 16);
      v128_t second = wasm_i8x16_shuffle(four, zero, 8, 16, 12, 16, 9, 16, 13, 16, 10, 16, 14,
                                         16, 11, 16, 15, 16);
      acc0 = wasm_i32x4_add(acc0, wasm_i32x4_dot_i16x8(first, w[2 * k]));
      acc1 = wasm_i32x4_add(acc1, wasm_i32x4_dot_i16x8(second, w[2 * k + 1]));
    }
    v128_t sum = wasm_i32x4_shr(wasm_i32x4_add(acc0, acc1), PRECISION);
    v128_t packed = wasm_i16x8_narrow_i32x4(sum, sum);
    packed = wasm_u8x16_narrow_i16x8(packed, packed);
    wasm_v128_store32_lane(out + 4 * o, packed, 0);
  }
}

static void premultiply(uint8_t *data, size_t pixels) {
  for (size_t i = 0; i < pixels * 4; i += 4) {
    unsigned a = data[i + 3];
    if (a == 255) continue;
    data[i] = (uint8_t)((data[i] * a + 127) / 255);
    data[i + 1] = (uint8_t)((data[i + 1] * a + 127) / 255);
    data[i + 2] = (uint8_t)((data[i + 2] * a + 127) / 255);
  }
}

static void unpremultiply(uint8_t *data, size_t pixels) {
  for (size_t i = 0; i < pixels * 4; i += 4) {
    unsigned a = data[i + 3];
    if (a == 0 || a == 255) continue;
    for (int c = 0; c < 3; c++) {
      unsigned v = (data[i + c] * 255u + a / 2) / a;
      data[i + c] = (uint8_t)(v > 255 ? 255 : v);
    }
  }
}

/* The resampling in progress. */
static struct {
  int sw, sh, dw, dh, alpha;
  int factor;         /* box factor (1: none) */
  int fw, fh;         /* size after the box pass */
  int strip_rows;     /* rows per pushed strip, a multiple of factor */
  int rows_in;        /* source rows consumed */
  int box_rows;       /* source rows summed into `sums` so far */
  int mid_rows;       /* rows written to `mid` */
  uint8_t *strip;     /* where JavaScript writes the next strip */
  v128_t *sums;       /* box sums, one u32x4 per box column */
  uint8_t *box_row;   /* one box-shrunk row (fw pixels) */
  uint8_t *mid;       /* horizontally resampled rows: dw × fh */
  Taps across, down;
} job;

static void reset(void) {
  free(job.strip);
  free(job.sums);
  free(job.box_row);
  free(job.mid);
  free_taps(&job.across);
  free_taps(&job.down);
  memset(&job, 0, sizeof(job));
}

/* Strip rows per push: ~64 KiB of source per strip keeps it in cache; at least one box group. */
static int strip_rows_for(int sw, int factor) {
  int rows = 65536 / (sw * 4);
  if (rows < 1) rows = 1;
  return ((rows + factor - 1) / factor) * factor;
}

/*
 * Starts resampling an sw×sh RGBA source to dw×dh (premultiplied when `has_alpha`). The output
 * covers the source window (x0, y0, ew, eh), in continuous source pixels: all of it, or less when
 * a scaled decode's last row and column hang over the picture's edge (2725 px at 1/2 is 1362.5
 * px, decoded as 1363). Returns the strip buffer JavaScript copies source rows into
 * (resample_strip_rows() rows at most per push), or 0 when memory ran out.
 */
EXPORT uint8_t *resample_begin(int sw, int sh, int dw, int dh, int has_alpha, double x0,
                               double y0, double ew, double eh) {
  reset();
  if (sw < 1 || sh < 1 || dw < 1 || dh < 1 || !(ew > 0) || !(eh > 0)) return NULL;
  job.sw = sw, job.sh = sh, job.dw = dw, job.dh = dh, job.alpha = has_alpha;
  /* Large reductions: a box pass first, leaving Lanczos at least 3×. */
  int factor = (int)floor(fmin(ew / dw, eh / dh) / 3.0);
  job.factor = factor >= 2 ? factor : 1;
  job.fw = (sw + job.factor - 1) / job.factor;
  job.fh = (sh + job.factor - 1) / job.factor;
  job.strip_rows = strip_rows_for(sw, job.factor);
  job.strip = malloc((size_t)job.strip_rows * sw * 4 + SLACK);
  job.mid = malloc((size_t)dw * job.fh * 4 + SLACK);
  if (job.factor > 1) {
    job.sums = malloc(sizeof(v128_t) * job.fw);
    job.box_row = malloc((size_t)job.fw * 4 + SLACK);
    if (job.sums) memset(job.sums, 0, sizeof(v128_t) * job.fw);
  }
  if (!job.strip || !job.mid || (job.factor > 1 && (!job.sums || !job.box_row)) ||
      !make_taps(&job.across, job.fw, x0 / job.factor, ew / job.factor, dw, lanczos3,
                 LANCZOS_SUPPORT) ||
      !make_pairs(&job.across, dw) ||
      !make_taps(&job.down, job.fh, y0 / job.factor, eh / job.factor, dh, lanczos3,
                 LANCZOS_SUPPORT)) {
    reset();
    return NULL;
  }
  return job.strip;
}

EXPORT int resample_strip_rows(void) { return job.strip_rows; }

/* Averages the summed box rows into box_row and resamples it across into the next mid row. */
static void flush_box(void) {
  int rows = job.box_rows;
  for (int bx = 0; bx < job.fw; bx++) {
    int cols = job.sw - bx * job.factor < job.factor ? job.sw - bx * job.factor : job.factor;
    unsigned n = (unsigned)(rows * cols);
    uint32_t lanes[4];
    wasm_v128_store(lanes, job.sums[bx]);
    for (int c = 0; c < 4; c++) job.box_row[bx * 4 + c] = (uint8_t)((lanes[c] + n / 2) / n);
    job.sums[bx] = wasm_i32x4_splat(0);
  }
  horizontal_row(job.box_row, job.mid + (size_t)job.mid_rows * job.dw * 4, job.dw, &job.across);
  job.mid_rows++;
  job.box_rows = 0;
}

/* Consumes `rows` source rows from the strip buffer. */
EXPORT void resample_push(int rows) {
  for (int r = 0; r < rows && job.rows_in < job.sh; r++, job.rows_in++) {
    uint8_t *row = job.strip + (size_t)r * job.sw * 4;
    if (job.alpha) premultiply(row, (size_t)job.sw);
    if (job.factor == 1) {
      horizontal_row(row, job.mid + (size_t)job.mid_rows * job.dw * 4, job.dw, &job.across);
      job.mid_rows++;
      continue;
    }
    for (int bx = 0, x = 0; bx < job.fw; bx++) {
      v128_t sum = job.sums[bx];
      int end = x + job.factor < job.sw ? x + job.factor : job.sw;
      for (; x < end; x++) {
        v128_t pixel = wasm_v128_load32_zero(row + 4 * x);
        sum = wasm_i32x4_add(sum, wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(pixel)));
      }
      job.sums[bx] = sum;
    }
    job.box_rows++;
    if (job.box_rows == job.factor || job.rows_in + 1 == job.sh) flush_box();
  }
}

/*
 * After every source row was pushed: the vertical pass. Returns the dw×dh result (valid until the
 * next resample_begin or resample_release), or 0 when memory ran out or rows are missing.
 */
EXPORT uint8_t *resample_finish(void) {
  if (job.rows_in != job.sh || job.mid_rows != job.fh) return NULL;
  free(job.strip);
  job.strip = NULL;
  uint8_t *out = malloc((size_t)job.dw * job.dh * 4 + SLACK);
  if (!out) return NULL;
  vertical(job.mid, job.dw * 4, out, job.dh, &job.down);
  if (job.alpha) unpremultiply(out, (size_t)job.dw * job.dh);
  free(job.mid);
  job.mid = NULL;
  job.strip = out; /* freed by the next reset */
  return out;
}

/* Frees everything the last resampling holds. */
EXPORT void resample_release(void) { reset(); }
