import { createContext } from 'react';
import type { AttachmentView } from '../../protocol/index.ts';

/** The open conversation's attached files, for the plan editor's upload steps; empty until they are listed. */
export const AttachmentsContext = createContext<readonly AttachmentView[]>([]);
