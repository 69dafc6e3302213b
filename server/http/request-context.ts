import type { Request } from 'express';
import type { RequestContext } from '../chat/chat-service.ts';

/** PUBLIC_URL when set (behind a proxy); otherwise the address the request came in on. */
export function requestContext(request: Request, publicUrl: string | undefined): RequestContext {
  return { baseUrl: (publicUrl ?? `${request.protocol}://${request.get('host')}`).replace(/\/$/, '') };
}
