import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

/**
 * PGlite has no cross-process lock and two processes on one data directory corrupt it
 * (electric-sql/pglite #1106), so we take our own: a lock file created with O_EXCL holding our PID.
 * A lock left by a process that no longer exists is taken over. Locks this process holds are also
 * remembered in memory: a lock file with our own PID is ours only if we took it (otherwise it is a
 * stale file of an earlier process that had the same PID, e.g. PID 1 in a container), and opening one
 * directory twice in one process is refused like any other second opener.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  // The real path: one directory reached through two names (a symlink, ../) is still one directory.
  const lockPath = join(realpathSync(dir), 'metmec.lock');
  if (heldByThisProcess.has(lockPath)) {
    throw new DataDirLockedError(
      `The embedded database in ${dir} is already open in this process (pid ${process.pid}). ` +
        `Close it first, or point METMEC_DATA_DIR at another directory.`,
    );
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldByThisProcess.add(lockPath);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldByThisProcess.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processExists(holder)) {
        throw new DataDirLockedError(
          `The embedded database in ${dir} is in use by another metmec process (pid ${holder}). ` +
            `Stop that process, or point METMEC_DATA_DIR at another directory, or set DATABASE_URL to share a PostgreSQL server.`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock the embedded database directory ${dir}`);
}

/** Lock files (absolute paths) this process holds. */
const heldByThisProcess = new Set<string>();

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
