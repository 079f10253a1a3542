import type { RawAction } from '../actions/types';
import { BosError, messages } from '../errors';
import { LIMITS } from '../limits';

export type ParsedCommand =
  { kind: 'image'; actions: RawAction[] } | { kind: 'style'; name: string; rest: string };

const STYLE_NAME = /^[0-9A-Za-z][0-9A-Za-z_]{0,63}$/;

/** Tokenises an `x-bce-process` value (PROTOCOL.md §1.2). Meaning comes later, from the registry. */
export function parseCommand(value: string): ParsedCommand {
  if (value.startsWith('style/')) {
    const body = value.slice('style/'.length);
    const slash = body.indexOf('/');
    const name = slash < 0 ? body : body.slice(0, slash);
    const rest = slash < 0 ? '' : body.slice(slash + 1);
    if (!STYLE_NAME.test(name)) {
      throw new BosError('InvalidArgument', messages.invalidValue('style', name));
    }
    if (rest.replace(/\//g, '') !== '') {
      throw new BosError('InvalidArgument', 'A style cannot be combined with other actions.');
    }
    return { kind: 'style', name, rest };
  }
  if (!value.startsWith('image/')) {
    throw new BosError('InvalidArgument', 'x-bce-process must start with image/ or style/.');
  }
  const segments = value
    .slice('image/'.length)
    .split('/')
    .filter((segment) => segment !== '');
  if (segments.length === 0) throw new BosError('InvalidArgument', 'No action is given.');
  if (segments.length > LIMITS.actions) {
    throw new BosError(
      'InvalidArgument',
      `At most ${LIMITS.actions} actions are allowed, got ${segments.length}.`,
    );
  }
  return { kind: 'image', actions: segments.map(parseAction) };
}

function parseAction(segment: string): RawAction {
  const tokens = segment.split(',').filter((token) => token !== '');
  const name = tokens[0] ?? '';
  const action: RawAction = { name, params: [], bare: [] };
  const seen = new Set<string>();
  for (const token of tokens.slice(1)) {
    const underscore = token.indexOf('_');
    if (underscore < 0) {
      action.bare.push(token);
      continue;
    }
    const key = token.slice(0, underscore);
    const paramValue = token.slice(underscore + 1);
    if (seen.has(key)) {
      throw new BosError('InvalidArgument', messages.repeatedParameter(key, name));
    }
    seen.add(key);
    action.params.push([key, paramValue]);
  }
  return action;
}
