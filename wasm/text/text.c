/*
 * Text for watermarks (PROTOCOL.md §3.18), with FreeType: one line of code points drawn from a
 * font's outlines at any size and angle (the outlines are turned, so text stays crisp at any
 * angle), with synthetic bold and italic, into an 8-bit coverage mask; a stroke, when asked, into
 * a second mask of the same size. Faces are opened from bytes the caller keeps in this module.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include FT_GLYPH_H
#include FT_STROKER_H
#include FT_BBOX_H

#define EXPORT __attribute__((used, visibility("default")))
#define MAX_FACES 8
#define MAX_GLYPHS 256

static FT_Library library;
static FT_Face faces[MAX_FACES];

EXPORT void *text_alloc(int bytes) { return malloc((size_t)bytes); }
EXPORT void text_free(void *pointer) { free(pointer); }

/* Opens face `index` of the font at `data` (which must stay allocated while it is open). */
EXPORT int text_open(const uint8_t *data, int length, int index) {
  if (!library && FT_Init_FreeType(&library)) return -1;
  for (int slot = 0; slot < MAX_FACES; slot++) {
    if (faces[slot]) continue;
    if (FT_New_Memory_Face(library, data, length, index, &faces[slot])) return -1;
    return slot;
  }
  return -1;
}

EXPORT void text_close(int slot) {
  if (slot < 0 || slot >= MAX_FACES || !faces[slot]) return;
  FT_Done_Face(faces[slot]);
  faces[slot] = NULL;
}

EXPORT int text_has_glyph(int slot, uint32_t code) {
  if (slot < 0 || slot >= MAX_FACES || !faces[slot]) return 0;
  return FT_Get_Char_Index(faces[slot], code) != 0;
}

static int result_width, result_height, result_left, result_top, result_code;
static uint8_t *result_fill, *result_stroke;
EXPORT int text_result_width(void) { return result_width; }
EXPORT int text_result_height(void) { return result_height; }
/* Where the mask's top-left lies relative to the pen origin, y down (pixels). */
EXPORT int text_result_left(void) { return result_left; }
EXPORT int text_result_top(void) { return result_top; }
EXPORT int text_result_code(void) { return result_code; }
EXPORT uint8_t *text_result_stroke(void) { return result_stroke; }

typedef struct {
  uint8_t *mask;
  int width, height, left, top;
} Target;

/* Anti-aliased spans of an outline, kept at the larger coverage where glyphs overlap. */
static void spans(int y, int count, const FT_Span *span, void *user) {
  Target *target = user;
  int row = target->top - y - 1; /* FreeType's y grows upwards */
  if (row < 0 || row >= target->height) return;
  for (int i = 0; i < count; i++) {
    int x0 = span[i].x - target->left;
    for (int x = x0; x < x0 + span[i].len; x++) {
      if (x < 0 || x >= target->width) continue;
      uint8_t *p = target->mask + (size_t)row * target->width + x;
      if (span[i].coverage > *p) *p = span[i].coverage;
    }
  }
}

static void draw(FT_Outline *outline, Target *target) {
  FT_Raster_Params params;
  memset(&params, 0, sizeof params);
  params.flags = FT_RASTER_FLAG_AA | FT_RASTER_FLAG_DIRECT | FT_RASTER_FLAG_CLIP;
  params.gray_spans = spans;
  params.user = target;
  params.clip_box.xMin = target->left;
  params.clip_box.yMin = target->top - target->height;
  params.clip_box.xMax = target->left + target->width;
  params.clip_box.yMax = target->top;
  FT_Outline_Render(library, outline, &params);
}

static void free_glyphs(FT_Glyph *glyphs, int count) {
  for (int i = 0; i < count; i++) if (glyphs[i]) FT_Done_Glyph(glyphs[i]);
}

/*
 * Lays out `count` code points (faces[i] for each, so a missing character can come from another
 * face) at `pixels` px on one line, turned by `degrees` clockwise about the pen origin, and
 * rasterises them. Returns the fill mask (free it with text_free; the stroke mask too, when
 * stroke_px > 0), or NULL with text_result_code() set (1 bad argument, 2 memory, 3 font).
 */
