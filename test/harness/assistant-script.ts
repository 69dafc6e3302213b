import type { Step } from '../../protocol/index.ts';
import type { FakeAnswer, FakeOpenAiServer, FakeRequest } from './fake-openai-server.ts';

/**
 * Scripts the assistant's two models on the fake OpenAI server: answers for the chat model and
 * for the planner are queued apart, so a test says what each says, whatever order they are asked in.
 */
export function scriptAssistant(fake: FakeOpenAiServer) {
  const chat: FakeAnswer[] = [];
  const planner: FakeAnswer[] = [];
  fake.respond((request) => (isPlanner(request) ? planner : chat).shift());
  return {
    chat: (...answers: FakeAnswer[]) => chat.push(...answers),
    /** The planner answers with these steps (or, with none, with `reply` as a question). */
    plan: (steps: Step[], reply = 'Here is the plan.') => planner.push({ content: JSON.stringify({ reply, steps }) }),
    plannerAnswer: (...answers: FakeAnswer[]) => planner.push(...answers),
    /** The requests the chat model received, in order. */
    chatRequests: () => fake.received.filter((request) => !isPlanner(request)),
    plannerRequests: () => fake.received.filter(isPlanner),
  };
}

function isPlanner(request: FakeRequest): boolean {
  return request.body.model === 'fake-planner';
}

/** The names of the tools a request offered the model. */
export function toolsOffered(request: FakeRequest): string[] {
  return ((request.body.tools ?? []) as { function: { name: string } }[]).map((tool) => tool.function.name).sort();
}
