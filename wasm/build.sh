#!/usr/bin/env bash
# Rebuilds our wasm decoders from Debian's source packages with Debian's emscripten, and records
# what went in and what came out in wasm/manifest.json. Run as root on Debian 12 (bookworm):
#
#   bash wasm/build.sh
#
# The outputs (wasm/dist/*.wasm and their emscripten glue) are committed, so installing the
# project needs no compiler; `node scripts/check-wasm.mjs` (run by CI) checks they match the
# hashes recorded here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${WASM_BUILD_DIR:-/tmp/bos-wasm-build}"
jobs="$(nproc)"

JPEG_PACKAGE=libjpeg-turbo
JPEG_VERSION=1:2.1.5-2
WEBP_PACKAGE=libwebp
WEBP_VERSION=1.2.4-0.2+deb12u1
FREETYPE_PACKAGE=freetype
FREETYPE_VERSION=2.12.1+dfsg-5+deb12u4
ZLIB_PACKAGE=zlib
ZLIB_VERSION=1:1.2.13.dfsg-1
LIBDEFLATE_PACKAGE=libdeflate
LIBDEFLATE_VERSION=1.14-1
EMSCRIPTEN_VERSION=3.1.6~dfsg-5
OPT=(-O3 -msimd128 -flto)

# --- toolchain and sources -------------------------------------------------------------------
if ! command -v emcc >/dev/null || [[ "$(dpkg-query -W -f='${Version}' emscripten 2>/dev/null)" != "$EMSCRIPTEN_VERSION" ]]; then
  apt-get update
  apt-get install -y "emscripten=$EMSCRIPTEN_VERSION" dpkg-dev cmake make
fi
# Source packages need a deb-src entry: derive it from the machine's own deb entries.
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
    >/etc/apt/sources.list.d/debian-src.sources
  apt-get update
fi
# emscripten's JS glue generation needs acorn (Debian ships it for Node).
command -v node >/dev/null || { echo "node is required" >&2; exit 1; }
[ -d /usr/share/nodejs/acorn ] || [ -d /usr/lib/nodejs/acorn ] || apt-get install -y node-acorn
export NODE_PATH="/usr/share/nodejs:/usr/lib/nodejs:${NODE_PATH:-}"

rm -rf "$work" && mkdir -p "$work" && cd "$work"
apt-get source --download-only "$JPEG_PACKAGE=$JPEG_VERSION" "$WEBP_PACKAGE=$WEBP_VERSION" \
  "$FREETYPE_PACKAGE=$FREETYPE_VERSION" "$ZLIB_PACKAGE=$ZLIB_VERSION" \
  "$LIBDEFLATE_PACKAGE=$LIBDEFLATE_VERSION"
dpkg-source -x "${JPEG_PACKAGE}_${JPEG_VERSION#*:}.dsc" jpeg >/dev/null
# Our changes to libjpeg-turbo, each with bit-identical output (see the patches): faster Huffman
# decoding, wasm SIMD for colour conversion and chroma upsampling, wasm SIMD for the inverse DCTs
# (full size, 1/2, 1/4, 3/8 and 6/8); for the encoder, wasm SIMD for colour conversion,
# downsampling, DCT and quantisation, and faster Huffman encoding.
for change in huffman simd idct-simd encoder-simd encoder-huffman; do
  patch -d jpeg -p1 --quiet <"$here/jpeg/$change.patch"
done
dpkg-source -x "${WEBP_PACKAGE}_${WEBP_VERSION}.dsc" webp >/dev/null
# A budget for libwebp's token buffer (see the patch); output unchanged when it is not reached.
patch -d webp -p1 --quiet <"$here/webp/token-budget.patch"
# Without the token buffer, its statistics pass reads a sample of macroblock rows (see the patch).
patch -d webp -p1 --quiet <"$here/webp/stat-sample.patch"
dpkg-source -x "${FREETYPE_PACKAGE}_${FREETYPE_VERSION}.dsc" freetype >/dev/null
dpkg-source -x "${ZLIB_PACKAGE}_${ZLIB_VERSION#*:}.dsc" zlib >/dev/null
dpkg-source -x "${LIBDEFLATE_PACKAGE}_${LIBDEFLATE_VERSION}.dsc" libdeflate >/dev/null

