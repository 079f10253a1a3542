/*
 * PNG decoding for the Worker: any PNG to 8-bit RGBA, on libdeflate's whole-buffer inflate.
 *
 * Output contract (that of squoosh_png, the Rust `png` 0.17.10 crate with EXPAND | STRIP_16, which
 * decoded before; wasm/png/check-decoder.mjs compares the two): 16-bit samples keep their high
 * byte; palette entries past the PLTE are black, tRNS alpha past its end (or a tRNS longer than
 * the palette: ignored) 255; grey below 8 bits scaled by 255 / (2^depth - 1); a grey or RGB tRNS
 * colour key makes matching pixels alpha 0 (below 16 bits, against the low bytes of the key; at 16
 * bits the key counts only when the chunk is exactly one sample set long). Gamma, cHRM, sRGB and
 * iCCP never change the pixels. An APNG gives its default image (the IDAT one, whatever its
 * place in the animation). CRCs and the Adler-32 are not checked (squoosh_png ignores both).
 *
 * Memory: the file (JavaScript copies it into this module; its IDAT payloads are gathered in place
 * to one zlib stream) and one buffer holding the output frame; the inflated scanlines are written
 * at the tail of that same buffer, and rows are unfiltered and expanded front to back, each output
 * row ending before the next scanline starts (so scanlines wider than 4 bytes a pixel, 16-bit, make
 * the buffer larger than the frame). Interlaced files inflate into a separate buffer, since their
 * passes scatter over the whole frame. Plus two scanlines, 64 KiB of room past the scanlines and
 * libdeflate's state (~32 KiB).
 *
 * Everything is bounded by the header: sizes are checked in 64 bits against the caller's pixel
 * limit before anything is allocated; inflate stops at the exact scanline bytes. One decode at a
 * time; JavaScript calls it synchronously.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

#include "libdeflate.h"

#define EXPORT __attribute__((used, visibility("default")))

enum { PNG_OK = 0, PNG_CORRUPT = 1, PNG_TOO_LARGE = 2, PNG_MEMORY = 3 };

/* Beyond this the frame would not fit a 2 GiB memory beside the file. */
#define MAX_FRAME_BYTES ((uint64_t)1 << 30)

static struct {
  int code;
  uint32_t width;
  uint32_t height;
} result;

EXPORT void *png_alloc(size_t size) { return malloc(size); }
EXPORT void png_free(void *pointer) { free(pointer); }
EXPORT int png_result_code(void) { return result.code; }
EXPORT uint32_t png_result_width(void) { return result.width; }
EXPORT uint32_t png_result_height(void) { return result.height; }

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#define TYPE(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

typedef struct {
  uint32_t width, height;
  int depth;      /* bits per sample */
  int colour;     /* 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA */
  int channels;   /* samples per pixel */
  int interlaced;
  size_t bpp;     /* bytes per complete pixel, at least 1 (for the filters) */
  uint8_t palette[256 * 4]; /* RGBA of every index (black, opaque past the PLTE) */
  int has_palette;
  int has_key;    /* grey or RGB tRNS colour key in force */
  uint8_t key[6]; /* below 16 bits: the low byte of each sample; at 16 bits: the chunk */
} Header;

/* Bytes of one scanline of `width` pixels, without its filter byte. */
static uint64_t row_bytes(const Header *h, uint64_t width) {
  return (width * (uint64_t)h->channels * (uint64_t)h->depth + 7) / 8;
}

/* --- unfiltering ------------------------------------------------------------------------------
 * dst may be the same as or before src (forward-safe: each byte is read before any write to its
 * address could happen); prev is the previous unfiltered scanline (zeros above the first). */

static inline uint8_t paeth(int a, int b, int c) {
  int p = a + b - c;
  int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
  if (pa <= pb && pa <= pc) return (uint8_t)a;
  return (uint8_t)(pb <= pc ? b : c);
}

static inline v128_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return wasm_u16x8_extend_low_u8x16(wasm_i32x4_splat((int32_t)v));
}

static inline v128_t load24(const uint8_t *p) {
  uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
  return wasm_u16x8_extend_low_u8x16(wasm_i32x4_splat((int32_t)v));
}

static inline void store(uint8_t *p, v128_t v16, size_t n) {
  v128_t bytes = wasm_u8x16_narrow_i16x8(v16, v16);
  uint32_t v = (uint32_t)wasm_i32x4_extract_lane(bytes, 0);
  memcpy(p, &v, n);
}

