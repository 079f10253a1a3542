/*
 * AVIF encoding for the Worker: libaom (AV1, all-intra usage) and our own AVIF container writer.
 *
 * RGBA rows are pushed in strips and each strip is converted at once to YUV 4:2:0, full range,
 * BT.601 matrix (what libavif, sharp and our decoder assume for 8-bit sRGB), so this module holds
 * the picture as YUV (1.5 bytes a pixel) plus an alpha plane when a strip has transparency, never
 * the RGBA frame. Chroma is computed from the 2x2 block's mean RGB; strips hold an even number of
 * rows (but the last), so blocks never straddle two strips.
 *
 * finish() encodes the colour planes with libaom as one still picture (AOM_USAGE_ALL_INTRA,
 * g_limit 1: a reduced still-picture header, no lag buffers), frees them and the encoder, then
 * encodes the alpha plane (if any) as a monochrome AV1 image the same way, and writes the AVIF:
 *
 *   ftyp (avif, mif1, miaf)
 *   meta: hdlr 'pict', pitm 1, iloc, iinf (1 'av01' colour, 2 'av01' alpha), iref (2 auxl 1),
 *         iprp: ipco (ispe, pixi 3x8, av1C, colr nclx 1/13/6 full, pixi 1x8, av1C mono, auxC
 *         "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha"), ipma
 *   mdat: the colour OBUs, then the alpha OBUs (temporal delimiters dropped)
 *
 * Every failure is a status code, never an abort; libaom's own errors (its longjmp) come back as
 * error codes from aom_codec_encode. One encoding at a time; JavaScript calls it synchronously.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aom/aom_encoder.h"
#include "aom/aomcx.h"

#define EXPORT __attribute__((used, visibility("default")))

/* Rows per strip: even, so that a 2x2 chroma block never straddles two strips. */
#define STRIP_ROWS 16
/* AV1's limit is 65536; the Worker's own limits are far below this. */
#define MAX_DIMENSION 16384

enum { FAILED_MEMORY = 1, FAILED_OTHER = 2 };
static int failure;

typedef struct {
  uint8_t *data;
  size_t size;
  size_t capacity;
} Buffer;

static struct {
  int width;
  int height;
  int row;
  int cq_level;
  int speed;
  uint8_t *strip;
  uint8_t *y, *u, *v; /* the picture, YUV 4:2:0 */
  uint8_t *alpha;     /* the alpha plane, once a strip has transparency */
  Buffer color;       /* AV1 OBUs of the colour image */
  Buffer alpha_obus;  /* AV1 OBUs of the alpha image */
  uint8_t color_av1c[4];
  uint8_t alpha_av1c[4];
  Buffer file;
} job;

static void buffer_free(Buffer *b) {
  free(b->data);
  memset(b, 0, sizeof(*b));
}

static int buffer_append(Buffer *b, const void *data, size_t size) {
  if (b->size + size > b->capacity) {
    size_t capacity = b->capacity ? b->capacity : 64 * 1024;
    while (capacity < b->size + size) capacity *= 2;
    uint8_t *grown = realloc(b->data, capacity);
    if (!grown) return 0;
    b->data = grown;
    b->capacity = capacity;
  }
  memcpy(b->data + b->size, data, size);
  b->size += size;
  return 1;
}

static void free_planes(void) {
  free(job.strip);
  free(job.y);
  free(job.u);
  free(job.v);
  free(job.alpha);
  job.strip = job.y = job.u = job.v = job.alpha = NULL;
}

static void reset(void) {
  free_planes();
  buffer_free(&job.color);
  buffer_free(&job.alpha_obus);
  buffer_free(&job.file);
  memset(&job, 0, sizeof(job));
}

EXPORT int avif_enc_strip_rows(void) { return STRIP_ROWS; }
EXPORT int avif_enc_failure(void) { return failure; }

/*
 * Starts a picture at a 1-100 quality (libavif's scale: cq-level = ((100 - quality) * 63 + 50) /
 * 100) and libaom speed (cpu-used 0-9); returns the RGBA strip buffer (avif_enc_strip_rows()
 * rows), or 0.
 */
