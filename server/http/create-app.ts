import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { ChatService } from '../chat/chat-service.ts';
import type { PlanService } from '../chat/plan-service.ts';
import { createDemoRouter } from '../demo/demo-router.ts';
import type { AttachmentService } from '../files/attachment-service.ts';
import type { Logger } from '../logger.ts';
import type { RunService } from '../runs/run-service.ts';
import type { ScheduleService } from '../schedules/schedule-service.ts';
import type { SessionService } from '../sessions/session-service.ts';
import type { SlackCommandHandler } from '../slack/slack-commands.ts';
import type { SlackLinkCodes } from '../slack/slack-link-codes.ts';
import type { Store } from '../store/store.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import { bodySizeLimit } from './body-size-limit.ts';
import { createErrorHandler, notFound } from './error-handler.ts';
import { actAs } from './owner.ts';
import { artifactRoutes } from './routes/artifact-routes.ts';
import { attachmentRoutes, conversationAttachmentRoutes } from './routes/attachment-routes.ts';
import { conversationRoutes } from './routes/conversation-routes.ts';
import { messageRoutes } from './routes/message-routes.ts';
import { planRoutes } from './routes/plan-routes.ts';
import { runRoutes } from './routes/run-routes.ts';
import { runnerRoutes } from './routes/runner-routes.ts';
import { jobsDashboardRoutes, scheduleRoutes } from './routes/schedule-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { slackCommandRoutes, slackLinkRoutes } from './routes/slack-routes.ts';

export type AppOptions = {
  /** Requests for other host names are refused (see host-check.ts). */
  hostAllowed(host: string | undefined): boolean;
  store: Store;
  chat: ChatService;
  plans: PlanService;
  runs: RunService;
  attachments: AttachmentService;
  sessions: SessionService;
  /** Whether an Authorization header carries the runner token, for the runners' own endpoints. */
  isRunner(authorization: string | undefined): boolean;
  /** Runners connected to this server, for /health. */
  runnerCount(): number;
  logger: Logger;
  /** The user every request acts for (single local user for now). */
  ownerId: string;
  /** The built chat UI (chat-ui/dist); without it `/` explains how to build it. */
  uiDir: string;
  schedules: ScheduleService;
  /** Agendash at /admin/jobs, for whoever `isAdmin` says is one. */
  jobsDashboard?: Parameters<typeof jobsDashboardRoutes>[0];
  /** Slack's slash commands and link codes; without them (no SLACK_SIGNING_SECRET) `/api/slack/*` answers 404. */
  slack?: { commands: SlackCommandHandler; linkCodes: SlackLinkCodes };
};

/** Largest JSON body accepted by the API. */
const JSON_LIMIT_BYTES = 256 * 1024;

export function createApp(options: AppOptions): express.Express {
  const { hostAllowed, store, chat, plans, runs, attachments, sessions, runnerCount, logger, ownerId, uiDir } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use((request, response, next) => {
    if (!hostAllowed(request.headers.host)) {
      const host = (request.headers.host ?? '').slice(0, 200).toWellFormed();
      throw new SkipperError('forbidden-origin', `skipper does not answer to the host name "${host}". Set PUBLIC_URL to allow it.`);
    }
    response.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
    next();
  });

  app.get('/health', async (_request, response) => {
    try {
      await store.ping();
      response.json({ status: 'ok', runners: runnerCount() });
    } catch {
      response.status(503).json({ status: 'unavailable', runners: runnerCount() });
    }
  });

  app.use('/demo', createDemoRouter());

  const api = express.Router();
  api.use(actAs(ownerId));
  // Files are sent raw and may be larger than a JSON body: their routes come before the JSON parser.
  api.use('/conversations', conversationAttachmentRoutes({ store, attachments }));
  // Slack signs the exact bytes it sends: its commands are read raw, before any parser.
  api.use('/slack', slackCommandRoutes({ commands: options.slack?.commands }));
  api.use(bodySizeLimit(JSON_LIMIT_BYTES));
  api.use(express.json({ limit: JSON_LIMIT_BYTES }));
  api.use('/conversations', conversationRoutes({ store, chat }));
  api.use('/attachments', attachmentRoutes({ attachments }));
  api.use('/sessions', sessionRoutes({ sessions }));
  api.use('/runner', runnerRoutes({ attachments, isRunner: options.isRunner }));
  api.use('/runs', runRoutes({ store, chat, runs }));
  api.use('/plans', planRoutes({ plans }));
  api.use('/messages', messageRoutes({ chat }));
  api.use('/artifacts', artifactRoutes({ store }));
  api.use('/schedules', scheduleRoutes({ schedules: options.schedules }));
  api.use('/slack', slackLinkRoutes({ linkCodes: options.slack?.linkCodes }));
  api.use(notFound);
  app.use('/api', api);

  if (options.jobsDashboard) {
    // The dashboard's page loads its assets by relative address: it must be shown at /admin/jobs/.
    app.get('/admin/jobs', (request, response, next) => (request.path === '/admin/jobs' ? response.redirect(301, '/admin/jobs/') : next()));
    app.use('/admin/jobs', actAs(ownerId), jobsDashboardRoutes(options.jobsDashboard));
  }

  app.use(express.static(uiDir, { index: false, maxAge: '1h' }));
  // Every other page is the single-page chat UI, which reads the conversation from the URL.
  app.get('/{*path}', (_request, response) => {
    const index = join(uiDir, 'index.html');
    if (existsSync(index)) {
      response.set('Cache-Control', 'no-cache').sendFile(index);
    } else {
      response.status(503).type('text/plain').send('The chat UI has not been built yet. Run: npm run build:ui');
    }
  });
  app.use(notFound);

  app.use(createErrorHandler(logger));
  return app;
}