/* Paeth on whole pixels of 3 or 4 bytes, in 16-bit lanes (libpng's SSE2 method). */
static void paeth_simd(uint8_t *dst, const uint8_t *src, const uint8_t *prev, size_t len,
                       size_t bpp) {
  v128_t a = wasm_i16x8_splat(0), c = wasm_i16x8_splat(0);
  size_t i = 0;
  for (; i + bpp <= len && i + 4 <= len; i += bpp) {
    v128_t b = bpp == 4 ? load32(prev + i) : load24(prev + i);
    v128_t x = bpp == 4 ? load32(src + i) : load24(src + i);
    v128_t pa = wasm_i16x8_abs(wasm_i16x8_sub(b, c)); /* |p - a| = |b - c| */
    v128_t pb = wasm_i16x8_abs(wasm_i16x8_sub(a, c)); /* |p - b| = |a - c| */
    v128_t pc = wasm_i16x8_abs(wasm_i16x8_sub(wasm_i16x8_add(a, b), wasm_i16x8_add(c, c)));
    v128_t smallest = wasm_i16x8_min(pc, wasm_i16x8_min(pa, pb));
    /* a if pa is smallest, else b if pb is, else c */
    v128_t pick = wasm_v128_bitselect(b, c, wasm_i16x8_eq(smallest, pb));
    pick = wasm_v128_bitselect(a, pick, wasm_i16x8_eq(smallest, pa));
    a = wasm_v128_and(wasm_i16x8_add(x, pick), wasm_i16x8_splat(0xff));
    c = b;
    store(dst + i, a, bpp);
  }
  for (; i < len; i++) {
    int left = i >= bpp ? dst[i - bpp] : 0, upleft = i >= bpp ? prev[i - bpp] : 0;
    dst[i] = (uint8_t)(src[i] + paeth(left, prev[i], upleft));
  }
}

static void avg_simd(uint8_t *dst, const uint8_t *src, const uint8_t *prev, size_t len,
                     size_t bpp) {
  v128_t a = wasm_i16x8_splat(0);
  size_t i = 0;
  for (; i + bpp <= len && i + 4 <= len; i += bpp) {
    v128_t b = bpp == 4 ? load32(prev + i) : load24(prev + i);
    v128_t x = bpp == 4 ? load32(src + i) : load24(src + i);
    a = wasm_v128_and(wasm_i16x8_add(x, wasm_u16x8_shr(wasm_i16x8_add(a, b), 1)),
                      wasm_i16x8_splat(0xff));
    store(dst + i, a, bpp);
  }
  for (; i < len; i++) {
    int left = i >= bpp ? dst[i - bpp] : 0;
    dst[i] = (uint8_t)(src[i] + ((left + prev[i]) >> 1));
  }
}

static int unfilter(int filter, uint8_t *dst, const uint8_t *src, const uint8_t *prev, size_t len,
                    size_t bpp) {
  size_t i = 0;
  switch (filter) {
  case 0:
    memmove(dst, src, len);
    return 1;
  case 1:
    for (; i < bpp && i < len; i++) dst[i] = src[i];
    for (; i < len; i++) dst[i] = (uint8_t)(src[i] + dst[i - bpp]);
    return 1;
  case 2:
    for (; i + 16 <= len; i += 16) {
      v128_t x = wasm_v128_load(src + i);
      wasm_v128_store(dst + i, wasm_i8x16_add(x, wasm_v128_load(prev + i)));
    }
    for (; i < len; i++) dst[i] = (uint8_t)(src[i] + prev[i]);
    return 1;
  case 3:
    if (bpp == 3 || bpp == 4) {
      avg_simd(dst, src, prev, len, bpp);
      return 1;
    }
    for (; i < bpp && i < len; i++) dst[i] = (uint8_t)(src[i] + (prev[i] >> 1));
    for (; i < len; i++) dst[i] = (uint8_t)(src[i] + ((dst[i - bpp] + prev[i]) >> 1));
    return 1;
  case 4:
    if (bpp == 3 || bpp == 4) {
      paeth_simd(dst, src, prev, len, bpp);
      return 1;
    }
    for (; i < bpp && i < len; i++) dst[i] = (uint8_t)(src[i] + prev[i]);
    for (; i < len; i++)
      dst[i] = (uint8_t)(src[i] + paeth(dst[i - bpp], prev[i], prev[i - bpp]));
    return 1;
  default:
    return 0;
  }
}