# --- libjpeg-turbo (static, no SIMD: its SIMD is x86/ARM assembly) ------------------------------
mkdir -p jpeg/build && cd jpeg/build
emcmake cmake .. -DCMAKE_BUILD_TYPE=Release -DWITH_SIMD=0 -DENABLE_SHARED=0 -DWITH_TURBOJPEG=0 \
  -DCMAKE_C_FLAGS="${OPT[*]}" >/dev/null
# CMake's size check cannot run under emscripten; wasm32 has 4-byte size_t.
sed -i 's/#define SIZEOF_SIZE_T .*/#define SIZEOF_SIZE_T  4/' jconfigint.h
emmake make -j"$jobs" jpeg-static >/dev/null
cd "$work"

EMFLAGS=(
  "${OPT[@]}"
  -s MODULARIZE=1 -s EXPORT_ES6=1 -s ENVIRONMENT=web
  -s ALLOW_MEMORY_GROWTH=1 -s INITIAL_MEMORY=2MB -s TOTAL_STACK=256KB -s MAXIMUM_MEMORY=2GB
  -s FILESYSTEM=0 -s EXIT_RUNTIME=0 -s ASSERTIONS=0
  -s EXPORTED_RUNTIME_METHODS=[]
)

mkdir -p "$here/dist"
emcc "${EMFLAGS[@]}" -s EXPORT_NAME=createJpegDecoder \
  -s EXPORTED_FUNCTIONS=_jpeg_decode,_jpeg_alloc,_jpeg_free,_jpeg_result_width,_jpeg_result_height,_jpeg_result_code,_jpeg_stream_begin,_jpeg_stream_read,_jpeg_stream_end \
  -I jpeg -I jpeg/build "$here/jpeg/decoder.c" jpeg/build/libjpeg.a \
  -o "$here/dist/jpeg_dec.js"

emcc "${EMFLAGS[@]}" -s EXPORT_NAME=createJpegEncoder \
  -s EXPORTED_FUNCTIONS=_jpeg_enc_begin,_jpeg_enc_strip_rows,_jpeg_enc_push,_jpeg_enc_finish,_jpeg_enc_size,_jpeg_enc_release \
  -I jpeg -I jpeg/build "$here/jpeg/encoder.c" jpeg/build/libjpeg.a \
  -o "$here/dist/jpeg_enc.js"

# --- our PNG encoder on zlib (its deflate half only) ---------------------------------------------
emcc "${EMFLAGS[@]}" -s EXPORT_NAME=createPngEncoder \
  -s EXPORTED_FUNCTIONS=_png_enc_begin,_png_enc_strip_rows,_png_enc_push,_png_enc_finish,_png_enc_output,_png_enc_size,_png_enc_take,_png_enc_release \
  -I zlib zlib/adler32.c zlib/crc32.c zlib/deflate.c zlib/trees.c zlib/zutil.c \
  "$here/png/encoder.c" -o "$here/dist/png_enc.js"

# --- our PNG decoder on libdeflate (its whole-buffer inflate only) ------------------------------
emcc "${EMFLAGS[@]}" -s EXPORT_NAME=createPngDecoder \
  -s EXPORTED_FUNCTIONS=_png_decode,_png_alloc,_png_free,_png_result_code,_png_result_width,_png_result_height \
  -I libdeflate libdeflate/lib/deflate_decompress.c libdeflate/lib/utils.c \
  "$here/png/decoder.c" -o "$here/dist/png_dec.js"

