import { BosError } from '../errors';

/** KV key of a style (PROTOCOL.md §4): `style:<name>`, its value the stored command. */
export const styleKey = (name: string) => `style:${name}`;

/**
 * The command a style stands for, `image/` prepended when the stored value lacks it; 404
 * NoSuchStyle when there is none. Read from KV once per request that names a style.
 */
export async function readStyle(kv: KVNamespace, name: string): Promise<string> {
  const value = (await kv.get(styleKey(name)))?.trim();
  if (!value) throw new BosError('NoSuchStyle', `The style ${name} does not exist.`);
  return value.startsWith('image/') ? value : `image/${value}`;
}
