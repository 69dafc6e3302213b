import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AttachmentView } from '../../../protocol/index.ts';
import type { AttachmentRepository } from '../store.ts';

type AttachmentRow = { id: string; name: string; mime_type: string; size: number; created_at: Date };

/** The columns of an attachment's view: its size without reading its content. */
const VIEW_COLUMNS = 'id, name, mime_type, octet_length(bytes) AS size, created_at';

function toAttachmentView(row: AttachmentRow): AttachmentView {
  return { id: row.id, name: row.name, mimeType: row.mime_type, bytes: row.size, createdAt: row.created_at.toISOString() };
}

export function createPostgresAttachments(pool: pg.Pool): AttachmentRepository {
  return {
    async create(ownerId, conversationId, { name, mimeType, bytes }) {
      const { rows } = await pool.query<AttachmentRow>(
        `INSERT INTO attachments (id, owner_id, conversation_id, name, mime_type, bytes)
         SELECT $1, $2, id, $4, $5, $6 FROM conversations WHERE id = $3 AND owner_id = $2
         RETURNING ${VIEW_COLUMNS}`,
        [randomUUID(), ownerId, conversationId, name, mimeType, bytes],
      );
      return rows[0] ? toAttachmentView(rows[0]) : null;
    },

    async list(ownerId, conversationId) {
      const { rowCount } = await pool.query('SELECT 1 FROM conversations WHERE id = $1 AND owner_id = $2', [conversationId, ownerId]);
      if (rowCount === 0) return null;
      const { rows } = await pool.query<AttachmentRow>(
        `SELECT ${VIEW_COLUMNS} FROM attachments WHERE conversation_id = $1 AND owner_id = $2 ORDER BY created_at, id`,
        [conversationId, ownerId],
      );
      return rows.map(toAttachmentView);
    },

    async get(ownerId, attachmentId) {
      const { rows } = await pool.query<AttachmentRow & { conversation_id: string; bytes: Buffer }>(
        `SELECT ${VIEW_COLUMNS}, conversation_id, bytes FROM attachments WHERE id = $1 AND owner_id = $2`,
        [attachmentId, ownerId],
      );
      const row = rows[0];
      return row ? { attachment: toAttachmentView(row), conversationId: row.conversation_id, content: row.bytes } : null;
    },

    async delete(ownerId, attachmentId) {
      const { rowCount } = await pool.query('DELETE FROM attachments WHERE id = $1 AND owner_id = $2', [attachmentId, ownerId]);
      return rowCount === 1;
    },
  };
}