# --- libwebp decoder and demuxer (plain C sources, its SSE2 paths off) ---------------------------
emcc "${EMFLAGS[@]}" -s EXPORT_NAME=createWebpDecoder \
  -s EXPORTED_FUNCTIONS=_webp_decode,_webp_alloc,_webp_free,_webp_result_code,_webp_anim_open,_webp_anim_loop_count,_webp_anim_next,_webp_anim_timestamp,_webp_anim_close \
  -DWEBP_DISABLE_STATS -I webp -I webp/src \
  webp/src/dec/*.c webp/src/dsp/*.c webp/src/utils/*.c webp/src/demux/*.c \
  "$here/webp/decoder.c" -o "$here/dist/webp_dec.js"

# --- libwebp encoder and animation encoder (its SSE2/SSE4.1 paths, compiled to wasm SIMD: 2-3x the
# speed of the plain C, with the same output) ---------------------------------------------------
emcc "${EMFLAGS[@]}" -msse4.1 -s EXPORT_NAME=createWebpEncoder \
  -s EXPORTED_FUNCTIONS=_webp_enc_strip_rows,_webp_enc_failure,_webp_enc_begin,_webp_enc_push,_webp_enc_finish,_webp_enc_size,_webp_enc_release,_webp_anim_enc_begin,_webp_anim_enc_push,_webp_anim_enc_add,_webp_anim_enc_finish \
  -DWEBP_DISABLE_STATS -I webp -I webp/src \
  webp/src/enc/*.c webp/src/dsp/*.c webp/src/utils/*.c webp/src/mux/*.c webp/src/dec/*.c \
  webp/src/demux/*.c webp/sharpyuv/*.c "$here/webp/encoder.c" -o "$here/dist/webp_enc.js"

# --- our AVIF encoder: libaom (its SSE2-SSE4.1 intrinsics as wasm SIMD, all-intra) and our own
# AVIF container writer; see wasm/avif/build.sh ---------------------------------------------------
bash "$here/avif/build.sh" "$work/avif" "${EMFLAGS[@]}"
AOM_VERSION="$(sed -n 's/^AOM_VERSION=//p' "$here/avif/build.sh")"

# --- our pixel kernels: resampler, blur, compositing, rotation (no third-party source; standalone module, no glue) -----------
emcc "${OPT[@]}" -s STANDALONE_WASM=1 --no-entry \
  -s ALLOW_MEMORY_GROWTH=1 -s INITIAL_MEMORY=2MB -s TOTAL_STACK=256KB -s MAXIMUM_MEMORY=2GB \
  -s FILESYSTEM=0 -s EXPORTED_FUNCTIONS=_resample_begin,_resample_strip_rows,_resample_push,_resample_finish,_resample_release,_blur_rgba,_kernel_alloc,_kernel_free,_composite_block,_composite_strip,_composite_stamp,_composite_release,_rotate_begin,_rotate_strip_rows,_rotate_rows,_rotate_release \
  "$here/kernels/resample.c" "$here/kernels/blur.c" "$here/kernels/composite.c" "$here/kernels/rotate.c" -o "$here/dist/kernels.wasm"

# --- FreeType with our text rasteriser (wasm/text/): only the modules and options it needs -------
ft=freetype/src
emcc "${OPT[@]}" -s STANDALONE_WASM=1 --no-entry \
  -s ALLOW_MEMORY_GROWTH=1 -s INITIAL_MEMORY=2MB -s TOTAL_STACK=256KB -s MAXIMUM_MEMORY=2GB -s FILESYSTEM=0 \
  -DFT2_BUILD_LIBRARY '-DFT_CONFIG_MODULES_H="bos_ftmodule.h"' '-DFT_CONFIG_OPTIONS_H="bos_ftoption.h"' \
  -I"$here/text" -Ifreetype/include \
  -s EXPORTED_FUNCTIONS=_text_alloc,_text_free,_text_open,_text_close,_text_has_glyph,_text_render,_text_result_width,_text_result_height,_text_result_left,_text_result_top,_text_result_code,_text_result_stroke \
  $ft/base/ftsystem.c $ft/base/ftinit.c $ft/base/ftdebug.c $ft/base/ftbase.c $ft/base/ftbbox.c \
  $ft/base/ftbitmap.c $ft/base/ftglyph.c $ft/base/ftstroke.c $ft/base/ftsynth.c \
  $ft/truetype/truetype.c $ft/cff/cff.c $ft/psaux/psaux.c $ft/pshinter/pshinter.c \
  $ft/psnames/psnames.c $ft/sfnt/sfnt.c $ft/smooth/smooth.c \
  "$here/text/text.c" -o "$here/dist/text.wasm"

# --- provenance --------------------------------------------------------------------------------
sha() { sha256sum "$1" | cut -d' ' -f1; }
cat >"$here/manifest.json" <<JSON
{
  "toolchain": { "package": "emscripten", "version": "$EMSCRIPTEN_VERSION", "emcc": "$(emcc --version | head -1 | sed 's/"/\\"/g')" },
  "flags": "${EMFLAGS[*]}",
  "sources": {
    "$JPEG_PACKAGE": { "version": "$JPEG_VERSION", "orig": "$(ls ${JPEG_PACKAGE}_*.orig.tar.gz)", "sha256": "$(sha ${JPEG_PACKAGE}_*.orig.tar.gz)" },
    "$WEBP_PACKAGE": { "version": "$WEBP_VERSION", "orig": "$(ls ${WEBP_PACKAGE}_*.orig.tar.gz)", "sha256": "$(sha ${WEBP_PACKAGE}_*.orig.tar.gz)" },
    "$FREETYPE_PACKAGE": { "version": "$FREETYPE_VERSION", "orig": "$(ls ${FREETYPE_PACKAGE}_*.orig.tar.xz)", "sha256": "$(sha ${FREETYPE_PACKAGE}_*.orig.tar.xz)" },
    "$ZLIB_PACKAGE": { "version": "$ZLIB_VERSION", "orig": "$(ls ${ZLIB_PACKAGE}_*.orig.tar.bz2)", "sha256": "$(sha ${ZLIB_PACKAGE}_*.orig.tar.bz2)" },
    "$LIBDEFLATE_PACKAGE": { "version": "$LIBDEFLATE_VERSION", "orig": "$(ls ${LIBDEFLATE_PACKAGE}_*.orig.tar.gz)", "sha256": "$(sha ${LIBDEFLATE_PACKAGE}_*.orig.tar.gz)" },
    "aom": { "version": "$AOM_VERSION", "orig": "$(cd avif && ls aom_*.orig.tar.gz)", "sha256": "$(sha avif/aom_*.orig.tar.gz)", "debian": "aom_$AOM_VERSION.debian.tar.xz", "debian_sha256": "$(sha "avif/aom_$AOM_VERSION.debian.tar.xz")" }
  },
  "inputs": {
$(for input in jpeg/huffman.patch jpeg/simd.patch jpeg/idct-simd.patch jpeg/encoder-simd.patch jpeg/encoder-huffman.patch jpeg/decoder.c jpeg/encoder.c webp/token-budget.patch webp/stat-sample.patch webp/decoder.c webp/encoder.c kernels/resample.c kernels/blur.c kernels/composite.c kernels/rotate.c text/text.c text/bos_ftmodule.h text/bos_ftoption.h png/encoder.c png/decoder.c avif/encoder.c avif/build.sh avif/aom-wasm-x86.patch avif/aom-rtcd-unavailable.patch avif/asm-wrappers.txt; do
    echo "    \"$input\": \"$(sha "$here/$input")\","
  done | sed '$ s/,$//')
  },
  "outputs": {
    "dist/jpeg_dec.wasm": "$(sha "$here/dist/jpeg_dec.wasm")",
    "dist/jpeg_dec.js": "$(sha "$here/dist/jpeg_dec.js")",
    "dist/jpeg_enc.wasm": "$(sha "$here/dist/jpeg_enc.wasm")",
    "dist/jpeg_enc.js": "$(sha "$here/dist/jpeg_enc.js")",
    "dist/png_dec.wasm": "$(sha "$here/dist/png_dec.wasm")",
    "dist/png_dec.js": "$(sha "$here/dist/png_dec.js")",
    "dist/png_enc.wasm": "$(sha "$here/dist/png_enc.wasm")",
    "dist/png_enc.js": "$(sha "$here/dist/png_enc.js")",
    "dist/webp_dec.wasm": "$(sha "$here/dist/webp_dec.wasm")",
    "dist/webp_dec.js": "$(sha "$here/dist/webp_dec.js")",
    "dist/webp_enc.wasm": "$(sha "$here/dist/webp_enc.wasm")",
    "dist/webp_enc.js": "$(sha "$here/dist/webp_enc.js")",
    "dist/avif_enc.wasm": "$(sha "$here/dist/avif_enc.wasm")",
    "dist/avif_enc.js": "$(sha "$here/dist/avif_enc.js")",
    "dist/kernels.wasm": "$(sha "$here/dist/kernels.wasm")",
    "dist/text.wasm": "$(sha "$here/dist/text.wasm")"
  }
}
JSON
echo "built:"; ls -l "$here/dist"
