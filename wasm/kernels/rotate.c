/*
 * Rotation by any angle (PROTOCOL.md §3.6, and rotated watermark blocks): each output pixel is
 * sampled bilinearly from the source through the inverse rotation about the centres, on
 * premultiplied pixels (no dark fringes at transparent edges), and composited over the background
 * where it is exposed; the image edge is anti-aliased against it. One pixel's four channels are
 * one f32x4 vector. The source is held in this module's memory; the result is written one strip of
 * rows at a time into a buffer the caller copies out, so the module never holds the whole output.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <wasm_simd128.h>

#define EXPORT __attribute__((used, visibility("default")))
#define STRIP_ROWS 16

static struct {
  uint8_t *source;
  uint8_t *strip;
  int width, height, out_width, out_height;
  float cos, sin;
  float background[4];
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
  job.cos = (float)cos(theta);
  job.sin = (float)sin(theta);
  job.background[0] = (float)bg_r;
  job.background[1] = (float)bg_g;
  job.background[2] = (float)bg_b;
  job.background[3] = (float)bg_a;
  return job.source;
}

EXPORT int rotate_strip_rows(void) { return STRIP_ROWS; }

/* Σ w·a·[r, g, b, 1] of one source pixel, added to `sum` (nothing outside the source). */
static inline v128_t add_sample(v128_t sum, int x, int y, float weight) {
  if (x < 0 || y < 0 || x >= job.width || y >= job.height || weight == 0.0f) return sum;
  const uint8_t *p = job.source + ((size_t)y * job.width + x) * 4;
  v128_t wide = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(p)));
  v128_t rgb1 = wasm_f32x4_replace_lane(wasm_f32x4_convert_u32x4(wide), 3, 1.0f);
  return wasm_f32x4_add(sum, wasm_f32x4_mul(rgb1, wasm_f32x4_splat(p[3] * weight)));
}

/* Output rows [first, first + rows) into the strip buffer; returns its address. */
EXPORT uint8_t *rotate_rows(int first, int rows) {
  const float cx = job.width / 2.0f, cy = job.height / 2.0f;
  const float ox = job.out_width / 2.0f, oy = job.out_height / 2.0f;
  const v128_t background = wasm_v128_load(job.background);
  const v128_t half = wasm_f32x4_splat(0.5f);
  uint32_t bg_pixel = (uint32_t)job.background[0] | (uint32_t)job.background[1] << 8 |
                      (uint32_t)job.background[2] << 16 | (uint32_t)job.background[3] << 24;
  uint8_t *out = job.strip;
  for (int y = first; y < first + rows; y++) {
    const float dy = y + 0.5f - oy;
    for (int x = 0; x < job.out_width; x++, out += 4) {
      const float dx = x + 0.5f - ox;
      /* Inverse rotation: where this output pixel's centre comes from in the source. */
      const float sx = dx * job.cos + dy * job.sin + cx - 0.5f;
      const float sy = -dx * job.sin + dy * job.cos + cy - 0.5f;
      const int x0 = (int)floorf(sx), y0 = (int)floorf(sy);
      if (x0 < -1 || y0 < -1 || x0 >= job.width || y0 >= job.height) {
        wasm_v128_store32_lane(out, wasm_u32x4_splat(bg_pixel), 0);
        continue;
      }
      const float fx = sx - x0, fy = sy - y0;
      v128_t sum = wasm_f32x4_splat(0.0f);
      sum = add_sample(sum, x0, y0, (1 - fx) * (1 - fy));
      sum = add_sample(sum, x0 + 1, y0, fx * (1 - fy));
      sum = add_sample(sum, x0, y0 + 1, (1 - fx) * fy);
      sum = add_sample(sum, x0 + 1, y0 + 1, fx * fy);
      /* sum = Σ w·a·c and Σ w·a (a in 0..255): composite over the background. */
      const float alpha = wasm_f32x4_extract_lane(sum, 3) / 255.0f;
      const float rest = 1.0f - alpha;
      const float out_a = alpha * 255.0f + rest * job.background[3];
      if (out_a <= 0.0f) {
        wasm_v128_store32_lane(out, wasm_i32x4_splat(0), 0);
        continue;
      }
      v128_t colour = wasm_f32x4_add(
          wasm_f32x4_mul(sum, wasm_f32x4_splat(1.0f / out_a)),
          wasm_f32x4_mul(background, wasm_f32x4_splat(rest * job.background[3] / out_a)));
      colour = wasm_f32x4_replace_lane(colour, 3, out_a);
      /* Rounded half up, as Math.round; clamped to 0..255 by the saturating narrowings. */
      v128_t rounded = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_floor(wasm_f32x4_add(colour, half)));
      v128_t bytes = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(rounded, rounded), rounded);
      wasm_v128_store32_lane(out, bytes, 0);
    }
  }
  return job.strip;
}

EXPORT void rotate_release(void) {
  free(job.source);
  free(job.strip);
  job.source = job.strip = 0;
}
