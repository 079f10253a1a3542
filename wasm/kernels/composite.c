/*
 * Draws an RGBA8 block over RGBA8 pixels, for watermarks (PROTOCOL.md §3.18): source-over in
 * premultiplied arithmetic, results in straight alpha like every frame of the service. The block
 * is copied in once; the base comes in strips of rows (only a strip is ever in this module), and
 * the block is stamped at every position that touches the strip.
 *
 * Over an opaque base (every JPEG) a colour is (top·a + base·(255 − a)) / 255 and alpha stays 255:
 * 4 pixels a step with wasm SIMD, dividing by 255 exactly as (x + 128 + ((x + 128) >> 8)) >> 8.
 * Where the base has alpha, the general formula runs per pixel.
 */
#include <stdint.h>
#include <stdlib.h>
#include <wasm_simd128.h>

#define EXPORT __attribute__((used, visibility("default")))

static uint8_t *block;
static int block_width, block_height;
static uint8_t *strip;
static size_t strip_capacity;

EXPORT uint8_t *composite_block(int width, int height) {
  free(block);
  block_width = width;
  block_height = height;
  block = malloc((size_t)width * height * 4);
  return block;
}

EXPORT uint8_t *composite_strip(int width, int rows) {
  size_t bytes = (size_t)width * rows * 4;
  if (bytes > strip_capacity) {
    free(strip);
    strip = malloc(bytes);
    strip_capacity = strip ? bytes : 0;
  }
  return strip;
}

EXPORT void composite_release(void) {
  free(block);
  free(strip);
  block = strip = NULL;
  strip_capacity = 0;
}

static inline uint32_t div255(uint32_t x) { return (x + 128 + ((x + 128) >> 8)) >> 8; }

static inline void over_pixel(uint8_t *b, const uint8_t *t) {
  uint32_t ta = t[3];
  if (ta == 0) return;
  uint32_t ba = b[3];
  if (ta == 255 || ba == 0) {
    b[0] = t[0]; b[1] = t[1]; b[2] = t[2]; b[3] = (uint8_t)ta;
    return;
  }
  if (ba == 255) {
    for (int c = 0; c < 3; c++) b[c] = (uint8_t)div255(t[c] * ta + b[c] * (255 - ta));
    return;
  }
  /* Premultiplied: out = top + base·(1 − a); then back to straight alpha. */
  uint32_t keep = div255(ba * (255 - ta));   /* the base's remaining weight, 0..255 */
  uint32_t oa = ta + keep;
  for (int c = 0; c < 3; c++) b[c] = (uint8_t)((t[c] * ta + b[c] * keep + oa / 2) / oa);
  b[3] = (uint8_t)oa;
}

/* (t·a + b·(255 − a)) / 255 on 8 channels held as u16. */
static inline v128_t blend16(v128_t t, v128_t b, v128_t a) {
  v128_t inverse = wasm_i16x8_sub(wasm_i16x8_splat(255), a);
  v128_t x = wasm_i16x8_add(wasm_i16x8_mul(t, a), wasm_i16x8_mul(b, inverse));
  x = wasm_i16x8_add(x, wasm_i16x8_splat(128));
  return wasm_u16x8_shr(wasm_i16x8_add(x, wasm_u16x8_shr(x, 8)), 8);
}

/* 4 pixels over 4 opaque base pixels. */
static inline void over4_opaque(uint8_t *b, const uint8_t *t) {
  v128_t top = wasm_v128_load(t);
  v128_t base = wasm_v128_load(b);
  /* Each pixel's alpha byte repeated over its four channels. */
  v128_t alpha = wasm_i8x16_shuffle(top, top, 3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15, 15, 15);
  v128_t low = blend16(wasm_u16x8_extend_low_u8x16(top), wasm_u16x8_extend_low_u8x16(base),
                       wasm_u16x8_extend_low_u8x16(alpha));
  v128_t high = blend16(wasm_u16x8_extend_high_u8x16(top), wasm_u16x8_extend_high_u8x16(base),
                        wasm_u16x8_extend_high_u8x16(alpha));
  v128_t out = wasm_u8x16_narrow_i16x8(low, high);
  /* Alpha stays opaque. */
  out = wasm_v128_or(out, wasm_i32x4_splat((int32_t)0xff000000));
  wasm_v128_store(b, out);
}

/*
 * Stamps the block with its top-left corner at (x, y) of the picture onto the strip holding
 * picture rows [top, top + rows), `width` pixels wide. Everything outside is clipped.
 */
EXPORT void composite_stamp(int width, int rows, int top, int x, int y) {
  if (!block || !strip) return;
  int x0 = x < 0 ? 0 : x;
  int x1 = x + block_width < width ? x + block_width : width;
  int y0 = y < top ? top : y;
  int y1 = y + block_height < top + rows ? y + block_height : top + rows;
  for (int row = y0; row < y1; row++) {
    uint8_t *b = strip + ((size_t)(row - top) * width + x0) * 4;
    const uint8_t *t = block + ((size_t)(row - y) * block_width + (x0 - x)) * 4;
    int col = x0;
    for (; col + 4 <= x1; col += 4, b += 16, t += 16) {
      v128_t base_alpha = wasm_v128_and(wasm_v128_load(b), wasm_i32x4_splat((int32_t)0xff000000));
      if (wasm_i32x4_all_true(wasm_i32x4_eq(base_alpha, wasm_i32x4_splat((int32_t)0xff000000)))) {
        over4_opaque(b, t);
      } else {
        for (int i = 0; i < 4; i++) over_pixel(b + i * 4, t + i * 4);
      }
    }
    for (; col < x1; col++, b += 4, t += 4) over_pixel(b, t);
  }
}
