import type { Agenda } from 'agenda';
import { createExpressMiddleware } from 'agendash';
import { Router } from 'express';
import type { z } from 'zod';
import {
  CreateScheduleBodySchema,
  UpdateScheduleBodySchema,
  type ScheduleDetailResponseSchema,
  type ScheduleListResponseSchema,
  type ScheduleResponseSchema,
} from '../../../protocol/index.ts';
import { SkipperError } from '../../errors/skipper-error.ts';
import type { ScheduleService } from '../../schedules/schedule-service.ts';
import { ownerOf } from '../owner.ts';
import { parseBody, parseId } from '../validate.ts';

type ScheduleResponse = z.infer<typeof ScheduleResponseSchema>;

/** `/api/schedules`: saved tasks that run on a schedule, their history, and what can be done with them. */
export function scheduleRoutes({ schedules }: { schedules: ScheduleService }): Router {
  const router = Router();
  const scheduleId = (value: unknown) => parseId(value, 'schedule');

  router.get('/', async (_request, response) => {
    response.json({ schedules: await schedules.list(ownerOf(response)) } satisfies z.infer<typeof ScheduleListResponseSchema>);
  });

  router.post('/', async (request, response) => {
    const schedule = await schedules.create(ownerOf(response), parseBody(CreateScheduleBodySchema, request.body));
    response.status(201).json({ schedule } satisfies ScheduleResponse);
  });

  router.get('/:scheduleId', async (request, response) => {
    const detail = await schedules.get(ownerOf(response), scheduleId(request.params.scheduleId));
    response.json(detail satisfies z.infer<typeof ScheduleDetailResponseSchema>);
  });

  router.patch('/:scheduleId', async (request, response) => {
    const body = parseBody(UpdateScheduleBodySchema, request.body);
    const schedule = await schedules.update(ownerOf(response), scheduleId(request.params.scheduleId), body);
    response.json({ schedule } satisfies ScheduleResponse);
  });

  router.delete('/:scheduleId', async (request, response) => {
    await schedules.delete(ownerOf(response), scheduleId(request.params.scheduleId));
    response.status(204).end();
  });

  router.post('/:scheduleId/pause', async (request, response) => {
    const schedule = await schedules.pause(ownerOf(response), scheduleId(request.params.scheduleId));
    response.json({ schedule } satisfies ScheduleResponse);
  });

  router.post('/:scheduleId/resume', async (request, response) => {
    const schedule = await schedules.resume(ownerOf(response), scheduleId(request.params.scheduleId));
    response.json({ schedule } satisfies ScheduleResponse);
  });

  // Runs it now, outside its times: 201 with the run's id and the conversation it is posted in.
  router.post('/:scheduleId/run', async (request, response) => {
    const started = await schedules.runNow(ownerOf(response), scheduleId(request.params.scheduleId));
    response.status(201).json(started);
  });

  return router;
}

/** Remote addresses of connections from this machine. */
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * `/admin/jobs`: Agendash, Agenda's dashboard, which can create, requeue and delete any job. There
 * are no accounts yet, so it is for the admin as far as skipper can tell one: the single local
 * user (`isAdmin`), on a connection from this machine (even when HOST opens the server to the
 * network), through a host name the host check allows (checked for every request before this).
 * Requests that change something must come from the dashboard's own page: a cross-site form or
 * script gets 403.
 */
export function jobsDashboardRoutes({ agenda, isAdmin }: { agenda: Agenda; isAdmin(ownerId: string): boolean }): Router {
  const router = Router();
  router.use((request, response, next) => {
    if (!isAdmin(ownerOf(response))) throw new SkipperError('unauthorized', 'The jobs dashboard is for administrators.');
    if (!LOOPBACK_ADDRESSES.has(request.socket.remoteAddress ?? '')) {
      throw new SkipperError('forbidden-origin', 'The jobs dashboard answers only on the machine skipper runs on (use an SSH tunnel to reach it).');
    }
    if (!['GET', 'HEAD'].includes(request.method)) {
      const origin = request.headers.origin;
      const sameOrigin = origin === undefined ? request.headers['sec-fetch-site'] !== 'cross-site' : origin === `${request.protocol}://${request.headers.host}`;
      if (!sameOrigin) throw new SkipperError('forbidden-origin', 'Changes to jobs are accepted only from the jobs dashboard itself.');
    }
    next();
  });
  router.use(createExpressMiddleware(agenda));
  return router;
}
