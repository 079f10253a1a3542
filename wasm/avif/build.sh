#!/usr/bin/env bash
# Builds our AVIF encoder (wasm/dist/avif_enc.{js,wasm}): libaom from Debian's source package,
# its x86 SSE2/SSSE3/SSE4.1 intrinsics compiled to wasm SIMD through emscripten's SSE headers,
# and wasm/avif/encoder.c (RGBA strips to YUV 4:2:0, AV1 all-intra, our AVIF container writer).
# Called by wasm/build.sh, which has installed the toolchain and the deb-src entry:
#
#   bash wasm/avif/build.sh <work dir> <emcc flags...>
#
# libaom's CMake only builds its SIMD for real x86 targets, where it needs nasm for the .asm half.
# So: configure for x86 (32-bit, no runtime CPU detection, AVX and up off: emscripten 3.1.6 has
# no AVX headers) with a stand-in assembler whose objects are empty; build the intrinsics objects;
# list every specialisation in the rtcd headers that they do not define (the .asm ones) plus the
# intrinsics wrappers that call .asm helpers (asm-wrappers.txt); regenerate the rtcd headers
# without those (aom-rtcd-unavailable.patch), so each such function falls back to its best
# remaining specialisation; then build libaom and link. Encoder only, no threads, 8-bit only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 2 ] || { echo "usage: $0 <work dir> <emcc flags...>" >&2; exit 2; }
work="$1"
shift
EMFLAGS=("$@")
jobs="$(nproc)"

AOM_PACKAGE=aom
AOM_VERSION=3.6.0-1+deb12u3
# The orig tarball of AOM_VERSION is the one of bookworm's point release (same sha256, checked
# below); a security mirror may serve only the files that changed.
AOM_ORIG_ALSO_IN=3.6.0-1+deb12u2
OPT=(-O3 -msimd128 -flto)

unset AOM_RTCD_UNAVAILABLE
rm -rf "$work" && mkdir -p "$work" && cd "$work"

# --- source: Debian's aom, its patches applied, then ours ----------------------------------------
apt-get source --download-only "$AOM_PACKAGE=$AOM_VERSION" || true
orig="${AOM_PACKAGE}_${AOM_VERSION%%-*}.orig.tar.gz"
debian="${AOM_PACKAGE}_${AOM_VERSION}.debian.tar.xz"
if [ ! -f "$orig" ]; then
  mkdir point-release
  (cd point-release && apt-get source --download-only "$AOM_PACKAGE=$AOM_ORIG_ALSO_IN")
  mv "point-release/$orig" .
  rm -rf point-release
fi
# Both files must match what the archive's signed index says for AOM_VERSION.
sums="$(apt-cache showsrc "$AOM_PACKAGE" |
  awk '/^Version:/{v=$2} /^Checksums-Sha256:/{c=1; next} /^[^ ]/{c=0} c && v=="'"$AOM_VERSION"'"{print $1"  "$3}')"
for file in "$orig" "$debian"; do
  grep -q "  $file\$" <<<"$sums" || { echo "no checksum for $file" >&2; exit 1; }
  grep "  $file\$" <<<"$sums" | sha256sum -c --quiet
done
mkdir aom
tar -xzf "$orig" -C aom --strip-components=1
tar -xJf "$debian" -C aom
# dpkg-source would apply debian/patches/series (format 3.0 quilt) just so.
while read -r change; do
  [ -n "$change" ] && patch -d aom -p1 --quiet <"aom/debian/patches/$change"
done < <(grep -v '^#' aom/debian/patches/series)
for change in aom-wasm-x86 aom-rtcd-unavailable; do
  patch -d aom -p1 --quiet <"$here/$change.patch"
done

# --- configure --------------------------------------------------------------------------------
mkdir bin
cat >bin/no-asm <<'SH'
#!/bin/sh
# Stands in for nasm: an empty object for each .asm file (what it would define is left out of
# the rtcd headers).
out=
while [ $# -gt 0 ]; do
  case "$1" in -o) out="$2"; shift ;; esac
  shift
done
exec emcc -c -x c /dev/null -o "$out"
SH
chmod +x bin/no-asm
mkdir build && cd build
emcmake cmake ../aom -DCMAKE_BUILD_TYPE=Release -DAOM_TARGET_CPU=x86 -DAS_EXECUTABLE="$work/bin/no-asm" \
  -DCONFIG_RUNTIME_CPU_DETECT=0 -DENABLE_SSE4_2=0 -DCONFIG_AV1_DECODER=0 -DCONFIG_MULTITHREAD=0 \
  -DCONFIG_AV1_HIGHBITDEPTH=0 -DCONFIG_WEBM_IO=0 -DCONFIG_LIBYUV=0 -DCONFIG_DENOISE=0 \
  -DENABLE_EXAMPLES=0 -DENABLE_TESTS=0 -DENABLE_TOOLS=0 -DENABLE_DOCS=0 \
  -DCMAKE_C_FLAGS="${OPT[*]}" -DCMAKE_CXX_FLAGS="${OPT[*]}" >cmake.log

# --- which specialisations exist ------------------------------------------------------------------
intrinsics=($(emmake make help | grep -oE 'aom_\w+_intrinsics' | sort -u))
emmake make -j"$jobs" "${intrinsics[@]}" >/dev/null
find . -name '*.o' -path '*_intrinsics.dir/*' -print0 | xargs -0 emnm --defined-only 2>/dev/null |
  awk '$2 ~ /^[TD]$/ {print $3}' | sort -u >defined.txt
cat config/*_rtcd.h | grep -oE '\b\w+_(mmx|sse|sse2|sse3|ssse3|sse4_1)\(' | tr -d '(' |
  sort -u >declared.txt
{
  comm -23 declared.txt defined.txt
  grep -xE -f <(grep -v '^#' "$here/asm-wrappers.txt") declared.txt || true
} | sort -u >unavailable.txt
echo "aom: $(wc -l <declared.txt) x86 specialisations, $(wc -l <unavailable.txt) left out (assembly)"
export AOM_RTCD_UNAVAILABLE="$PWD/unavailable.txt"
rm config/*_rtcd.h
emmake make -j"$jobs" aom >/dev/null
cd "$work"

# --- our encoder --------------------------------------------------------------------------------
emcc "${EMFLAGS[@]}" -s EXPORT_NAME=createAvifEncoder \
  -s EXPORTED_FUNCTIONS=_avif_enc_strip_rows,_avif_enc_failure,_avif_enc_begin,_avif_enc_push,_avif_enc_finish,_avif_enc_size,_avif_enc_release \
  -I aom -I build "$here/encoder.c" build/libaom.a -o "$here/../dist/avif_enc.js"