/* --- expansion of one unfiltered scanline to RGBA ----------------------------------------------
 * `step` is the distance in output pixels between the scanline's pixels (Adam7 passes). */

static inline uint8_t *pixel(uint8_t *out, size_t x, size_t step) { return out + 4 * x * step; }

/* A sample of `depth` < 8 bits, MSB first. */
static inline int low_sample(const uint8_t *row, size_t x, int depth) {
  size_t bit = x * (size_t)depth;
  return (row[bit >> 3] >> (8 - depth - (int)(bit & 7))) & ((1 << depth) - 1);
}

static void expand_row(const Header *h, const uint8_t *row, uint8_t *out, size_t n,
                       size_t step) {
  size_t x = 0;
  if (h->colour == 3) {
    const uint8_t *pal = h->palette;
    if (h->depth == 8)
      for (; x < n; x++) memcpy(pixel(out, x, step), pal + 4 * row[x], 4);
    else
      for (; x < n; x++) memcpy(pixel(out, x, step), pal + 4 * low_sample(row, x, h->depth), 4);
    return;
  }
  if (h->depth < 8) { /* grey 1, 2, 4 */
    int scale = 255 / ((1 << h->depth) - 1);
    for (; x < n; x++) {
      int v = low_sample(row, x, h->depth);
      uint8_t *p = pixel(out, x, step);
      p[0] = p[1] = p[2] = (uint8_t)(v * scale);
      p[3] = h->has_key && v == h->key[0] ? 0 : 255;
    }
    return;
  }
  const size_t s = (size_t)h->depth / 8; /* bytes per sample; the high byte comes first */
  if (h->has_key) {
    const size_t bytes = (size_t)h->channels * s;
    for (; x < n; x++) {
      const uint8_t *in = row + x * bytes;
      uint8_t *p = pixel(out, x, step);
      int transparent = memcmp(in, h->key, bytes) == 0;
      if (h->channels == 1) {
        p[0] = p[1] = p[2] = in[0];
      } else {
        p[0] = in[0];
        p[1] = in[s];
        p[2] = in[2 * s];
      }
      p[3] = transparent ? 0 : 255;
    }
    return;
  }
  if (step == 1) {
    /* Shuffles of 4 output pixels from the scanline's bytes (index 16+: the constant's lanes). */
    const v128_t opaque = wasm_i32x4_splat((int32_t)0xff000000);
    switch (h->colour * 100 + h->depth) {
    case 608:
      memcpy(out, row, 4 * n);
      return;
    case 208:
      for (; x + 6 <= n; x += 4) { /* loads 16 bytes, uses 12; x + 6 keeps the load inside */
        v128_t in = wasm_v128_load(row + 3 * x);
        v128_t rgba = wasm_i8x16_shuffle(in, opaque, 0, 1, 2, 19, 3, 4, 5, 23, 6, 7, 8, 27, 9, 10,
                                         11, 31);
        wasm_v128_store(out + 4 * x, rgba);
      }
      break;
    case 8:
      for (; x + 16 <= n; x += 16) {
        v128_t in = wasm_v128_load(row + x);
        wasm_v128_store(out + 4 * x, wasm_i8x16_shuffle(in, opaque, 0, 0, 0, 19, 1, 1, 1, 23, 2,
                                                        2, 2, 27, 3, 3, 3, 31));
        wasm_v128_store(out + 4 * x + 16, wasm_i8x16_shuffle(in, opaque, 4, 4, 4, 19, 5, 5, 5, 23,
                                                             6, 6, 6, 27, 7, 7, 7, 31));
        wasm_v128_store(out + 4 * x + 32, wasm_i8x16_shuffle(in, opaque, 8, 8, 8, 19, 9, 9, 9, 23,
                                                             10, 10, 10, 27, 11, 11, 11, 31));
        wasm_v128_store(out + 4 * x + 48,
                        wasm_i8x16_shuffle(in, opaque, 12, 12, 12, 19, 13, 13, 13, 23, 14, 14, 14,
                                           27, 15, 15, 15, 31));
      }
      break;
    case 408:
      for (; x + 8 <= n; x += 8) {
        v128_t in = wasm_v128_load(row + 2 * x);
        wasm_v128_store(out + 4 * x, wasm_i8x16_shuffle(in, in, 0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 4,
                                                        5, 6, 6, 6, 7));
        wasm_v128_store(out + 4 * x + 16, wasm_i8x16_shuffle(in, in, 8, 8, 8, 9, 10, 10, 10, 11,
                                                             12, 12, 12, 13, 14, 14, 14, 15));
      }
      break;
    case 616:
      for (; x + 4 <= n; x += 4) {
        v128_t lo = wasm_v128_load(row + 8 * x), hi = wasm_v128_load(row + 8 * x + 16);
        wasm_v128_store(out + 4 * x, wasm_i8x16_shuffle(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                                        20, 22, 24, 26, 28, 30));
      }
      break;
    }
  }
  for (; x < n; x++) {
    const uint8_t *in = row + x * (size_t)h->channels * s;
    uint8_t *p = pixel(out, x, step);
    switch (h->colour) {
    case 0:
      p[0] = p[1] = p[2] = in[0];
      p[3] = 255;
      break;
    case 2:
      p[0] = in[0];
      p[1] = in[s];
      p[2] = in[2 * s];
      p[3] = 255;
      break;
    case 4:
      p[0] = p[1] = p[2] = in[0];
      p[3] = in[s];
      break;
    default:
      p[0] = in[0];
      p[1] = in[s];
      p[2] = in[2 * s];
      p[3] = in[3 * s];
      break;
    }
  }
}

