import { z } from 'zod';
import { text } from './text.ts';

// How a run's browser is set up: the options of its browser context, and the saved browser
// session (cookies and local storage) it starts from or saves itself as.

/** A saved session's name: what people call it ("staging", "bank"). */
export const SessionNameSchema = text()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N} ._-]+$/u, 'letters, digits, spaces, dots, dashes and underscores');
export type SessionName = z.infer<typeof SessionNameSchema>;

/** Most days a saved session is kept. */
export const MAX_SESSION_TTL_DAYS = 365;

/** Options of the browser context a run executes in; each defaults to the runner's. */
export const BrowserOptionsSchema = z.strictObject({
  viewport: z.strictObject({ width: z.number().int().min(200).max(3_840), height: z.number().int().min(200).max(2_160) }).optional(),
  /** A BCP 47 locale: `en-GB`, `de-DE`. Sets `navigator.language` and Accept-Language. */
  locale: text().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a locale such as en-GB').max(35).optional(),
  /** An IANA time zone: `Europe/Berlin`. */
  timezoneId: text().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'a time zone such as Europe/Berlin').max(60).optional(),
  /** Where the page is told the browser is (geolocation permission is granted). */
  geolocation: z
    .strictObject({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      accuracy: z.number().min(0).max(100_000).optional(),
    })
    .optional(),
  userAgent: text().min(1).max(500).optional(),
  /**
   * Start from a saved browser session (`use`), and/or save the browser's state under a name
   * when the run succeeds (`saveAs`). Names belong to the plan's owner.
   */
  session: z
    .strictObject({ use: SessionNameSchema.optional(), saveAs: SessionNameSchema.optional() })
    .refine((session) => session.use !== undefined || session.saveAs !== undefined, 'name a session to use or to save as')
    .optional(),
});
export type BrowserOptions = z.infer<typeof BrowserOptionsSchema>;

/** Largest saved browser state, in characters of JSON. */
export const MAX_STORAGE_STATE_LENGTH = 2_000_000;

/**
 * A browser's state as Playwright's `storageState()` gives it: cookies, and local storage by
 * origin. It holds credentials: it travels only between server and runner, stored encrypted.
 */
export const StorageStateSchema = z
  .strictObject({
    cookies: z
      .array(
        z.looseObject({
          name: z.string().max(4_096),
          value: z.string().max(16_384),
          domain: z.string().max(500),
          path: z.string().max(2_000),
          expires: z.number(),
          httpOnly: z.boolean(),
          secure: z.boolean(),
          sameSite: z.enum(['Strict', 'Lax', 'None']),
        }),
      )
      .max(3_000),
    origins: z
      .array(
        z.strictObject({
          origin: z.string().max(2_000),
          localStorage: z.array(z.strictObject({ name: z.string().max(10_000), value: z.string().max(1_000_000) })).max(5_000),
        }),
      )
      .max(500),
  })
  .refine((state) => JSON.stringify(state).length <= MAX_STORAGE_STATE_LENGTH, 'the browser state is too large');
export type StorageState = z.infer<typeof StorageStateSchema>;

/** A saved session as people see it: never its cookies or storage. */
export const SessionViewSchema = z.strictObject({
  name: SessionNameSchema,
  /** The sites it holds a login for (the cookies' and storage's domains). */
  sites: z.array(z.string()).max(500),
  /** The run that saved it last. */
  runId: z.uuid().optional(),
  savedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type SessionView = z.infer<typeof SessionViewSchema>;

/** How a step answers a dialog (alert, confirm, prompt, beforeunload) the page opens during it. */
export const DialogAnswerSchema = z.union([
  z.enum(['accept', 'dismiss']),
  /** Accept a prompt with this text. */
  z.strictObject({ text: text().max(10_000) }),
]);
export type DialogAnswer = z.infer<typeof DialogAnswerSchema>;

export const DIALOG_TYPES = ['alert', 'confirm', 'prompt', 'beforeunload'] as const;

/** A dialog a step met, and what it answered. */
export const DialogRecordSchema = z.strictObject({
  type: z.enum(DIALOG_TYPES),
  message: text().max(2_000),
  answer: z.enum(['accepted', 'dismissed']),
  /** The text a prompt was accepted with. */
  text: text().max(10_000).optional(),
});
export type DialogRecord = z.infer<typeof DialogRecordSchema>;

/** A file the person attached to a conversation, for `upload` steps. */
export const AttachmentViewSchema = z.strictObject({
  id: z.uuid(),
  name: text().min(1).max(255),
  mimeType: text().max(255),
  bytes: z.number().int().min(0),
  createdAt: z.iso.datetime({ offset: true }),
});
export type AttachmentView = z.infer<typeof AttachmentViewSchema>;

/** A file a run downloaded, served at `/api/artifacts/{artifactId}`. */
export const DownloadViewSchema = z.strictObject({
  artifactId: z.uuid(),
  fileName: text().min(1).max(255),
  mimeType: text().max(255),
  bytes: z.number().int().min(0),
});
export type DownloadView = z.infer<typeof DownloadViewSchema>;
