import { BosError, messages } from '../errors';
import { ACTIONS, UNSUPPORTED_ACTIONS } from '../operations/registry';
import type { BoundAction, EncoderRequest, OrientRequest } from '../operations/types';
import type { RawAction } from '../request/command';

/** A validated command: everything known before touching storage. */
export interface CommandPlan {
  /** Pixel actions in URL order. */
  pixelActions: BoundAction[];
  encoder: EncoderRequest;
  /** Set when `auto-orient` appears (the last one wins); otherwise the deployment default. */
  orient: OrientRequest | undefined;
  info: boolean;
  /** Canonical form: action order kept, keys sorted, defaults explicit. Part of ETag and cache key. */
  canonical: string;
}

/** Binds raw actions against the registry (§1.2 rules 4–8, §3.17, §3.19). */
export function bindCommand(actions: RawAction[]): CommandPlan {
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
  return {
    pixelActions: bound.filter((action) => action.stage === 'pixels'),
    encoder,
    orient,
    info,
    canonical: bound.map((action) => action.canonical).join('/'),
  };
}

/** Valid but not executed yet: answered 501 before any storage access, so the gap is visible. */
export function assertImplemented(plan: CommandPlan): void {
  for (const action of plan.pixelActions) {
    if (!action.implemented) {
      throw new BosError('NotImplemented', messages.notImplemented(`action ${action.name}`));
    }
  }
}
