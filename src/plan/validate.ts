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
  const resources = pixelActions.flatMap((action) => action.resources);
  // A watermark's own command is validated with the rest, before any storage is read.
  for (const ref of resources) {
    if (ref.kind === 'object' && ref.process !== undefined) bindPreprocessing(ref.process);
  }
  return {
    pixelActions,
    encoder,
    orient,
    info,
    resources,
    canonical: bound.map((action) => action.canonical).join('/'),
  };
}

/** What a watermark image may be pre-processed with (PROTOCOL.md §9: geometry and tone only). */
const PREPROCESSING = new Set(['resize', 'crop', 'rotate', 'bright', 'contrast']);

/**
 * The pixel actions of a resource's pre-processing command (`image/…`, as it followed
 * `?x-bce-process=` in the watermark's key): 400 for a style, or any action but those allowed.
 */
export function bindPreprocessing(process: string): BoundAction[] {
  const parsed = parseCommand(process);
  if (parsed.kind !== 'image') {
    throw new BosError('InvalidArgument', 'A watermark cannot be pre-processed by a style.');
  }
  for (const action of parsed.actions) {
    if (!PREPROCESSING.has(action.name)) {
      throw new BosError(
        'InvalidArgument',
        `action ${action.name} is not allowed in a watermark's pre-processing`,
      );
    }
  }
  return validateCommand(parsed.actions).pixelActions;
}

/** Valid but not executed yet: answered 501 before any storage access, so the gap is visible. */
export function assertImplemented(command: ValidatedCommand): void {
  for (const action of command.pixelActions) {
    if (action.missing !== undefined) {
      throw new BosError('NotImplemented', messages.notImplemented(action.missing));
    }
  }
}

/** A command validated and its output format negotiated: all that is known before storage. */
export interface PreparedCommand {
  command: ValidatedCommand;
  formatChoice: FormatChoice;
  /** The style it came from, if any (style access is allowed on protected objects). */
  style?: string;
}

/** An `x-bce-process` value after parsing: a command ready to run, or a style to look up. */
export type ParsedProcess =
  { kind: 'command'; prepared: PreparedCommand } | { kind: 'style'; name: string };

/**
 * parse → validate → negotiate (PROTOCOL.md §1.6 steps 2–3); no storage is touched. A style is
 * returned by name: its command is read (and validated by `prepareStyle`) after the signature.
 */
export function parseProcess(value: string, accept: string | null, config: Config): ParsedProcess {
  const parsed = parseCommand(value);
  if (parsed.kind === 'style') return { kind: 'style', name: parsed.name };
  return { kind: 'command', prepared: prepareActions(parsed.actions, accept, config) };
}

function prepareActions(actions: RawAction[], accept: string | null, config: Config) {
  const command = validateCommand(actions);
  assertImplemented(command);
  return { command, formatChoice: chooseFormat(command.encoder, accept, config) };
}

/**
 * A style's stored command (`image/` already prepended), validated like an inline one. A stored
 * `style/…` becomes `image/style/…` and fails as an unknown action: styles cannot nest.
 */
export function prepareStyle(
  name: string,
  stored: string,
  accept: string | null,
  config: Config,
): PreparedCommand {
  const parsed = parseCommand(stored);
  if (parsed.kind !== 'image')
    throw new BosError('InvalidArgument', 'A style cannot name a style.');
  return { ...prepareActions(parsed.actions, accept, config), style: name };
}

/** An inline `image/…` command prepared (for the benchmark and tests); styles are refused. */
export function prepareCommand(
  value: string,
  accept: string | null,
  config: Config,
): PreparedCommand {
  const parsed = parseProcess(value, accept, config);
  if (parsed.kind === 'style') {
    throw new BosError('InvalidArgument', 'A style must be read from its store first.');
  }
  return parsed.prepared;
}
