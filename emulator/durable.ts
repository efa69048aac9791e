/** fsync helpers shared by the services' on-disk stores: a write the SDK saw succeed survives `kill -9`. */
import fs from 'fs'

/** Flushes a directory entry (after a create or rename); a platform that cannot fsync a directory still renames atomically. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined
  try {
    fh = await fs.promises.open(dir, 'r')
    await fh.sync()
  } catch {
    // not supported everywhere
  } finally {
    await fh?.close()
  }
}

/** Synchronous fsync of a file or directory by path. */
export function fsyncPathSync(p: string): void {
  const fd = fs.openSync(p, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}