/* --- the file ----------------------------------------------------------------------------------- */

static int fail(int code) {
  result.code = code;
  return 0;
}

/* IHDR, PLTE, tRNS and an fcTL before the image data; gathers the IDAT run (the default image) into
 * one zlib stream at the start of its first payload. */
static int read_chunks(uint8_t *data, size_t length, Header *h, uint8_t **stream,
                       size_t *stream_length) {
  static const uint8_t signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (length < 8 + 8 + 13 || memcmp(data, signature, 8) != 0) return fail(PNG_CORRUPT);
  size_t pos = 8;
  int have_ihdr = 0, have_trns = 0, have_fctl = 0;
  const uint8_t *trns = NULL;
  uint32_t trns_length = 0;
  const uint8_t *plte = NULL;
  uint32_t plte_length = 0;
  for (;;) {
    if (length - pos < 8) return fail(PNG_CORRUPT);
    uint32_t size = be32(data + pos), type = be32(data + pos + 4);
    const uint8_t *body = data + pos + 8;
    /* Body and CRC must be inside the file (the CRC itself is not checked). */
    if (size > length - pos - 8 || length - pos - 8 - size < 4) return fail(PNG_CORRUPT);
    if (!have_ihdr && type != TYPE('I', 'H', 'D', 'R')) return fail(PNG_CORRUPT);
    if (type == TYPE('I', 'H', 'D', 'R')) {
      if (have_ihdr || size < 13) return fail(PNG_CORRUPT);
      have_ihdr = 1;
      h->width = be32(body);
      h->height = be32(body + 4);
      h->depth = body[8];
      h->colour = body[9];
      static const int valid[7] = {0x1f /* 1,2,4,8,16 */, 0, 0x18, 0x0f, 0x18, 0, 0x18};
      int bit = h->depth == 1 ? 0 : h->depth == 2 ? 1 : h->depth == 4 ? 2 : h->depth == 8 ? 3
                : h->depth == 16 ? 4 : -1;
      if (bit < 0 || h->colour > 6 || !(valid[h->colour] >> bit & 1)) return fail(PNG_CORRUPT);
      if (body[10] != 0 || body[11] != 0 || body[12] > 1) return fail(PNG_CORRUPT);
      if (h->width == 0 || h->height == 0) return fail(PNG_CORRUPT);
      h->interlaced = body[12];
      h->channels = h->colour == 0 || h->colour == 3 ? 1 : h->colour == 2 ? 3 : h->colour == 4 ? 2 : 4;
      h->bpp = (size_t)h->channels * (size_t)h->depth / 8;
      if (h->bpp == 0) h->bpp = 1;
    } else if (type == TYPE('P', 'L', 'T', 'E')) {
      if (plte || size == 0) return fail(PNG_CORRUPT);
      plte = body;
      plte_length = size;
    } else if (type == TYPE('t', 'R', 'N', 'S')) {
      if (have_trns) return fail(PNG_CORRUPT);
      have_trns = 1;
      if (h->colour == 0 && size < 2) return fail(PNG_CORRUPT);
      if (h->colour == 2 && size < 6) return fail(PNG_CORRUPT);
      if (h->colour == 3 && !plte) return fail(PNG_CORRUPT);
      if (h->colour == 4 || h->colour == 6) return fail(PNG_CORRUPT);
      trns = body;
      trns_length = size;
    } else if (type == TYPE('a', 'c', 'T', 'L')) {
      if (size < 8) return fail(PNG_CORRUPT);
    } else if (type == TYPE('f', 'c', 'T', 'L')) {
      /* Before the IDAT: the default image is the first frame, and must be the whole canvas. */
      if (have_fctl || size < 26 || be32(body) != 0) return fail(PNG_CORRUPT);
      have_fctl = 1;
      if (be32(body + 4) != h->width || be32(body + 8) != h->height || be32(body + 12) != 0 ||
          be32(body + 16) != 0 || body[24] > 2 || body[25] > 1)
        return fail(PNG_CORRUPT);
    } else if (type == TYPE('f', 'd', 'A', 'T') || type == TYPE('I', 'E', 'N', 'D')) {
      return fail(PNG_CORRUPT); /* no image data */
    } else if (type == TYPE('I', 'D', 'A', 'T')) {
      break;
    }
    pos += 12 + (size_t)size;
  }
  /* The IDAT run: consecutive IDAT chunks, their payloads moved together (left, in place). */
  uint8_t *write = data + pos + 8;
  *stream = write;
  for (;;) {
    uint32_t size = be32(data + pos);
    if (size > length - pos - 8 || length - pos - 8 - size < 4) return fail(PNG_CORRUPT);
    memmove(write, data + pos + 8, size);
    write += size;
    pos += 12 + (size_t)size;
    /* squoosh_png needs the next chunk's length and type to know the image data has ended. */
    if (length - pos < 8) return fail(PNG_CORRUPT);
    if (be32(data + pos + 4) != TYPE('I', 'D', 'A', 'T')) break;
  }
  *stream_length = (size_t)(write - *stream);

  if (h->colour == 3) {
    if (!plte) return fail(PNG_CORRUPT);
    uint32_t entries = plte_length / 3;
    /* A tRNS with more entries than the palette is ignored (squoosh_png, libpng). */
    uint32_t alphas = trns && trns_length <= entries ? trns_length : 0;
    for (uint32_t i = 0; i < 256; i++) {
      uint8_t *p = h->palette + 4 * i;
      if (i < entries) memcpy(p, plte + 3 * i, 3);
      else p[0] = p[1] = p[2] = 0;
      p[3] = i < alphas ? trns[i] : 255;
    }
  } else if (trns && (h->colour == 0 || h->colour == 2)) {
    h->has_key = 1;
    if (h->depth < 16) {
      for (int c = 0; c < h->channels; c++) h->key[c] = trns[2 * c + 1];
    } else if (trns_length == (uint32_t)(2 * h->channels)) {
      memcpy(h->key, trns, trns_length);
    } else {
      h->has_key = 0; /* never matches (squoosh_png compares the whole chunk) */
    }
  }
  return 1;
}