EXPORT uint8_t *text_render(const int *face_of, const uint32_t *codes, int count, int pixels,
                            int bold, int italic, int stroke_px, double degrees) {
  result_fill = result_stroke = NULL;
  result_width = result_height = result_left = result_top = 0;
  result_code = 0;
  if (count < 1 || count > MAX_GLYPHS || pixels < 1 || pixels > 1024) { result_code = 1; return NULL; }
  FT_Glyph fills[MAX_GLYPHS] = {0};
  FT_Glyph strokes[MAX_GLYPHS] = {0};
  FT_Stroker stroker = NULL;
  if (stroke_px > 0) {
    if (FT_Stroker_New(library, &stroker)) { result_code = 2; return NULL; }
    FT_Stroker_Set(stroker, (FT_Fixed)stroke_px * 64, FT_STROKER_LINECAP_ROUND,
                   FT_STROKER_LINEJOIN_ROUND, 0);
  }
  double radians = -degrees * M_PI / 180.0; /* FreeType turns counter-clockwise, y up */
  FT_Matrix turn = {
    (FT_Fixed)lround(cos(radians) * 65536), (FT_Fixed)lround(-sin(radians) * 65536),
    (FT_Fixed)lround(sin(radians) * 65536), (FT_Fixed)lround(cos(radians) * 65536)};
  FT_Matrix shear = {65536, (FT_Fixed)lround(0.2 * 65536), 0, 65536}; /* 11.3° oblique */
  FT_Pos pen = 0;
  FT_BBox box = {LONG_MAX, LONG_MAX, LONG_MIN, LONG_MIN};
  for (int i = 0; i < count; i++) {
    int slot = face_of[i];
    if (slot < 0 || slot >= MAX_FACES || !faces[slot]) { result_code = 1; break; }
    FT_Face face = faces[slot];
    if (FT_Set_Pixel_Sizes(face, 0, (FT_UInt)pixels) ||
        FT_Load_Glyph(face, FT_Get_Char_Index(face, codes[i]), FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) ||
        face->glyph->format != FT_GLYPH_FORMAT_OUTLINE) {
      result_code = 3;
      break;
    }
    FT_Outline *outline = &face->glyph->outline;
    FT_Pos advance = face->glyph->advance.x;
    if (bold) {
      FT_Pos strength = FT_MulFix(face->units_per_EM, face->size->metrics.y_scale) / 24;
      FT_Outline_Embolden(outline, strength);
      advance += strength;
    }
    if (italic) FT_Outline_Transform(outline, &shear);
    FT_Outline_Translate(outline, pen, 0);
    pen += advance;
    if (FT_Get_Glyph(face->glyph, &fills[i])) { result_code = 2; break; }
    if (stroker) {
      strokes[i] = fills[i];
      if (FT_Glyph_Copy(fills[i], &strokes[i]) || FT_Glyph_Stroke(&strokes[i], stroker, 0)) {
        strokes[i] = NULL;
        result_code = 2;
        break;
      }
    }
    for (int layer = 0; layer < 2; layer++) {
      FT_Glyph glyph = layer == 0 ? fills[i] : strokes[i];
      if (!glyph) continue;
      FT_Outline *turned = &((FT_OutlineGlyph)glyph)->outline;
      FT_Outline_Transform(turned, &turn);
      FT_BBox part;
      FT_Outline_Get_CBox(turned, &part);
      if (part.xMin < box.xMin) box.xMin = part.xMin;
      if (part.yMin < box.yMin) box.yMin = part.yMin;
      if (part.xMax > box.xMax) box.xMax = part.xMax;
      if (part.yMax > box.yMax) box.yMax = part.yMax;
    }
  }
  if (stroker) FT_Stroker_Done(stroker);
  if (result_code || box.xMin > box.xMax) {
    if (!result_code) result_code = 3;
    free_glyphs(fills, count);
    free_glyphs(strokes, count);
    return NULL;
  }
  Target target;
  target.left = (int)(box.xMin >> 6);
  target.top = (int)((box.yMax + 63) >> 6);
  target.width = (int)((box.xMax + 63) >> 6) - target.left;
  target.height = target.top - (int)(box.yMin >> 6);
  size_t bytes = (size_t)target.width * target.height;
  result_fill = calloc(bytes ? bytes : 1, 1);
  if (stroke_px > 0) result_stroke = calloc(bytes ? bytes : 1, 1);
  if (!result_fill || (stroke_px > 0 && !result_stroke)) {
    free(result_fill);
    free(result_stroke);
    result_fill = result_stroke = NULL;
    result_code = 2;
  } else {
    for (int i = 0; i < count; i++) {
      target.mask = result_fill;
      draw(&((FT_OutlineGlyph)fills[i])->outline, &target);
      if (strokes[i]) {
        target.mask = result_stroke;
        draw(&((FT_OutlineGlyph)strokes[i])->outline, &target);
      }
    }
    result_width = target.width;
    result_height = target.height;
    result_left = target.left;
    result_top = -target.top;
  }
  free_glyphs(fills, count);
  free_glyphs(strokes, count);
  return result_fill;
}
