import { Router } from 'express';
import { EditPlanBodySchema, type CreatedRunResponse, type PlanResponse } from '../../../protocol/index.ts';
import type { PlanService } from '../../chat/plan-service.ts';
import { ownerOf } from '../owner.ts';
import { parseBody, parseId } from '../validate.ts';

export function planRoutes({ plans }: { plans: PlanService }): Router {
  const router = Router();
  const planId = (value: unknown) => parseId(value, 'plan');

  // Runs a proposed plan, in its card.
  router.post('/:planId/approve', async (request, response) => {
    const created = await plans.approve(ownerOf(response), planId(request.params.planId));
    response.status(201).json(created satisfies CreatedRunResponse);
  });

  // Runs a plan: a proposed one is approved; one that ran already runs again, as "Run again" on a run card does.
  router.post('/:planId/run', async (request, response) => {
    const created = await plans.run(ownerOf(response), planId(request.params.planId));
    response.status(201).json(created satisfies CreatedRunResponse);
  });

  router.patch('/:planId', async (request, response) => {
    const { steps, browser } = parseBody(EditPlanBodySchema, request.body);
    const plan = await plans.edit(ownerOf(response), planId(request.params.planId), steps, browser);
    response.json({ plan } satisfies PlanResponse);
  });

  router.post('/:planId/discard', async (request, response) => {
    const plan = await plans.discard(ownerOf(response), planId(request.params.planId));
    response.json({ plan } satisfies PlanResponse);
  });

  return router;
}
