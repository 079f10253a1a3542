import { probeImage } from '../codecs/probe';
import type { Config } from '../config';
import { BosError, messages } from '../errors';
import { assertImplemented, bindCommand, type CommandPlan } from '../plan/command';
import { checkSourceLimits } from '../plan/limits';
import { planImage, type ImagePlan } from '../plan/plan';
import { parseCommand } from '../request/command';
import { chooseFormat, type FormatChoice } from '../request/negotiate';
import { renderImage, type RenderedImage } from './render';

/** A command validated and its output format negotiated: all that is known before storage. */
export interface PreparedCommand {
  plan: CommandPlan;
  formatChoice: FormatChoice;
}

/** parse → validate → negotiate (PROTOCOL.md §1.6 steps 2–3); no storage is touched. */
export function prepareCommand(
  command: string,
  accept: string | null,
  config: Config,
): PreparedCommand {
  const parsed = parseCommand(command);
  if (parsed.kind === 'style') {
    throw new BosError('NotImplemented', messages.notImplemented('style'));
  }
  const plan = bindCommand(parsed.actions);
  assertImplemented(plan);
  return { plan, formatChoice: chooseFormat(plan.encoder, accept, config) };
}

/** probe → limits → plan → decode → actions → encode (§1.6 steps 6–8) on the source bytes. */
export async function transformImage(
  bytes: Uint8Array,
  prepared: PreparedCommand,
  config: Config,
): Promise<{ rendered: RenderedImage; imagePlan: ImagePlan }> {
  const probe = probeImage(bytes);
  checkSourceLimits(probe);
  const imagePlan = planImage(prepared.plan, probe, bytes.length, prepared.formatChoice, config);
  const rendered = await renderImage(bytes, probe, imagePlan, config);
  return { rendered, imagePlan };
}