EXPORT uint8_t *avif_enc_begin(int width, int height, int quality, int speed) {
  reset();
  failure = FAILED_OTHER;
  if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION ||
      quality < 1 || quality > 100 || speed < 0 || speed > 9) {
    return NULL;
  }
  job.width = width;
  job.height = height;
  job.cq_level = ((100 - quality) * 63 + 50) / 100;
  job.speed = speed;
  const size_t luma = (size_t)width * height;
  const size_t chroma = (size_t)((width + 1) >> 1) * ((height + 1) >> 1);
  failure = FAILED_MEMORY;
  job.strip = malloc((size_t)STRIP_ROWS * width * 4);
  job.y = malloc(luma);
  job.u = malloc(chroma);
  job.v = malloc(chroma);
  if (!job.strip || !job.y || !job.u || !job.v) {
    reset();
    return NULL;
  }
  failure = 0;
  return job.strip;
}

/* BT.601 full range in 16-bit fixed point (the coefficients of each row sum to 0 or 65536). */
#define Y_R 19595
#define Y_G 38470
#define Y_B 7471
#define U_R -11059
#define U_G -21709
#define U_B 32768
#define V_R 32768
#define V_G -27439
#define V_B -5329

static inline uint8_t clamp255(int v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }

/* The alpha plane, opaque in the rows already received; 0 when memory ran out. */
static int add_alpha_plane(void) {
  job.alpha = malloc((size_t)job.width * job.height);
  if (!job.alpha) return 0;
  memset(job.alpha, 0xff, (size_t)job.width * job.row);
  return 1;
}

/* Converts `rows` rows of the strip buffer. Returns 0, or 1 on failure (state released). */
EXPORT int avif_enc_push(int rows) {
  const int width = job.width;
  failure = FAILED_OTHER;
  if (!job.y || rows < 1 || rows > STRIP_ROWS || job.row + rows > job.height ||
      ((rows & 1) && job.row + rows != job.height)) {
    goto fail;
  }
  /* Luma, and whether this strip has transparency. */
  int transparent = 0;
  for (int r = 0; r < rows; r++) {
    const uint8_t *p = job.strip + (size_t)r * width * 4;
    uint8_t *y = job.y + (size_t)(job.row + r) * width;
    uint8_t opaque = 0xff;
    for (int x = 0; x < width; x++, p += 4) {
      y[x] = (uint8_t)((Y_R * p[0] + Y_G * p[1] + Y_B * p[2] + 32768) >> 16);
      opaque &= p[3];
    }
    transparent |= opaque != 0xff;
  }
  /* Chroma from each 2x2 block's mean RGB (an odd last row or column counts twice). */
  const int chroma_width = (width + 1) >> 1;
  for (int r = 0; r < rows; r += 2) {
    const uint8_t *top = job.strip + (size_t)r * width * 4;
    const uint8_t *bottom = r + 1 < rows ? top + (size_t)width * 4 : top;
    const size_t at = (size_t)((job.row + r) >> 1) * chroma_width;
    uint8_t *u = job.u + at;
    uint8_t *v = job.v + at;
    for (int x = 0; x < chroma_width; x++) {
      const int left = 2 * x * 4;
      const int right = 2 * x + 1 < width ? left + 4 : left;
      const int sr = top[left] + top[right] + bottom[left] + bottom[right];
      const int sg = top[left + 1] + top[right + 1] + bottom[left + 1] + bottom[right + 1];
      const int sb = top[left + 2] + top[right + 2] + bottom[left + 2] + bottom[right + 2];
      /* sums of four pixels: shift by 18, offset 128 << 18, round with 1 << 17 */
      u[x] = clamp255((U_R * sr + U_G * sg + U_B * sb + (128 << 18) + (1 << 17)) >> 18);
      v[x] = clamp255((V_R * sr + V_G * sg + V_B * sb + (128 << 18) + (1 << 17)) >> 18);
    }
  }
  if (transparent && !job.alpha && !add_alpha_plane()) {
    failure = FAILED_MEMORY;
    goto fail;
  }
  if (job.alpha) {
    for (int r = 0; r < rows; r++) {
      const uint8_t *p = job.strip + (size_t)r * width * 4 + 3;
      uint8_t *a = job.alpha + (size_t)(job.row + r) * width;
      for (int x = 0; x < width; x++, p += 4) a[x] = *p;
    }
  }
  job.row += rows;
  failure = 0;
  return 0;
fail:
  reset();
  return 1;
}

