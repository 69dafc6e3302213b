import { z } from 'zod';
import { ErrorInfoSchema } from './errors.ts';
import { RunStatusSchema } from './run.ts';
import { text } from './text.ts';

// Saved tasks that run on a schedule: the REST API's bodies and views (`/api/schedules`).

/** When a schedule fires, as skipper keeps it (read from what the person wrote by server/schedules/schedule-spec.ts). */
export const ScheduleSpecSchema = z.discriminatedUnion('kind', [
  /** Every `everyMs`, from when the schedule is created or resumed. */
  z.strictObject({ kind: z.literal('interval'), everyMs: z.number().int().min(1_000) }),
  /** A five-field cron expression read in `timezone`. */
  z.strictObject({ kind: z.literal('cron'), cron: z.string().min(9).max(200), timezone: z.string().min(1).max(60) }),
  /** Once, at `at`. */
  z.strictObject({ kind: z.literal('once'), at: z.iso.datetime({ offset: true }) }),
]);
export type ScheduleSpec = z.infer<typeof ScheduleSpecSchema>;

export const ScheduleStatusSchema = z.enum(['active', 'paused', 'done']);
export type ScheduleStatus = z.infer<typeof ScheduleStatusSchema>;

/** What started a run of a schedule. */
export const ScheduleTriggerSchema = z.enum(['schedule', 'missed', 'manual']);

/** One run of a schedule, newest first in its history. */
export const ScheduleRunSchema = z.strictObject({
  runId: z.uuid(),
  trigger: ScheduleTriggerSchema,
  /** When it was due (for `manual`, when it was asked for). */
  dueAt: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
  status: RunStatusSchema,
  endedAt: z.iso.datetime({ offset: true }).optional(),
  error: ErrorInfoSchema.optional(),
  /** The last screenshot the run took, for a thumbnail (`GET /api/artifacts/:id`). */
  screenshotArtifactId: z.uuid().optional(),
});
export type ScheduleRun = z.infer<typeof ScheduleRunSchema>;

export const ScheduleViewSchema = z.strictObject({
  id: z.uuid(),
  name: text().min(1).max(200),
  /** When it fires, as the person wrote it ("every weekday at 9:00"). */
  when: text().min(1).max(200),
  spec: ScheduleSpecSchema,
  status: ScheduleStatusSchema,
  /** The plan each fire runs (its compiled steps are replayed) and the conversation its runs are posted in. */
  planId: z.uuid(),
  conversationId: z.uuid(),
  /** The task as the person wrote it, when it was a prompt. */
  prompt: text().max(20_000).optional(),
  nextRunAt: z.iso.datetime({ offset: true }).nullable(),
  lastRun: ScheduleRunSchema.optional(),
  /** Where each run's outcome is POSTed as signed JSON; the secret it is signed with is never shown. */
  webhookUrl: z.url().optional(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type ScheduleView = z.infer<typeof ScheduleViewSchema>;

const WebhookUrlSchema = z.url({ protocol: /^https?$/ }).max(2_000);
const WebhookSecretSchema = text().min(16, 'a webhook secret is at least 16 characters').max(200);

/** `POST /api/schedules`: a task (a prompt, or a plan that exists) and when to run it. */
export const CreateScheduleBodySchema = z
  .strictObject({
    /** "every 15 minutes", "every weekday at 9:00 Europe/Berlin", "0 9 * * 1-5", "once at 2026-12-01 09:00". */
    when: text().trim().min(1).max(200),
    /** Time zone for times of day and cron when `when` names none; default: the server's (`TZ`) or UTC. */
    timezone: text().trim().min(1).max(60).optional(),
    prompt: text().trim().min(1).max(20_000).optional(),
    planId: z.uuid().optional(),
    /** The conversation its runs are posted in; default: a new one named after the schedule. */
    conversationId: z.uuid().optional(),
    name: text().trim().min(1).max(200).optional(),
    webhookUrl: WebhookUrlSchema.optional(),
    webhookSecret: WebhookSecretSchema.optional(),
  })
  .refine((body) => (body.prompt === undefined) !== (body.planId === undefined), 'send either a prompt or a planId')
  .refine((body) => (body.webhookUrl === undefined) === (body.webhookSecret === undefined), 'a webhookUrl needs a webhookSecret, and the other way round');
export type CreateScheduleBody = z.infer<typeof CreateScheduleBodySchema>;

/** `PATCH /api/schedules/:id`: rename it, change when it runs, or its webhook (null removes it). */
export const UpdateScheduleBodySchema = z
  .strictObject({
    when: text().trim().min(1).max(200).optional(),
    timezone: text().trim().min(1).max(60).optional(),
    name: text().trim().min(1).max(200).optional(),
    webhookUrl: WebhookUrlSchema.nullable().optional(),
    webhookSecret: WebhookSecretSchema.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'send at least one field to change');
export type UpdateScheduleBody = z.infer<typeof UpdateScheduleBodySchema>;

export const ScheduleResponseSchema = z.strictObject({ schedule: ScheduleViewSchema });
export const ScheduleListResponseSchema = z.strictObject({ schedules: z.array(ScheduleViewSchema) });
/** `GET /api/schedules/:id`: the schedule and its newest runs. */
export const ScheduleDetailResponseSchema = z.strictObject({ schedule: ScheduleViewSchema, runs: z.array(ScheduleRunSchema) });

/**
 * What a schedule's webhook receives after each run, POSTed as JSON with the header
 * `X-Skipper-Signature: sha256=<hex HMAC-SHA256 of "<X-Skipper-Timestamp>.<raw body>" with the secret>`.
 */
export const ScheduleWebhookPayloadSchema = z.strictObject({
  type: z.literal('schedule-run-ended'),
  scheduleId: z.uuid(),
  scheduleName: z.string(),
  run: ScheduleRunSchema,
  /** Text the run read (`extract` steps), in step order. */
  extracted: z.array(z.string()),
  runUrl: z.url(),
});
export type ScheduleWebhookPayload = z.infer<typeof ScheduleWebhookPayloadSchema>;
