import { BosError, messages, missingParameter } from '../errors';
import { canonicalValue, parseValue, type Args, type ParamSpecs, type ParamValue } from './params';
import type { ActionDefinition, ActionStage, BoundAction, RawAction } from './types';

export interface RegisteredAction {
  name: string;
  /** The grammar as declared, for descriptions of the registry (`/_bos/actions.json`). */
  stage: ActionStage;
  params: ParamSpecs;
  bareKey: string | undefined;
  bind(raw: RawAction): BoundAction;
}

/**
 * Turns a typed action definition into a registry entry. The typed arguments stay inside the
 * closures, so the registry is a plain table and no `any` is needed to hold different actions.
 */
export function defineAction<P extends ParamSpecs>(
  definition: ActionDefinition<P>,
): RegisteredAction {
  const { name, params } = definition;
  return {
    name,
    stage: definition.stage,
    params,
    bareKey: definition.bareKey,
    bind(raw: RawAction): BoundAction {
      const values: Record<string, ParamValue> = {};
      const given: Array<[string, string]> = [...raw.params];
      for (const token of raw.bare) {
        if (definition.bareKey === undefined) {
          throw new BosError(
            'InvalidArgument',
            `parameter ${token} of action ${name} must be written key_value`,
          );
        }
        if (raw.bare.length > 1 || raw.params.some(([key]) => key === definition.bareKey)) {
          throw new BosError(
            'InvalidArgument',
            messages.repeatedParameter(definition.bareKey, name),
          );
        }
        given.push([definition.bareKey, token]);
      }
      for (const [key, text] of given) {
        const spec = Object.hasOwn(params, key) ? params[key] : undefined;
        if (spec === undefined) {
          throw new BosError('InvalidArgument', messages.unsupportedParameter(key, name));
        }
        values[key] = parseValue(key, text, spec);
      }
      for (const [key, spec] of Object.entries(params)) {
        if (values[key] !== undefined) continue;
        if (spec.required) throw missingParameter(key, name);
        if ('default' in spec && spec.default !== undefined) {
          values[key] = parseValue(key, String(spec.default), spec);
        }
      }
      // The parsed table matches P by construction: every key was checked against its spec.
      const args = values as Args<P>;
      definition.check?.(args);
      const canonical = [
        name,
        ...Object.keys(values)
          .sort()
          .map((key) => `${key}_${canonicalValue(values[key] as ParamValue)}`),
      ].join(',');
      const { apply, outputSize, encoder, orient, sourceNeeds, forwardNeeds, extraMemory } =
        definition;
      return {
        name,
        stage: definition.stage,
        canonical,
        missing:
          definition.stage === 'pixels' && apply === undefined
            ? `action ${name}`
            : definition.missing?.(args),
        outputSize: (input) => (outputSize ? outputSize(input, args) : input),
        resamples: definition.resamples ?? false,
        addsAlpha: definition.addsAlpha?.(args) ?? false,
        sourceNeeds: (input) => (sourceNeeds ? sourceNeeds(input, args) : { scale: 1 }),
        forwardNeeds: (input, downstream) => forwardNeeds?.(input, args, downstream),
        resources: definition.resources?.(args) ?? [],
        extraMemory: (query) => extraMemory?.(args, query) ?? 0,
        apply: async (image, context) => {
          if (!apply)
            throw new BosError('NotImplemented', messages.notImplemented(`action ${name}`));
          return apply(image, args, context);
        },
        configureEncoder: (request) => encoder?.(request, args),
        configureOrient: (request) => orient?.(request, args),
      };
    },
  };
}