/* --- AV1 --------------------------------------------------------------------------------- */

typedef struct {
  const uint8_t *data;
  size_t size;
  size_t bit;
} Bits;

static uint32_t read_bits(Bits *b, int n) {
  uint32_t value = 0;
  while (n-- > 0) {
    const size_t byte = b->bit >> 3;
    const int bit = byte < b->size ? (b->data[byte] >> (7 - (b->bit & 7))) & 1 : 0;
    value = (value << 1) | (uint32_t)bit;
    b->bit++;
  }
  return value;
}

/* An OBU's leb128 size field; 0 when it does not fit in `size` bytes. */
static int read_leb128(const uint8_t *data, size_t size, size_t *value, size_t *length) {
  *value = 0;
  for (size_t i = 0; i < 8 && i < size; i++) {
    *value |= (size_t)(data[i] & 0x7f) << (7 * i);
    if (!(data[i] & 0x80)) {
      *length = i + 1;
      return 1;
    }
  }
  return 0;
}

/*
 * Moves the OBUs of `in` to `out` but the temporal delimiters (AV1-ISOBMFF: a sample should not
 * hold them) and fills `av1c` (the AV1CodecConfigurationRecord's four bytes, no configOBUs) from
 * the sequence header. Returns 0 if the stream is not as libaom writes it.
 */
static int keep_obus(const Buffer *in, Buffer *out, uint8_t av1c[4], int monochrome) {
  int found = 0;
  for (size_t pos = 0; pos < in->size;) {
    const uint8_t header = in->data[pos];
    const int type = (header >> 3) & 0xf;
    const int extension = (header >> 2) & 1;
    const int has_size = (header >> 1) & 1;
    size_t payload, length;
    const size_t head = 1 + (size_t)extension;
    if (!has_size || pos + head >= in->size ||
        !read_leb128(in->data + pos + head, in->size - pos - head, &payload, &length)) {
      return 0;
    }
    const size_t start = pos + head + length;
    const size_t end = start + payload;
    if (end > in->size) return 0;
    if (type == 1 /* OBU_SEQUENCE_HEADER */ && !found) {
      Bits b = {in->data + start, payload, 0};
      const uint32_t profile = read_bits(&b, 3);
      read_bits(&b, 1); /* still_picture */
      const uint32_t reduced = read_bits(&b, 1);
      uint32_t level, tier = 0;
      if (reduced) {
        level = read_bits(&b, 5);
      } else {
        if (read_bits(&b, 1)) return 0; /* timing info: libaom writes none for a still */
        const uint32_t initial_display_delay = read_bits(&b, 1);
        (void)initial_display_delay;
        read_bits(&b, 5); /* operating_points_cnt_minus_1 */
        read_bits(&b, 12); /* operating_point_idc[0] */
        level = read_bits(&b, 5);
        if (level > 7) tier = read_bits(&b, 1);
      }
      av1c[0] = 0x81; /* marker, version 1 */
      av1c[1] = (uint8_t)((profile << 5) | level);
      /* tier, high_bitdepth 0, twelve_bit 0, monochrome, subsampling x and y 1, position 0 */
      av1c[2] = (uint8_t)((tier << 7) | (monochrome ? 0x10 : 0) | 0x0c);
      av1c[3] = 0;
      found = 1;
    }
    if (type != 2 /* OBU_TEMPORAL_DELIMITER */ && !buffer_append(out, in->data + pos, end - pos)) {
      failure = FAILED_MEMORY;
      return 0;
    }
    pos = end;
  }
  return found;
}

/*
 * Encodes one 8-bit 4:2:0 (or monochrome) plane set as a still picture into `out`. Returns 1, or
 * 0 with `failure` set.
 */
