import { AISdkClient } from '@browserbasehq/stagehand';
import { StepError } from '../steps/step-error.ts';
import { toGenerateResult, toModelRequest, type StagehandLanguageModel } from './bridged-call.ts';
import { currentStepModel } from './step-model.ts';

/**
 * The language model Stagehand is given: every call goes to the server as a `stagehand` model
 * request of the AI step it is made for, and the server's answer comes back. No key, no provider.
 */
export function createBridgedLanguageModel(): StagehandLanguageModel {
  return {
    specificationVersion: 'v2',
    provider: 'skipper',
    modelId: 'skipper-server',
    supportedUrls: {},
    async doGenerate(options) {
      return toGenerateResult(await currentStepModel().ask(toModelRequest(options)));
    },
    async doStream() {
      // Stagehand streams only for agents created with `stream: true`, which skipper never does.
      throw new StepError('internal', 'The runner does not stream model answers');
    },
  };
}

/** Stagehand's AI SDK client, plus the `getLanguageModel()` its agent needs and the exported class lacks. */
export class BridgedLlmClient extends AISdkClient {
  readonly languageModel: StagehandLanguageModel;

  constructor(model: StagehandLanguageModel) {
    super({ model });
    this.languageModel = model;
  }

  override getLanguageModel(): StagehandLanguageModel {
    return this.languageModel;
  }
}
