/**
 * The four bundled faces and which `type` names map to them (PROTOCOL.md §3.18 "Fonts"): names
 * match case-insensitively; unknown names, and no name, get the serif default.
 */
export type FaceName = 'serif' | 'sans' | 'kai' | 'mono';

const KAI_NAMES = ['fzdaweitisrgb', 'fzbangshuxingsrgb', 'fzzjfojw', 'jimojw'];
const SERIF_NAMES = ['times', 'bookman', 'palatino', 'newcenturyschlbk'];
const SANS_NAMES = [
  'microsoftyahei',
  'simhei',
  'arialunicode',
  'pingfangsc',
  'avantgarde',
  'helvetica',
  'helveticanarrow',
  'symbol',
  'fzzhenghei',
  'fzlantingzhongheijianti',
  'fzlantingyuansbgb',
  'fzlantingyuansdb1gb',
  'fzcuqianm17s',
  'fzcuyuanm03s',
  'fzdaheib02s',
  'fzheib01s',
  'fzheilisebgb',
  'fzhupom04s',
  'fzkatongm19s',
  'fzmeiheim07s',
  'fzpangtouyum24s',
  'fzpangwam18s',
  'fzpinghes11s',
  'fzruizhengheisebgb',
  'fzshaoerm11s',
  'fzxingheisrgb',
  'fzxiqianm15s',
  'fzyiheim20s',
  'fzyundongheishgb',
  'fzzhengheisebgb',
  'fzzhongqianm16s',
  'fzhei',
  'fzkatong',
  'fzpangwa',
];
const LANTING_HEI = /^fzlantinghei(sbgb|sdb1gb|sdbgb|sebgb|selgb|shgb|slgb|smgb|srgb|sulgb)?$/;

export function faceFor(name: string | undefined): FaceName {
  const key = (name ?? '').trim().toLowerCase();
  if (key.includes('song')) return 'serif';
  if (key.includes('kai') || KAI_NAMES.includes(key)) return 'kai';
  if (key === 'courier') return 'mono';
  if (SANS_NAMES.includes(key) || LANTING_HEI.test(key)) return 'sans';
  if (SERIF_NAMES.includes(key)) return 'serif';
  return 'serif';
}
