/*
 * Rotation by any angle (PROTOCOL.md §3.6, and rotated watermark blocks): each output pixel is
 * sampled bilinearly from the source through the inverse rotation about the centres, on
 * premultiplied pixels (no dark fringes at transparent edges), and composited over the background
 * where it is exposed; the image edge is anti-aliased against it. The source is held in this
 * module's memory; the result is written one strip of rows at a time into a buffer the caller
 * copies out, so the module never holds the whole output.
 *
 * Each output row splits into spans, found exactly from the 32.32 fixed-point source positions
 * (stepped by integer addition, closer to the double-precision reference than float): background
 * where no source pixel reaches (stored directly), an edge band where some of the four neighbours
 * lie outside (bounds-checked), and the interior where all four are inside (no checks). There a
 * fully opaque 2×2 neighbourhood (every one of a JPEG) takes an integer path, since premultiplying
 * changes nothing and there is nothing to divide by; any other one, and the edge band, the float
 * path of premultiplied sums composited over the background, one pixel's channels an f32x4.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <wasm_simd128.h>

#define EXPORT __attribute__((used, visibility("default")))
#define STRIP_ROWS 16
/* Source positions are 32.32 fixed point: stepping along a row is exact integer addition. */
#define FIX_ONE ((int64_t)1 << 32)
/* Vertical weights of the opaque path: 14 bits, so that a pair (up to 16384 each) fits the
 * signed 16-bit lanes of a dot product; a fraction rounds to them as (f + ROUND) >> SHIFT. */
#define WEIGHT_BITS 14
#define WEIGHT_ONE (1 << WEIGHT_BITS)
#define SHIFT (32 - WEIGHT_BITS)
#define ROUND ((int64_t)1 << (SHIFT - 1))

static struct {
  uint8_t *source;
  uint8_t *strip;
  int width, height, out_width, out_height;
  double cos, sin;
  float background[4];
  uint32_t background_pixel;
} job;

/* Room for the source frame and one strip of output; the source's address, 0 when out of memory. */
EXPORT uint8_t *rotate_begin(int width, int height, int out_width, int out_height, double degrees,
                             int bg_r, int bg_g, int bg_b, int bg_a) {
  job.source = malloc((size_t)width * height * 4);
  job.strip = malloc((size_t)out_width * STRIP_ROWS * 4);
  if (!job.source || !job.strip) {
    free(job.source);
    free(job.strip);
    job.source = job.strip = 0;
    return 0;
  }
  double theta = degrees * M_PI / 180.0;
  job.width = width;
  job.height = height;
  job.out_width = out_width;
  job.out_height = out_height;
  job.cos = cos(theta);
  job.sin = sin(theta);
  job.background[0] = (float)bg_r;
  job.background[1] = (float)bg_g;
  job.background[2] = (float)bg_b;
  job.background[3] = (float)bg_a;
  job.background_pixel = (uint32_t)bg_r | (uint32_t)bg_g << 8 | (uint32_t)bg_b << 16 |
                         (uint32_t)bg_a << 24;
  return job.source;
}

EXPORT int rotate_strip_rows(void) { return STRIP_ROWS; }

/*
 * The weights of a position's four neighbours, [(1-fx)(1-fy), fx(1-fy), (1-fx)fy, fx·fy], in f32
 * lanes; also `fx` in every lane of *fx_lanes. The fractions (24 bits) are converted as a vector:
 * V8's scalar int→float conversion keeps a false dependency on its target register, which chained
 * one pixel's float work to the next.
 */
