import { DEFAULT_AGENT_ACTIONS, toStorableText, type StepOfType } from '../../protocol/index.ts';
import { StepError } from '../steps/step-error.ts';
import { remainingMs, type AiStepContext, type ModelResolution } from './ai-step-context.ts';
import { compileActions, type StagehandAction } from './resolved-action.ts';
import { settleNavigation } from './settle-navigation.ts';
import { withStepModel } from './step-model.ts';

/**
 * Tools the agent is not given. Their effects are not actions on an element, so a compiled
 * agent step could not replay them: the agent works on the page the run brought it to.
 */
const EXCLUDED_TOOLS = ['goto', 'navback', 'keys', 'search'];

const AGENT_INSTRUCTIONS =
  'You are one step of a longer browser task. Work on the page you are given: you cannot open other addresses or go back. Stop as soon as the task is done.';

/** Longest summary an agent step reports (StepOutputSchema). */
const MAX_SUMMARY = 4_000;

/**
 * Works out a small task through Stagehand's agent, in at most `maxActions` model turns. The
 * actions it took on elements compile to a replayable list. Not finishing is a failure that
 * says why: out of actions, or what the agent reported.
 */
export async function agentThroughModel(step: StepOfType<'agent'>, context: AiStepContext): Promise<ModelResolution> {
  const attached = await context.attach();
  const maxActions = step.maxActions ?? DEFAULT_AGENT_ACTIONS;
  let turns = 0;
  const settle = { timeoutMs: remainingMs(context), signal: context.signal };
  const result = await attached.exclusive(() =>
    settleNavigation(context.page, settle, () => withStepModel(context.model, () =>
      attached.stagehand.agent({ systemPrompt: AGENT_INSTRUCTIONS }).execute({
        instruction: step.task,
        maxSteps: maxActions,
        page: attached.page,
        signal: context.signal,
        excludeTools: EXCLUDED_TOOLS,
        callbacks: {
          // Stagehand's agent acts on the page it considers active, which any new tab (another
          // run's) takes over: this run's page is made active again before each turn.
          prepareStep: (options) => {
            attached.stagehand.context.setActivePage(attached.page);
            return options;
          },
          onStepFinish: () => {
            turns += 1;
          },
        },
      }),
    )),
  );
  const summary = toStorableText(result.message.trim(), MAX_SUMMARY);
  const done = result.actions.findLast((action) => action.type === 'done');
  if (done?.taskCompleted !== true) {
    // The agent reports a failed model call as a failed result; the server's code says more.
    const modelError = context.model.lastError();
    if (modelError) throw modelError;
    const why = summary || 'the agent gave no reason';
    if (turns >= maxActions) throw new StepError('action-failed', `stopped after ${turns} actions without finishing: ${why}`);
    throw new StepError('action-failed', `did not finish: ${why}`);
  }
  const taken = result.actions.flatMap((action) => (action.type === 'act' && isStagehandAction(action.playwrightArguments) ? [action.playwrightArguments] : []));
  const compiled = compileActions(taken);
  return { output: { agent: { finished: true, actions: turns, ...(summary && { summary }) } }, ...(compiled && { compiled }) };
}

function isStagehandAction(value: unknown): value is StagehandAction {
  return typeof value === 'object' && value !== null && typeof (value as { selector?: unknown }).selector === 'string';
}
