import { ACTIONS, UNSUPPORTED_ACTIONS } from '../actions/registry';
import type {
  BoundAction,
  EncoderRequest,
  OrientRequest,
  RawAction,
  ResourceRef,
} from '../actions/types';
import type { Config } from '../config';
import { BosError, messages } from '../errors';
import { parseCommand } from '../request/grammar';
import { chooseFormat, type FormatChoice } from '../request/negotiate';

/** A validated command: everything known before touching storage. */
export interface ValidatedCommand {
  /** Pixel actions in URL order. */
  pixelActions: BoundAction[];
  encoder: EncoderRequest;
  /** Set when `auto-orient` appears (the last one wins); otherwise the deployment default. */
  orient: OrientRequest | undefined;
  info: boolean;
  /** What the pixel actions read besides the image, in their order (fetched before decoding). */
  resources: ResourceRef[];
  /** Canonical form: action order kept, keys sorted, defaults explicit. Part of ETag and cache key. */
  canonical: string;
}

/** Binds raw actions against the action registry (§1.2 rules 4–8, §3.17, §3.19). */
export function validateCommand(actions: RawAction[]): ValidatedCommand {
  const bound = actions.map((raw) => {
    if (UNSUPPORTED_ACTIONS.has(raw.name)) {
      throw new BosError('InvalidArgument', messages.unsupportedAction(raw.name));
    }
    const action = ACTIONS.get(raw.name);
    if (!action) throw new BosError('InvalidArgument', messages.unsupportedAction(raw.name));
    return action.bind(raw);
  });
  const info = bound.some((action) => action.stage === 'info');
  if (info && bound.length > 1) {
    throw new BosError('InvalidArgument', 'action info must stand alone');
  }
  const encoder: EncoderRequest = {};
  let orient: OrientRequest | undefined;
  for (const action of bound) {
    if (action.stage === 'encoder') action.configureEncoder(encoder);
    if (action.stage === 'orient') {
      orient = { apply: true };
      action.configureOrient(orient);
    }
  }
  const pixelActions = bound.filter((action) => action.stage === 'pixels');
  return {
    pixelActions,
    encoder,
    orient,
    info,
    resources: pixelActions.flatMap((action) => action.resources),
    canonical: bound.map((action) => action.canonical).join('/'),
  };
}

/** Valid but not executed yet: answered 501 before any storage access, so the gap is visible. */
export function assertImplemented(command: ValidatedCommand): void {
  for (const action of command.pixelActions) {
    if (!action.implemented) {
      throw new BosError('NotImplemented', messages.notImplemented(`action ${action.name}`));
    }
  }
}

/** A command validated and its output format negotiated: all that is known before storage. */
export interface PreparedCommand {
  command: ValidatedCommand;
  formatChoice: FormatChoice;
}

/** parse → validate → negotiate (PROTOCOL.md §1.6 steps 2–3); no storage is touched. */
export function prepareCommand(
  value: string,
  accept: string | null,
  config: Config,
): PreparedCommand {
  const parsed = parseCommand(value);
  if (parsed.kind === 'style') {
    throw new BosError('NotImplemented', messages.notImplemented('style'));
  }
  const command = validateCommand(parsed.actions);
  assertImplemented(command);
  return { command, formatChoice: chooseFormat(command.encoder, accept, config) };
}
