/*
 * Gaussian blur of RGBA8 frames in place, for `blur` and `sharpen` (PROTOCOL.md §3.10–3.11) and
 * the blurred `resize` pad background: a kernel of radius r (width 2r+1) and sigma s, edges
 * extended; R, G and B change, and alpha too when asked (effects keep it, §3.11).
 *
 * The cost per pixel does not depend on the radius: each 1-D pass reads running sums (prefix sums)
 * and the kernel is a stack of centred boxes, Σ w_k · box(half-width h_k). Up to 8 boxes the
 * stack is the truncated Gaussian exactly (its decomposition into its r+1 levels); for larger
 * radii its levels are averaged over 8 bands, with the outermost box still exactly 2r+1 wide.
 * The passes work through one row or one 16-column strip at a time, so the only memory besides
 * the frame is a line of sums.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <wasm_simd128.h>

#define EXPORT __attribute__((used, visibility("default")))
#define MAX_BOXES 8
#define STRIP 16

typedef struct {
  int count;
  int half[MAX_BOXES];   /* box k covers offsets -half[k]..half[k] */
  float weight[MAX_BOXES];
} BoxStack;

static void make_stack(BoxStack *stack, int radius, double sigma) {
  double level[51 + 1];
  double total = 0.0;
  for (int i = 0; i <= radius; i++) {
    level[i] = exp(-(double)(i * i) / (2.0 * sigma * sigma));
    total += (i == 0 ? 1.0 : 2.0) * level[i];
  }
  for (int i = 0; i <= radius; i++) level[i] /= total;
  /* Bands of offsets [from, to]; each band's level is the mean of the Gaussian over it. */
  int bands = radius + 1 < MAX_BOXES ? radius + 1 : MAX_BOXES;
  double band_level[MAX_BOXES];
  int band_end[MAX_BOXES];
  for (int b = 0; b < bands; b++) {
    int from = (int)((long)(radius + 1) * b / bands);
    int to = (int)((long)(radius + 1) * (b + 1) / bands) - 1;
    double sum = 0.0;
    for (int i = from; i <= to; i++) sum += level[i];
    band_level[b] = sum / (to - from + 1);
    band_end[b] = to;
  }
  /* Box k (half-width band_end[k]) carries the step down from band k to band k+1. */
  double mass = 0.0;
  for (int b = 0; b < bands; b++) {
    double next = b + 1 < bands ? band_level[b + 1] : 0.0;
    stack->half[b] = band_end[b];
    stack->weight[b] = (float)(band_level[b] - next);
    mass += (band_level[b] - next) * (2 * band_end[b] + 1);
  }
  /* Renormalise so flat areas stay exactly flat. */
  for (int b = 0; b < bands; b++) stack->weight[b] = (float)(stack->weight[b] / mass);
  stack->count = bands;
}

static v128_t *sums;      /* running sums of one line, u32x4 per pixel */
static size_t sums_capacity;

static int ensure_sums(size_t entries) {
  if (entries <= sums_capacity) return 1;
  free(sums);
  sums = malloc(entries * sizeof(v128_t));
  sums_capacity = sums ? entries : 0;
  return sums != NULL;
}

static inline v128_t load_pixel(const uint8_t *p) {
  return wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(p)));
}

/*
 * `lanes` parallel lines of n pixels each, blurred in place: pixel i of lane l is at
 * base + i·step + l·4. Rows go one lane at a time; columns in strips of 16 lanes, so each row of
 * the strip is read as one cache-friendly run.
 */
static void blur_lines(uint8_t *base, int n, size_t step, int lanes, int radius,
                       const BoxStack *stack, v128_t keep_alpha) {
  /* sums[i·lanes + l] = Σ of lane l's first i pixels of the line extended by r at each end. */
  v128_t acc[STRIP];
  for (int l = 0; l < lanes; l++) acc[l] = sums[l] = wasm_i32x4_splat(0);
  int total = n + 2 * radius;
  for (int i = 0; i < total; i++) {
    int x = i - radius;
    x = x < 0 ? 0 : x >= n ? n - 1 : x;
    const uint8_t *row = base + (size_t)x * step;
    v128_t *out = sums + (size_t)(i + 1) * lanes;
    for (int l = 0; l < lanes; l++) out[l] = acc[l] = wasm_i32x4_add(acc[l], load_pixel(row + 4 * l));
  }
  for (int x = 0; x < n; x++) {
    int centre = x + radius; /* index of x in the extended line */
    uint8_t *row = base + (size_t)x * step;
    for (int l = 0; l < lanes; l++) {
      v128_t value = wasm_f32x4_splat(0.5f);
      for (int k = 0; k < stack->count; k++) {
        int h = stack->half[k];
        v128_t box = wasm_i32x4_sub(sums[(size_t)(centre + h + 1) * lanes + l],
                                    sums[(size_t)(centre - h) * lanes + l]);
        value = wasm_f32x4_add(value, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(box),
                                                     wasm_f32x4_splat(stack->weight[k])));
      }
      uint8_t *p = row + 4 * l;
      v128_t rounded = wasm_v128_bitselect(load_pixel(p), wasm_i32x4_trunc_sat_f32x4(value),
                                           keep_alpha);
      v128_t packed = wasm_i16x8_narrow_i32x4(rounded, rounded);
      packed = wasm_u8x16_narrow_i16x8(packed, packed);
      wasm_v128_store32_lane(p, packed, 0);
    }
  }
}

/*
 * Blurs the width×height RGBA frame at `data` in place with a radius-r, sigma-s Gaussian (r ≤ 50),
 * alpha included when `blur_alpha`.
 * Returns 0, or 1 when memory ran out (the frame is then unchanged or partly blurred).
 */
EXPORT int blur_rgba(uint8_t *data, int width, int height, int radius, double sigma,
                     int blur_alpha) {
  if (radius < 1 || radius > 50 || sigma <= 0) return 1;
  int longest = width > height ? width : height;
  if (!ensure_sums(((size_t)longest + 2 * radius + 1) * STRIP)) return 1;
  BoxStack stack;
  make_stack(&stack, radius, sigma);
  const v128_t keep_alpha = blur_alpha ? wasm_i32x4_splat(0) : wasm_i32x4_make(0, 0, 0, -1);
  for (int y = 0; y < height; y++) {
    blur_lines(data + (size_t)y * width * 4, width, 4, 1, radius, &stack, keep_alpha);
  }
  for (int x = 0; x < width; x += STRIP) {
    int lanes = width - x < STRIP ? width - x : STRIP;
    blur_lines(data + (size_t)x * 4, height, (size_t)width * 4, lanes, radius, &stack,
               keep_alpha);
  }
  return 0;
}

/* Frame buffers for JavaScript to fill and read back. */
EXPORT void *kernel_alloc(int bytes) { return malloc((size_t)bytes); }
EXPORT void kernel_free(void *pointer) { free(pointer); }