static int encode_av1(uint8_t *y, uint8_t *u, uint8_t *v, int monochrome, Buffer *out,
                      uint8_t av1c[4]) {
  aom_codec_iface_t *const iface = aom_codec_av1_cx();
  aom_codec_enc_cfg_t cfg;
  aom_codec_ctx_t ctx;
  Buffer raw = {0};
  int ok = 0;
  failure = FAILED_OTHER;
  if (aom_codec_enc_config_default(iface, &cfg, AOM_USAGE_ALL_INTRA) != AOM_CODEC_OK) return 0;
  cfg.g_w = (unsigned)job.width;
  cfg.g_h = (unsigned)job.height;
  cfg.g_profile = 0;
  cfg.g_bit_depth = AOM_BITS_8;
  cfg.g_input_bit_depth = 8;
  cfg.g_threads = 1;
  cfg.g_limit = 1; /* one frame: still_picture and reduced_still_picture_header */
  cfg.g_lag_in_frames = 0;
  cfg.kf_mode = AOM_KF_DISABLED;
  cfg.kf_max_dist = 0;
  cfg.rc_end_usage = AOM_Q;
  cfg.rc_min_quantizer = 0;
  cfg.rc_max_quantizer = 63;
  cfg.monochrome = monochrome ? 1 : 0;
  const aom_codec_err_t init = aom_codec_enc_init(&ctx, iface, &cfg, 0);
  if (init != AOM_CODEC_OK) {
    if (init == AOM_CODEC_MEM_ERROR) failure = FAILED_MEMORY;
    return 0;
  }
  if (aom_codec_control(&ctx, AOME_SET_CPUUSED, job.speed) != AOM_CODEC_OK ||
      aom_codec_control(&ctx, AOME_SET_CQ_LEVEL, job.cq_level) != AOM_CODEC_OK ||
      aom_codec_control(&ctx, AV1E_SET_COLOR_RANGE, AOM_CR_FULL_RANGE) != AOM_CODEC_OK ||
      aom_codec_control(&ctx, AV1E_SET_SKIP_POSTPROC_FILTERING, 1) != AOM_CODEC_OK ||
      aom_codec_control(&ctx, AOME_SET_TUNING, AOM_TUNE_SSIM) != AOM_CODEC_OK) {
    goto done;
  }
  if (!monochrome &&
      (aom_codec_control(&ctx, AV1E_SET_COLOR_PRIMARIES, AOM_CICP_CP_BT_709) != AOM_CODEC_OK ||
       aom_codec_control(&ctx, AV1E_SET_TRANSFER_CHARACTERISTICS, AOM_CICP_TC_SRGB) !=
           AOM_CODEC_OK ||
       aom_codec_control(&ctx, AV1E_SET_MATRIX_COEFFICIENTS, AOM_CICP_MC_BT_601) !=
           AOM_CODEC_OK)) {
    goto done;
  }
  aom_image_t image;
  memset(&image, 0, sizeof(image));
  image.fmt = AOM_IMG_FMT_I420;
  image.bit_depth = 8;
  image.bps = 12;
  image.w = image.d_w = (unsigned)job.width;
  image.h = image.d_h = (unsigned)job.height;
  image.x_chroma_shift = image.y_chroma_shift = 1;
  image.range = AOM_CR_FULL_RANGE;
  image.monochrome = monochrome ? 1 : 0;
  image.planes[AOM_PLANE_Y] = y;
  image.stride[AOM_PLANE_Y] = job.width;
  if (!monochrome) {
    image.cp = AOM_CICP_CP_BT_709;
    image.tc = AOM_CICP_TC_SRGB;
    image.mc = AOM_CICP_MC_BT_601;
    image.planes[AOM_PLANE_U] = u;
    image.planes[AOM_PLANE_V] = v;
    image.stride[AOM_PLANE_U] = image.stride[AOM_PLANE_V] = (job.width + 1) >> 1;
  }
  for (aom_image_t *frame = &image;; frame = NULL) {
    const aom_codec_err_t err = aom_codec_encode(&ctx, frame, 0, 1, 0);
    if (err != AOM_CODEC_OK) {
      if (err == AOM_CODEC_MEM_ERROR) failure = FAILED_MEMORY;
      goto done;
    }
    int got = 0;
    aom_codec_iter_t iter = NULL;
    const aom_codec_cx_pkt_t *pkt;
    while ((pkt = aom_codec_get_cx_data(&ctx, &iter)) != NULL) {
      if (pkt->kind != AOM_CODEC_CX_FRAME_PKT) continue;
      got = 1;
      if (!buffer_append(&raw, pkt->data.frame.buf, pkt->data.frame.sz)) {
        failure = FAILED_MEMORY;
        goto done;
      }
    }
    if (!frame && !got) break; /* flushed */
  }
  ok = raw.size > 0 && keep_obus(&raw, out, av1c, monochrome);
done:
  aom_codec_destroy(&ctx);
  buffer_free(&raw);
  if (ok) failure = 0;
  return ok;
}

