"""The characters every bundled subset carries: GB2312 (the 6,763 hanzi and 682 symbols of
simplified Chinese), ASCII and Latin-1, general punctuation, CJK symbols and full-width forms.
Prints them as one line of text for pyftsubset's --text-file."""
import sys

chars = set()
for high in range(0xA1, 0xF8):
    for low in range(0xA1, 0xFF):
        try:
            chars.add(bytes([high, low]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
for first, last in ranges:
    chars.update(chr(code) for code in range(first, last + 1))
sys.stdout.write("".join(sorted(chars)))