static const struct {
  uint8_t x0, y0, dx, dy;
} adam7[7] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
              {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

static uint64_t pass_size(uint64_t full, int origin, int step) {
  return full > (uint64_t)origin ? (full - origin + step - 1) / step : 0;
}

/* libdeflate stops short of a symbol or stored block that would overflow the buffer (up to 64 KiB
 * before its end), so a stream longer than the image is inflated into this much room beyond it. */
#define INFLATE_SLACK 65536

/* Inflates `size` bytes of scanlines into `out` (which has INFLATE_SLACK bytes of room beyond):
 * a longer stream is cut there (squoosh_png ignores what follows the image), a shorter one is
 * corrupt. 1 when done, 0 when corrupt, -1 out of memory. */
static int inflate_all(const uint8_t *stream, size_t stream_length, uint8_t *out, size_t size) {
  if (stream_length < 2) return 0;
  /* zlib header: deflate, window up to 32 KiB, check bits, no preset dictionary. */
  if ((stream[0] & 0x0f) != 8 || (stream[0] >> 4) > 7 || ((stream[0] << 8) | stream[1]) % 31 ||
      (stream[1] & 0x20))
    return 0;
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  if (!d) return -1;
  size_t consumed = 0, actual = 0;
  enum libdeflate_result r = libdeflate_deflate_decompress_ex(
      d, stream + 2, stream_length - 2, out, size + INFLATE_SLACK, &consumed, &actual);
  libdeflate_free_decompressor(d);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) return 1; /* at least `size` bytes were written */
  /* The Adler-32 must be there (squoosh_png refuses a stream without), though it is not checked. */
  return r == LIBDEFLATE_SUCCESS && actual >= size && stream_length - 2 - consumed >= 4;
}

