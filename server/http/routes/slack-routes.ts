import express, { Router, type RequestHandler } from 'express';
import type { SlackLinkCodeResponse } from '../../../protocol/index.ts';
import { SkipperError } from '../../errors/skipper-error.ts';
import type { SlackCommandHandler } from '../../slack/slack-commands.ts';
import type { SlackLinkCodes } from '../../slack/slack-link-codes.ts';
import { bodySizeLimit } from '../body-size-limit.ts';
import { ownerOf } from '../owner.ts';

/** Slack's slash-command bodies are a few hundred bytes; this leaves room for a long task. */
const MAX_COMMAND_BYTES = 64 * 1024;

/** Without SLACK_SIGNING_SECRET there is no Slack endpoint at all. */
function slackConfigured(configured: boolean): RequestHandler {
  return (request, _response, next) => {
    if (!configured) throw new SkipperError('not-found', `There is no endpoint ${request.method} ${request.baseUrl}${request.path}: Slack is not set up on this skipper.`);
    next();
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /api/slack/commands`: Slack's slash commands. Mounted before the JSON parser: the body
 * is read raw, because the signature covers the exact bytes Slack sent.
 */
export function slackCommandRoutes({ commands }: { commands: SlackCommandHandler | undefined }): Router {
  const router = Router();
  router.post(
    '/commands',
    slackConfigured(commands !== undefined),
    bodySizeLimit(MAX_COMMAND_BYTES),
    // Any content type is read as bytes, so that the signature is checked before anything else.
    express.raw({ type: () => true, limit: MAX_COMMAND_BYTES, inflate: false }),
    async (request, response) => {
      const ack = await commands!.handle({
        rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        timestamp: header(request.headers['x-slack-request-timestamp']),
        signature: header(request.headers['x-slack-signature']),
        contentType: request.headers['content-type'],
      });
      response.json(ack);
    },
  );
  return router;
}

/** `POST /api/slack/link-codes`: a one-time code the signed-in user sends from Slack (`/link CODE`) to link that Slack account. */
export function slackLinkRoutes({ linkCodes }: { linkCodes: SlackLinkCodes | undefined }): Router {
  const router = Router();
  router.post('/link-codes', slackConfigured(linkCodes !== undefined), async (_request, response) => {
    const created = await linkCodes!.create(ownerOf(response));
    response.status(201).set('Cache-Control', 'no-store').json(created satisfies SlackLinkCodeResponse);
  });
  return router;
}