static inline v128_t neighbour_weights(int64_t sx, int64_t sy, v128_t *fx_lanes) {
  const v128_t fractions = wasm_f32x4_mul(
      wasm_f32x4_convert_i32x4(wasm_i32x4_make((int32_t)((uint32_t)sx >> 8),
                                               (int32_t)((uint32_t)sy >> 8), 0, 0)),
      wasm_f32x4_splat(0x1p-24f));
  const v128_t fx = wasm_i32x4_shuffle(fractions, fractions, 0, 0, 0, 0);
  const v128_t fy = wasm_i32x4_shuffle(fractions, fractions, 1, 1, 1, 1);
  const v128_t one = wasm_f32x4_splat(1.0f);
  *fx_lanes = fx;
  /* [1-fx, fx, 1-fx, fx] · [1-fy, 1-fy, fy, fy] */
  return wasm_f32x4_mul(
      wasm_i32x4_shuffle(wasm_f32x4_sub(one, fx), fx, 0, 5, 2, 7),
      wasm_i32x4_shuffle(wasm_f32x4_sub(one, fy), fy, 0, 1, 6, 7));
}

static inline int64_t to_fixed(double value) { return (int64_t)floor(value * 4294967296.0 + 0.5); }

/* ⌊n / d⌋ for d > 0. */
static inline int64_t floor_div(int64_t n, int64_t d) {
  int64_t q = n / d;
  return (n % d != 0 && n < 0) ? q - 1 : q;
}

/*
 * Narrows [*first, *end) to the x where low <= start + x·step < high: an interval, as the position
 * is linear in x. Exact integer arithmetic, so the spans agree with the positions the loops step.
 */
static void clip(int64_t start, int64_t step, int64_t low, int64_t high, int *first, int *end) {
  int64_t from, to;
  if (step == 0) {
    if (start >= low && start < high) return;
    from = to = 0;
  } else if (step > 0) {
    from = -floor_div(start - low, step);     /* ⌈(low − start) / step⌉ */
    to = -floor_div(start - high, step);      /* ⌈(high − start) / step⌉ */
  } else {
    from = floor_div(start - high, -step) + 1; /* start + x·step < high */
    to = floor_div(start - low, -step) + 1;    /* start + x·step >= low */
  }
  if (from > *first) *first = from > *end ? *end : (int)from;
  if (to < *end) *end = to < *first ? *first : (int)to;
}

/*
 * w·a·[r, g, b, 1] of one pixel held as four 32-bit lanes, `w` in every lane of `weight`.
 * (Signed conversion, of all four lanes: LLVM split the unsigned one, or one of three lanes, into
 * scalar conversions.)
 */
static inline v128_t term(v128_t pixel, v128_t weight) {
  const v128_t rgb1 = wasm_i32x4_shuffle(pixel, wasm_i32x4_make(0, 0, 0, 1), 0, 1, 2, 7);
  const v128_t alpha = wasm_i32x4_shuffle(pixel, pixel, 3, 3, 3, 3);
  return wasm_f32x4_mul(wasm_f32x4_convert_i32x4(rgb1),
                        wasm_f32x4_mul(wasm_f32x4_convert_i32x4(alpha), weight));
}

/* Lane i of v in every lane. */
#define LANE(v, i) wasm_i32x4_shuffle(v, v, i, i, i, i)

/* Σ of such terms, nothing outside the source (the background shows through there). */
static inline v128_t add_sample(v128_t sum, int x, int y, v128_t weight) {
  if (x < 0 || y < 0 || x >= job.width || y >= job.height) return sum;
  const uint8_t *p = job.source + ((size_t)y * job.width + x) * 4;
  const v128_t pixel =
      wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(p)));
  return wasm_f32x4_add(sum, term(pixel, weight));
}

/*
 * Values in [0, 255.5) to bytes, rounded half up (as Math.round): + 2^23 leaves the integer in the
 * low byte of each lane, cheaper in V8 than a saturating conversion and two narrowings.
 */
static inline void store_rounded(uint8_t *out, v128_t value) {
  const v128_t whole =
      wasm_f32x4_add(wasm_f32x4_floor(wasm_f32x4_add(value, wasm_f32x4_splat(0.5f))),
                     wasm_f32x4_splat(0x1p23f));
  wasm_v128_store32_lane(out, wasm_i8x16_swizzle(whole, wasm_i32x4_splat(0x0c080400)), 0);
}

