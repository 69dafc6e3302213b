import { tool } from 'ai';
import { z } from 'zod';
import { describeStep, type ChatMessage } from '../../protocol/index.ts';
import type { PlanService } from '../chat/plan-service.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import { assertAttachedFiles } from '../files/plan-attachments.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import type { UsageMeter } from '../models/usage-meter.ts';
import type { ModelPlanner } from '../planner/model-planner.ts';
import { describeBrowserOptions, describePlanningResources, type PlanningResources } from '../planner/planning-resources.ts';
import type { ScheduleService } from '../schedules/schedule-service.ts';
import type { Store } from '../store/store.ts';
import { renderRun, toModelMessages } from './model-history.ts';
import { redact, secretValueOf, secretValuesIn } from './secret-values.ts';

/** The reply a tool is called from. */
export type ToolContext = {
  ownerId: string;
  conversationId: string;
  /** The assistant message being written. */
  messageId: string;
  /** Whether plans run without the person pressing Run. */
  autoRun: boolean;
  /** The conversation before this reply, for the planner. */
  history: readonly ChatMessage[];
  /** The files attached to the conversation and the owner's saved sessions, which plans may use. */
  resources?: PlanningResources;
  signal: AbortSignal;
};

export type ToolDependencies = {
  store: Store;
  hub: ConversationHub;
  plans: PlanService;
  planner: ModelPlanner;
  meter: UsageMeter;
  historyTokens: number;
  /** Saved tasks on schedules; read when a tool runs, since the schedule service is made after the assistant. */
  schedules?: () => ScheduleService | undefined;
};

/** Runs listed by `list_runs` at most. */
const MAX_LISTED_RUNS = 20;

/**
 * The assistant's tools. Plans are written by the planner (its own prompt and model) and
 * attached to the reply being written; a plan runs only when the conversation runs plans
 * without asking, or when the person has seen it and asked for it in a later message.
 */
export function createAssistantTools(context: ToolContext, dependencies: ToolDependencies) {
  const { store, hub, plans, planner, meter } = dependencies;
  const { ownerId, conversationId, messageId } = context;
  const secrets = secretValuesIn(context.history);

  return {
    propose_plan: tool({
      description:
        'Write a plan for a task in the browser and show it to the person, who can run, edit or discard it. ' +
        'Describe the task completely: the site (full URL), what to do, every value to type, what to read back, ' +
        'which attached files to upload (by name), and which saved browser session to start from or to save the login as (by name).',
      inputSchema: z.object({
        task: z.string().min(1).max(4_000).describe('The whole task, with every detail the conversation gives.'),
      }),
      async execute({ task }) {
        await meter.assertWithinBudget({ ownerId });
        const messages = [
          ...toModelMessages(context.history, { tokenBudget: dependencies.historyTokens }),
          { role: 'user' as const, content: `Plan this task: ${task}` },
        ];
        const result = await planner.plan({
          messages,
          signal: context.signal,
          ...(context.resources && { context: describePlanningResources(context.resources) }),
        });
        // Counted once: on the plan when there is one, else on the reply that asked.
        const record = (planId?: string) =>
          meter.record({ ownerId, conversationId, ...(planId ? { planId } : { messageId }), purpose: 'plan', ...result.call });
        if (result.kind === 'reply') {
          await record();
          return { question: result.reply };
        }
        try {
          await assertAttachedFiles(store, ownerId, conversationId, result.steps);
        } catch (error) {
          await record();
          throw error;
        }
        const attached = await store.plans.attach(ownerId, messageId, {
          source: 'model',
          steps: result.steps,
          ...(result.browser && { browser: result.browser }),
          model: result.model,
          prompt: result.prompt,
          status: 'proposed',
        });
        if (!attached) throw new SkipperError('conflict', 'This reply already has a plan; one plan per reply.');
        await record(attached.plan.id);
        hub.publish(attached.change);
        const running = context.autoRun ? await plans.approve(ownerId, attached.plan.id) : undefined;
        const hidden = [...secrets, ...attached.plan.steps.flatMap((step) => secretValueOf(step) ?? [])];
        return {
          planId: attached.plan.id,
          status: running ? 'running' : 'waiting for the person to press Run',
          steps: attached.plan.steps.map((step, index) => redact(`${index + 1}. ${describeStep(step)}`, hidden)),
          ...(attached.plan.browser && { browser: describeBrowserOptions(attached.plan.browser) }),
          ...(running && { runId: running.run.id }),
        };
      },
    }),

    run_plan: tool({
      description: 'Run a plan the person has seen and asked you to run (or run again).',
      inputSchema: z.object({ planId: z.uuid() }),
      async execute({ planId }) {
        const plan = await store.plans.get(ownerId, planId);
        if (!plan || plan.conversationId !== conversationId) throw SkipperError.notFound('plan');
        // A plan proposed in this very reply has not been seen yet: the person decides.
        if (!context.autoRun && plan.messageId === messageId) {
          throw new SkipperError('conflict', 'The person has not seen this plan yet. Ask them to press Run on it, or to say they want it run.');
        }
        const { run } = await plans.run(ownerId, planId);
        return { runId: run.id, status: run.status };
      },
    }),

    schedule_task: tool({
      description:
        'Save a task to run on a schedule, when the person asks for that ("every weekday morning", "every Monday at 8am"). ' +
        'The task is planned once now; each run replays that plan and is posted in this conversation. ' +
        'Describe the task completely, as for propose_plan.',
      inputSchema: z.object({
        task: z.string().min(1).max(4_000).describe('The whole task, with every detail the conversation gives.'),
        when: z
          .string()
          .min(1)
          .max(200)
          .describe('When, in the person\'s words or as cron: "every weekday at 9:00", "every 15 minutes", "every Monday at 8am Europe/Berlin", "0 9 * * 1-5", "once at 2026-12-01 09:00".'),
        name: z.string().min(1).max(200).optional().describe('A short name for the schedule.'),
      }),
      async execute({ task, when, name }) {
        const schedules = dependencies.schedules?.();
        if (!schedules) return { error: 'Schedules are not available on this skipper.' };
        const schedule = await schedules.create(ownerId, { when, prompt: task, conversationId, ...(name && { name }) });
        return { scheduleId: schedule.id, name: schedule.name, when: schedule.when, status: schedule.status, nextRunAt: schedule.nextRunAt };
      },
    }),

    get_run: tool({
      description: 'How a run of this conversation went or is going: its status, failed steps and what its steps read. Without a runId, the latest run.',
      inputSchema: z.object({ runId: z.uuid().optional() }),
      async execute({ runId }) {
        const found = runId ? await store.runs.get(ownerId, runId) : (await store.runs.list(ownerId, conversationId, 1))[0];
        if (!found || found.run.conversationId !== conversationId) return { found: false };
        return { found: true, status: found.run.status, summary: redact(renderRun(found.run, found.plan), secrets) };
      },
    }),

    list_runs: tool({
      description: 'The runs of this conversation, newest first, each with its status and what it read.',
      inputSchema: z.object({ limit: z.number().int().min(1).max(MAX_LISTED_RUNS).optional() }),
      async execute({ limit }) {
        const runs = await store.runs.list(ownerId, conversationId, limit ?? 10);
        return {
          runs: runs.map(({ run, plan }) => ({
            runId: run.id,
            planId: plan.id,
            createdAt: run.createdAt,
            summary: redact(renderRun(run, plan), secrets),
          })),
        };
      },
    }),
  };
}

export type AssistantTools = ReturnType<typeof createAssistantTools>;
