import { MAX_RESOLVED_ACTIONS, toStorableText, type ResolvedAction, type StepResolution } from '../../protocol/index.ts';

/** An action as Stagehand reports it (act, observe, and each act of its agent). */
export type StagehandAction = { selector: string; description?: string; method?: string; arguments?: readonly unknown[] };

/** Limits of ResolvedActionSchema. */
const MAX_SELECTOR = 4_000;
const MAX_METHOD = 50;
const MAX_ARGUMENTS = 10;
const MAX_ARGUMENT = 10_000;
const MAX_DESCRIPTION = 1_000;

/**
 * Stagehand's action as it goes on the wire, or undefined when it cannot be stored whole (no
 * method, or a selector or argument past the limits): a cut selector would replay something else.
 */
export function toResolvedAction(action: StagehandAction): ResolvedAction | undefined {
  const method = action.method?.trim();
  const args = (action.arguments ?? []).map((argument) => (argument == null ? '' : String(argument)));
  if (!method || action.selector.length > MAX_SELECTOR || method.length > MAX_METHOD || args.length > MAX_ARGUMENTS || args.some((argument) => argument.length > MAX_ARGUMENT)) {
    return undefined;
  }
  const description = action.description?.trim();
  return {
    selector: toStorableText(action.selector, MAX_SELECTOR),
    method: toStorableText(method, MAX_METHOD),
    arguments: args.map((argument) => toStorableText(argument, MAX_ARGUMENT)),
    ...(description && { description: toStorableText(description, MAX_DESCRIPTION) }),
  };
}

/**
 * The actions a step took, compiled for replay; undefined when there is nothing to replay, or
 * when one action cannot be stored or there are too many: replaying part of them would be wrong,
 * so such a step asks the model again next time.
 */
export function compileActions(actions: readonly StagehandAction[]): StepResolution | undefined {
  const resolved = actions.map(toResolvedAction).filter((action): action is ResolvedAction => action !== undefined);
  if (resolved.length === 0 || resolved.length !== actions.length || resolved.length > MAX_RESOLVED_ACTIONS) return undefined;
  return { kind: 'actions', actions: resolved };
}
