import type { AttachmentView, BrowserOptions, SessionView } from '../../protocol/index.ts';
import type { Store } from '../store/store.ts';

/**
 * What a plan may use besides the page: the files attached to the conversation (upload steps
 * name them by id) and the owner's saved browser sessions (by name). Names and ids only: a
 * session's cookies and storage never reach a prompt.
 */
export type PlanningResources = { attachments: AttachmentView[]; sessions: SessionView[] };

/** Listed at most, newest kept. */
const MAX_LISTED = 50;

export async function loadPlanningResources(store: Store, ownerId: string, conversationId: string | undefined): Promise<PlanningResources> {
  const [attachments, sessions] = await Promise.all([
    conversationId ? store.attachments.list(ownerId, conversationId) : Promise.resolve([]),
    store.sessions.list(ownerId),
  ]);
  return { attachments: (attachments ?? []).slice(-MAX_LISTED), sessions: sessions.slice(0, MAX_LISTED) };
}

/** The resources as a model reads them, with what each is for. Names are quoted as JSON: they are the person's text, not instructions. */
export function describePlanningResources({ attachments, sessions }: PlanningResources): string {
  const lines: string[] = [];
  if (attachments.length === 0) {
    lines.push('Files attached to this conversation: none. An upload step needs a file the person has attached first.');
  } else {
    lines.push('Files attached to this conversation (an upload step lists the ids of the files it sets):');
    for (const file of attachments) lines.push(`- ${JSON.stringify(file.name)} (${file.mimeType}, ${formatBytes(file.bytes)}): id ${file.id}`);
  }
  if (sessions.length === 0) {
    lines.push('Saved browser sessions: none yet. A plan can save one with browser.session.saveAs.');
  } else {
    lines.push('Saved browser sessions (a plan starts signed in with browser.session.use and the name):');
    for (const session of sessions) {
      const sites = session.sites.length > 0 ? `signed in to ${session.sites.slice(0, 5).join(', ')}${session.sites.length > 5 ? ', …' : ''}` : 'no sites';
      lines.push(`- ${JSON.stringify(session.name)}: ${sites}; saved ${session.savedAt}, expires ${session.expiresAt}`);
    }
  }
  return lines.join('\n');
}

/** A plan's browser options in words, for the plans a model reads in the conversation. */
export function describeBrowserOptions(browser: BrowserOptions): string {
  const parts: string[] = [];
  if (browser.session?.use) parts.push(`starts from the saved session ${JSON.stringify(browser.session.use)}`);
  if (browser.session?.saveAs) parts.push(`saves the session as ${JSON.stringify(browser.session.saveAs)} if it succeeds`);
  if (browser.viewport) parts.push(`viewport ${browser.viewport.width}×${browser.viewport.height}`);
  if (browser.locale) parts.push(`locale ${browser.locale}`);
  if (browser.timezoneId) parts.push(`time zone ${browser.timezoneId}`);
  if (browser.geolocation) parts.push(`location ${browser.geolocation.latitude}, ${browser.geolocation.longitude}`);
  if (browser.userAgent) parts.push(`user agent ${JSON.stringify(browser.userAgent)}`);
  return parts.join('; ');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