/* sum = Σ w·a·c and Σ w·a (a in 0..255), composited over the background: one RGBA pixel. */
static inline void composite(uint8_t *out, v128_t sum) {
  const float alpha = wasm_f32x4_extract_lane(sum, 3) / 255.0f;
  const float rest = 1.0f - alpha;
  const float out_a = alpha * 255.0f + rest * job.background[3];
  if (out_a <= 0.0f) {
    wasm_v128_store32_lane(out, wasm_i32x4_splat(0), 0);
    return;
  }
  v128_t colour = wasm_f32x4_add(
      wasm_f32x4_mul(sum, wasm_f32x4_splat(1.0f / out_a)),
      wasm_f32x4_mul(wasm_v128_load(job.background),
                     wasm_f32x4_splat(rest * job.background[3] / out_a)));
  colour = wasm_f32x4_replace_lane(colour, 3, out_a);
  /* A weighted mean of 0..255 values: kept in range against the last bit of float error. */
  colour = wasm_f32x4_pmin(wasm_f32x4_splat(255.0f),
                           wasm_f32x4_pmax(wasm_f32x4_splat(0.0f), colour));
  store_rounded(out, colour);
}

static uint8_t *fill(uint8_t *out, int count) {
  const v128_t four = wasm_i32x4_splat((int32_t)job.background_pixel);
  for (; count >= 4; count -= 4, out += 16) wasm_v128_store(out, four);
  for (; count > 0; count--, out += 4) wasm_v128_store32_lane(out, four, 0);
  return out;
}

/* Pixels with some neighbour outside the source (or none inside), each bounds-checked. */
static uint8_t *edge(uint8_t *out, int count, int64_t sx, int64_t sy, int64_t step_x,
                     int64_t step_y) {
  for (; count > 0; count--, out += 4, sx += step_x, sy += step_y) {
    const int x0 = (int)(sx >> 32), y0 = (int)(sy >> 32);
    if (x0 < -1 || y0 < -1 || x0 >= job.width || y0 >= job.height) {
      wasm_v128_store32_lane(out, wasm_i32x4_splat((int32_t)job.background_pixel), 0);
      continue;
    }
    v128_t fx;
    const v128_t w = neighbour_weights(sx, sy, &fx);
    v128_t sum = wasm_f32x4_splat(0.0f);
    sum = add_sample(sum, x0, y0, LANE(w, 0));
    sum = add_sample(sum, x0 + 1, y0, LANE(w, 1));
    sum = add_sample(sum, x0, y0 + 1, LANE(w, 2));
    sum = add_sample(sum, x0 + 1, y0 + 1, LANE(w, 3));
    composite(out, sum);
  }
  return out;
}

