// Entry point of the server process: config, database, HTTP + WebSocket server.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../protocol/index.ts';
import { loadServerConfig, type ServerConfig } from './config.ts';
import { createSkipperServer } from './create-skipper-server.ts';
import { createPostgresEvents } from './events/postgres-events.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded-postgres.ts';
import { createLogger, type Logger } from './logger.ts';
import { loadSessionKey } from './sessions/session-key.ts';
import { openPostgresStore } from './store/postgres/open-postgres-store.ts';

if (existsSync('.env')) process.loadEnvFile('.env');

let config: ServerConfig;
try {
  config = loadServerConfig(process.env);
} catch (error) {
  if (!ConfigError.isInstance(error)) throw error;
  console.error(error.message);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, name: 'server' });

try {
  await main(config, logger);
} catch (error) {
  logger.fatal({ err: error }, 'server failed to start');
  console.error(`skipper could not start: ${(error as Error).message}`);
  process.exit(1);
}

async function main(config: ServerConfig, logger: Logger) {
  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(config.dataDir, 'pg'),
      password: await readOrCreateSecret(join(config.dataDir, 'pg-password')),
      onLog: (line) => logger.debug({ postgres: line }),
    });
    databaseUrl = embedded.url;
  }
  let stopping = false;
  const store = await openPostgresStore({
    connectionString: databaseUrl,
    onIdleError: (error) => {
      if (!stopping) logger.error({ message: error.message, code: (error as { code?: string }).code }, 'database connection lost');
    },
  });
  const sessionKey = await loadSessionKey({ dataDir: config.dataDir, ...(config.sessionSecret && { secret: config.sessionSecret }) });
  // Where the key is, never what it is.
  logger.info({ source: sessionKey.source, ...(sessionKey.path && { path: sessionKey.path }) }, 'saved browser sessions are encrypted');
  const events = await createPostgresEvents({ connectionString: databaseUrl, logger });
  const server = await createSkipperServer({ config, store, events, logger, sessionKey: sessionKey.key, ...(config.llm && { llm: config.llm }) });
  let port: number;
  try {
    port = await server.listen(config.port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${config.port} is already in use. Stop what uses it or set PORT to another port.`, { cause: error });
    }
    throw error;
  }

  const url = config.publicUrl ?? `http://${isLoopbackOrAny(config.host) ? 'localhost' : config.host}:${port}`;
  console.log(`skipper is running at ${url}`);
  if (!['127.0.0.1', '::1', 'localhost'].includes(config.host)) {
    console.warn(`skipper has no sign-in yet: anyone who can reach port ${port} on ${config.host} can drive its browsers.`);
  }
  process.send?.({ type: 'ready', url, port });

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await server.close();
    await events.close();
    await store.close();
    await embedded?.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
}

function isLoopbackOrAny(host: string): boolean {
  return ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(host);
}

/** A random secret kept in a file readable only by this user, created on first use. */
async function readOrCreateSecret(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  await mkdir(resolve(path, '..'), { recursive: true });
  const secret = randomBytes(24).toString('hex');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