/* Decodes `data` (which it modifies: the IDAT payloads are gathered in place) to RGBA; 0 on
 * failure, with the reason in png_result_code. The result is freed with png_free. */
EXPORT uint8_t *png_decode(uint8_t *data, size_t length, uint32_t max_pixels) {
  memset(&result, 0, sizeof(result));
  static Header h;
  memset(&h, 0, sizeof(h));
  uint8_t *stream;
  size_t stream_length;
  if (!read_chunks(data, length, &h, &stream, &stream_length)) return NULL;

  uint64_t frame = (uint64_t)h.width * h.height * 4;
  if ((uint64_t)h.width * h.height > max_pixels || frame > MAX_FRAME_BYTES)
    return fail(PNG_TOO_LARGE), NULL;
  uint64_t row = row_bytes(&h, h.width);
  uint64_t raw = 0;
  if (h.interlaced) {
    for (int p = 0; p < 7; p++) {
      uint64_t w = pass_size(h.width, adam7[p].x0, adam7[p].dx);
      uint64_t rows = pass_size(h.height, adam7[p].y0, adam7[p].dy);
      if (w) raw += rows * (row_bytes(&h, w) + 1);
    }
  } else {
    raw = h.height * (row + 1);
  }
  if (raw > 2 * MAX_FRAME_BYTES) return fail(PNG_TOO_LARGE), NULL;

  /* Non-interlaced: scanlines at the tail of the output buffer. */
  size_t total = (size_t)(h.interlaced || frame > raw ? frame : raw);
  uint8_t *out = malloc(total + (h.interlaced ? 16 : INFLATE_SLACK));
  uint8_t *scan = h.interlaced ? malloc((size_t)raw + INFLATE_SLACK) : out + (total - (size_t)raw);
  uint8_t *rows = malloc(2 * ((size_t)row + 16));
  if (!out || !scan || !rows) {
    free(out);
    if (h.interlaced) free(scan);
    free(rows);
    return fail(PNG_MEMORY), NULL;
  }
  int inflated = inflate_all(stream, stream_length, scan, (size_t)raw);
  int ok = inflated > 0;
  uint8_t *prev = rows, *cur = rows + row + 16;
  if (ok && !h.interlaced) {
    memset(prev, 0, (size_t)row);
    const uint8_t *in = scan;
    for (uint32_t y = 0; y < h.height && ok; y++, in += row + 1) {
      ok = unfilter(in[0], cur, in + 1, prev, (size_t)row, h.bpp);
      expand_row(&h, cur, out + (size_t)y * h.width * 4, h.width, 1);
      uint8_t *t = prev;
      prev = cur;
      cur = t;
    }
  } else if (ok) {
    const uint8_t *in = scan;
    for (int p = 0; p < 7 && ok; p++) {
      uint32_t w = (uint32_t)pass_size(h.width, adam7[p].x0, adam7[p].dx);
      uint32_t n = (uint32_t)pass_size(h.height, adam7[p].y0, adam7[p].dy);
      if (w == 0) continue;
      size_t pass_row = (size_t)row_bytes(&h, w);
      memset(prev, 0, pass_row);
      for (uint32_t j = 0; j < n && ok; j++, in += pass_row + 1) {
        ok = unfilter(in[0], cur, in + 1, prev, pass_row, h.bpp);
        size_t y = adam7[p].y0 + (size_t)j * adam7[p].dy;
        expand_row(&h, cur, out + (y * h.width + adam7[p].x0) * 4, w, adam7[p].dx);
        uint8_t *t = prev;
        prev = cur;
        cur = t;
      }
    }
  }
  free(rows);
  if (h.interlaced) free(scan);
  if (!ok) {
    free(out);
    return fail(inflated < 0 ? PNG_MEMORY : PNG_CORRUPT), NULL;
  }
  result.width = h.width;
  result.height = h.height;
  return out;
}
