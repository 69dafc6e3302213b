import pg from 'pg';
import type { Store } from '../store.ts';
import { migrate } from './migrate.ts';
import { createPostgresStore } from './postgres-store.ts';

export type OpenPostgresStoreOptions = {
  connectionString: string;
  /** Most connections the pool opens. Default 10. */
  maxConnections?: number;
  /** Called when an idle connection fails (e.g. the server restarted); the pool replaces it. */
  onIdleError?: (error: Error) => void;
};

/** Connects, brings the schema up to date, and returns the store. */
export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return createPostgresStore({ pool });
}
