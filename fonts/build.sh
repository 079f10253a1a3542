#!/usr/bin/env bash
# Builds the four watermark faces (PROTOCOL.md §3.18 "Fonts") from Debian's font packages:
# subsets of GB2312 + Latin + punctuation (fonts/charset.py) into fonts/dist/, the full faces
# into fonts/full/ (git-ignored: uploaded to R2 only, for characters outside the subsets), their
# licences, and fonts/manifest.json (package versions, hashes, the version that enters ETags).
# Run as root on Debian 12 (bookworm):   bash fonts/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${FONTS_BUILD_DIR:-/tmp/bos-fonts-build}"
# fontTools stamps the time into the `head` table: a fixed one makes the build reproducible.
export SOURCE_DATE_EPOCH=1700000000

NOTO_CJK=fonts-noto-cjk=1:20220127+repack1-1
LXGW=fonts-lxgw-wenkai=1.250+repack-1
NOTO_MONO=fonts-noto-mono=20201225-1
FONTTOOLS=python3-fonttools=4.38.0-1+deb12u1

if ! /usr/bin/python3 -c 'import fontTools' 2>/dev/null; then
  apt-get update
  apt-get install -y "$FONTTOOLS"
fi
rm -rf "$work"
mkdir -p "$work" "$here/dist" "$here/full" "$here/licenses"
cd "$work"
apt-get download "$NOTO_CJK" "$LXGW" "$NOTO_MONO"
for deb in *.deb; do dpkg-deb -x "$deb" root; done
/usr/bin/python3 "$here/charset.py" >charset.txt

# face name → source file, face index in a collection (2 is Simplified Chinese in Noto's .ttc)
subset() {
  local name="$1" source="$2" index="$3"
  cp "$source" "$here/full/$name.${source##*.}"
  /usr/bin/python3 -m fontTools.subset "$source" --font-number="$index" --text-file=charset.txt \
    --layout-features='*' --name-IDs='*' --notdef-outline --no-hinting \
    --output-file="$here/dist/$name.otf"
}
subset serif root/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc 2
subset sans root/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc 2
subset kai root/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf 0
subset mono root/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf 0
# The SIL OFL reserves the names "LXGW" and "霞鹜" for the original: a modified (subset) version
# must be renamed.
/usr/bin/python3 - "$here/dist/kai.otf" <<'PY'
import sys
from fontTools.ttLib import TTFont
font = TTFont(sys.argv[1])
for record in font["name"].names:
    text = record.toUnicode()
    renamed = text.replace("LXGW WenKai", "BOS Kai").replace("LXGWWenKai", "BOSKai").replace("霞鹜文楷", "BOS楷体").replace("LXGW", "BOS")
    if renamed != text:
        record.string = renamed
font.save(sys.argv[1])
PY
cp root/usr/share/doc/fonts-noto-cjk/copyright "$here/licenses/noto-cjk.txt"
cp root/usr/share/doc/fonts-lxgw-wenkai/copyright "$here/licenses/lxgw-wenkai.txt"
cp root/usr/share/doc/fonts-noto-mono/copyright "$here/licenses/noto-mono.txt"

sha() { sha256sum "$1" | cut -d' ' -f1; }
version="$(cat "$here/dist/"*.otf | sha256sum | cut -c1-12)"
cat >"$here/manifest.json" <<JSON
{
  "version": "$version",
  "packages": ["$NOTO_CJK", "$LXGW", "$NOTO_MONO", "$FONTTOOLS"],
  "subsets": {
$(for face in serif sans kai mono; do echo "    \"$face\": \"$(sha "$here/dist/$face.otf")\","; done | sed '$ s/,$//')
  },
  "full": {
$(for file in "$here"/full/*; do echo "    \"$(basename "$file")\": \"$(sha "$file")\","; done | sed '$ s/,$//')
  }
}
JSON
ls -l "$here/dist" "$here/full"