/* Pixels whose four neighbours all lie inside the source. */
static uint8_t *interior(uint8_t *out, int count, int64_t sx, int64_t sy, int64_t step_x,
                         int64_t step_y) {
  const uint8_t *source = job.source;
  const size_t stride = (size_t)job.width * 4;
  const v128_t ones = wasm_i32x4_splat(-1);
  for (; count > 0; count--, out += 4, sx += step_x, sy += step_y) {
    const int x0 = (int)(sx >> 32), y0 = (int)(sy >> 32);
    const uint8_t *p = source + (size_t)y0 * stride + (size_t)x0 * 4;
    /* [top-left, top-right, bottom-left, bottom-right], RGBA bytes each. */
    const v128_t block = wasm_v128_load64_lane(p + stride, wasm_v128_load64_zero(p), 1);
    const v128_t top = wasm_u16x8_extend_low_u8x16(block);
    const v128_t bottom = wasm_u16x8_extend_high_u8x16(block);
    v128_t fx;
    const v128_t w = neighbour_weights(sx, sy, &fx);
    if ((wasm_i8x16_bitmask(wasm_i8x16_eq(block, ones)) & 0x8888) == 0x8888) {
      /*
       * All four opaque: premultiplying changes nothing and there is nothing to divide by, so
       * plain bilinear. Rows first, in integers: each channel's top and bottom as a 16-bit pair
       * times the Q14 weight pair (fy rounded to 14 bits, 16384 fits), one exact dot product;
       * then the two columns in float.
       */
      const int fy = (int)(((sy & 0xffffffff) + ROUND) >> SHIFT);
      const v128_t wy = wasm_i32x4_splat(fy << 16 | (WEIGHT_ONE - fy));
      const v128_t left = wasm_i16x8_shuffle(top, bottom, 0, 8, 1, 9, 2, 10, 3, 11);
      const v128_t right = wasm_i16x8_shuffle(top, bottom, 4, 12, 5, 13, 6, 14, 7, 15);
      const v128_t wr = wasm_f32x4_mul(fx, wasm_f32x4_splat(1.0f / WEIGHT_ONE));
      const v128_t wl = wasm_f32x4_sub(wasm_f32x4_splat(1.0f / WEIGHT_ONE), wr);
      const v128_t l = wasm_f32x4_convert_i32x4(wasm_i32x4_dot_i16x8(left, wy));
      const v128_t r = wasm_f32x4_convert_i32x4(wasm_i32x4_dot_i16x8(right, wy));
      store_rounded(out, wasm_f32x4_add(wasm_f32x4_mul(l, wl), wasm_f32x4_mul(r, wr)));
      continue;
    }
    v128_t sum = term(wasm_u32x4_extend_low_u16x8(top), LANE(w, 0));
    sum = wasm_f32x4_add(sum, term(wasm_u32x4_extend_high_u16x8(top), LANE(w, 1)));
    sum = wasm_f32x4_add(sum, term(wasm_u32x4_extend_low_u16x8(bottom), LANE(w, 2)));
    sum = wasm_f32x4_add(sum, term(wasm_u32x4_extend_high_u16x8(bottom), LANE(w, 3)));
    composite(out, sum);
  }
  return out;
}

/* Output rows [first, first + rows) into the strip buffer; returns its address. */
EXPORT uint8_t *rotate_rows(int first, int rows) {
  const double cx = job.width / 2.0, cy = job.height / 2.0;
  const double ox = job.out_width / 2.0, oy = job.out_height / 2.0;
  const int64_t width = job.width, height = job.height;
  /* Inverse rotation: where each output pixel's centre comes from in the source. */
  const int64_t step_x = to_fixed(job.cos), step_y = to_fixed(-job.sin);
  uint8_t *out = job.strip;
  for (int y = first; y < first + rows; y++) {
    const double dx = 0.5 - ox, dy = y + 0.5 - oy;
    const int64_t sx = to_fixed(dx * job.cos + dy * job.sin + cx - 0.5);
    const int64_t sy = to_fixed(-dx * job.sin + dy * job.cos + cy - 0.5);
    /* Reached by the source: ⌊position⌋ in [-1, size - 1]. */
    int seen = 0, seen_end = job.out_width;
    clip(sx, step_x, -FIX_ONE, width * FIX_ONE, &seen, &seen_end);
    clip(sy, step_y, -FIX_ONE, height * FIX_ONE, &seen, &seen_end);
    /* Interior: ⌊position⌋ in [0, size - 2] (a subset of the span above). */
    int inner = seen, inner_end = seen_end;
    clip(sx, step_x, 0, (width - 1) * FIX_ONE, &inner, &inner_end);
    clip(sy, step_y, 0, (height - 1) * FIX_ONE, &inner, &inner_end);
    if (inner >= inner_end) inner = inner_end = seen_end;
    out = fill(out, seen);
    out = edge(out, inner - seen, sx + seen * step_x, sy + seen * step_y, step_x, step_y);
    out = interior(out, inner_end - inner, sx + inner * step_x, sy + inner * step_y, step_x,
                   step_y);
    out = edge(out, seen_end - inner_end, sx + inner_end * step_x, sy + inner_end * step_y,
               step_x, step_y);
    out = fill(out, job.out_width - seen_end);
  }
  return job.strip;
}

EXPORT void rotate_release(void) {
  free(job.source);
  free(job.strip);
  job.source = job.strip = 0;
}