/* --- AVIF container ------------------------------------------------------------------------- */

static uint8_t *put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
  return p + 4;
}
static uint8_t *put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
  return p + 2;
}
static uint8_t *put(uint8_t *p, const void *data, size_t size) {
  memcpy(p, data, size);
  return p + size;
}
/* A box header with its size to be filled in by end_box(). */
static uint8_t *begin_box(uint8_t *p, const char *type) { return put(p + 4, type, 4); }
static uint8_t *begin_full_box(uint8_t *p, const char *type, uint32_t version_flags) {
  return put32(begin_box(p, type), version_flags);
}
static void end_box(uint8_t *start, const uint8_t *end) { put32(start, (uint32_t)(end - start)); }

static const char ALPHA_URN[] = "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha";

/*
 * Writes the AVIF into job.file. The meta box is written twice: first to learn its size (which
 * fixes where mdat's data starts, hence iloc's offsets), then for real.
 */
static int write_avif(void) {
  const int has_alpha = job.alpha_obus.size > 0;
  const size_t meta_capacity = 1024;
  const size_t total_capacity = meta_capacity + job.color.size + job.alpha_obus.size + 64;
  if (job.color.size > 0xffffffffu - total_capacity) return 0;
  uint8_t *const file = malloc(total_capacity);
  if (!file) {
    failure = FAILED_MEMORY;
    return 0;
  }
  uint8_t *p = file;
  /* ftyp */
  uint8_t *box = p;
  p = begin_box(p, "ftyp");
  p = put(p, "avif", 4);
  p = put32(p, 0);
  p = put(p, "avifmif1miaf", 12);
  end_box(box, p);
  uint8_t *const meta_start = p;
  uint32_t color_offset = 0, alpha_offset = 0;
  for (int pass = 0; pass < 2; pass++) {
    p = meta_start;
    uint8_t *meta = p;
    p = begin_full_box(p, "meta", 0);
    /* hdlr */
    box = p;
    p = begin_full_box(p, "hdlr", 0);
    p = put32(p, 0);
    p = put(p, "pict", 4);
    p = put32(put32(put32(p, 0), 0), 0);
    *p++ = 0; /* name: empty */
    end_box(box, p);
    /* pitm */
    box = p;
    p = begin_full_box(p, "pitm", 0);
    p = put16(p, 1);
    end_box(box, p);
    /* iloc: version 0, offset and length 4 bytes, no base offset */
    box = p;
    p = begin_full_box(p, "iloc", 0);
    *p++ = 0x44;
    *p++ = 0x00;
    p = put16(p, has_alpha ? 2 : 1);
    p = put16(p, 1);
    p = put16(p, 0);
    p = put16(p, 1);
    p = put32(p, color_offset);
    p = put32(p, (uint32_t)job.color.size);
    if (has_alpha) {
      p = put16(p, 2);
      p = put16(p, 0);
      p = put16(p, 1);
      p = put32(p, alpha_offset);
      p = put32(p, (uint32_t)job.alpha_obus.size);
    }
    end_box(box, p);
    /* iinf */
    box = p;
    p = begin_full_box(p, "iinf", 0);
    p = put16(p, has_alpha ? 2 : 1);
    for (int item = 1; item <= (has_alpha ? 2 : 1); item++) {
      uint8_t *infe = p;
      p = begin_full_box(p, "infe", 2u << 24);
      p = put16(p, (uint32_t)item);
      p = put16(p, 0);
      p = put(p, "av01", 4);
      p = put(p, item == 1 ? "Color" : "Alpha", 6);
      end_box(infe, p);
    }
    end_box(box, p);
    /* iref: the alpha item is an auxiliary image of the colour item */
    if (has_alpha) {
      box = p;
      p = begin_full_box(p, "iref", 0);
      uint8_t *auxl = p;
      p = begin_box(p, "auxl");
      p = put16(p, 2);
      p = put16(p, 1);
      p = put16(p, 1);
      end_box(auxl, p);
      end_box(box, p);
    }
    /* iprp: ipco (1 ispe, 2 pixi, 3 av1C, 4 colr[, 5 pixi, 6 av1C, 7 auxC]), ipma */
    uint8_t *iprp = p;
    p = begin_box(p, "iprp");
    uint8_t *ipco = p;
    p = begin_box(p, "ipco");
    box = p;
    p = begin_full_box(p, "ispe", 0);
    p = put32(p, (uint32_t)job.width);
    p = put32(p, (uint32_t)job.height);
    end_box(box, p);
    box = p;
    p = begin_full_box(p, "pixi", 0);
    *p++ = 3;
    *p++ = 8;
    *p++ = 8;
    *p++ = 8;
    end_box(box, p);
    box = p;
    p = begin_box(p, "av1C");
    p = put(p, job.color_av1c, 4);
    end_box(box, p);
    box = p;
    p = begin_box(p, "colr");
    p = put(p, "nclx", 4);
    p = put16(p, 1);  /* BT.709 primaries (sRGB) */
    p = put16(p, 13); /* sRGB transfer */
    p = put16(p, 6);  /* BT.601 matrix */
    *p++ = 0x80;      /* full range */
    end_box(box, p);
    if (has_alpha) {
      box = p;
      p = begin_full_box(p, "pixi", 0);
      *p++ = 1;
      *p++ = 8;
      end_box(box, p);
      box = p;
      p = begin_box(p, "av1C");
      p = put(p, job.alpha_av1c, 4);
      end_box(box, p);
      box = p;
      p = begin_full_box(p, "auxC", 0);
      p = put(p, ALPHA_URN, sizeof(ALPHA_URN)); /* with its terminating 0 */
      end_box(box, p);
    }
    end_box(ipco, p);
    box = p;
    p = begin_full_box(p, "ipma", 0);
    p = put32(p, has_alpha ? 2 : 1);
    p = put16(p, 1);
    *p++ = 4;
    *p++ = 1;        /* ispe */
    *p++ = 2;        /* pixi */
    *p++ = 0x80 | 3; /* av1C, essential */
    *p++ = 4;        /* colr */
    if (has_alpha) {
      p = put16(p, 2);
      *p++ = 4;
      *p++ = 1;        /* ispe */
      *p++ = 5;        /* pixi */
      *p++ = 0x80 | 6; /* av1C, essential */
      *p++ = 0x80 | 7; /* auxC, essential */
    }
    end_box(box, p);
    end_box(iprp, p);
    end_box(meta, p);
    /* mdat follows the meta box: its data starts 8 bytes after. */
    color_offset = (uint32_t)(p - file) + 8;
    alpha_offset = color_offset + (uint32_t)job.color.size;
  }
  box = p;
  p = begin_box(p, "mdat");
  p = put(p, job.color.data, job.color.size);
  if (has_alpha) p = put(p, job.alpha_obus.data, job.alpha_obus.size);
  end_box(box, p);
  job.file.data = file;
  job.file.size = (size_t)(p - file);
  job.file.capacity = total_capacity;
  return 1;
}

/* Encodes the picture; returns the AVIF (valid until the next begin or release), or 0. */
EXPORT uint8_t *avif_enc_finish(void) {
  failure = FAILED_OTHER;
  if (!job.y || job.row != job.height) goto fail;
  free(job.strip);
  job.strip = NULL;
  if (!encode_av1(job.y, job.u, job.v, 0, &job.color, job.color_av1c)) goto fail;
  free(job.y);
  free(job.u);
  free(job.v);
  job.y = job.u = job.v = NULL;
  if (job.alpha) {
    if (!encode_av1(job.alpha, NULL, NULL, 1, &job.alpha_obus, job.alpha_av1c)) goto fail;
    free(job.alpha);
    job.alpha = NULL;
  }
  if (!write_avif()) goto fail;
  buffer_free(&job.color);
  buffer_free(&job.alpha_obus);
  failure = 0;
  return job.file.data;
fail:
  reset();
  return NULL;
}

EXPORT int avif_enc_size(void) { return (int)job.file.size; }
EXPORT void avif_enc_release(void) { reset(); }
