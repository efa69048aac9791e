/**
 * Durable object store for the storage service: `<dataDir>/storage/objects/` holds, per object,
 * `<sha256(bucket/path)>.json` (the metadata, the commit point) and the bytes in a uniquely named
 * `<sha256>-<random>.bin`. Object keys never become file system paths, so no cloud path can escape
 * the directory and `a` and `a/b` can both exist, as on COS. Every write is tmp file → fsync →
 * rename → fsync(dir); writes to one key are serialized.
 */
import { createHash, randomBytes } from 'crypto'
import fs from 'fs'
import path from 'path'
import { fsyncDir } from '../durable'
import type { Readable } from 'stream'

export interface ObjectMeta {
  fileID: string
  bucket: string
  path: string
  /** file name of the bytes inside the objects directory */
  blob: string
  size: number
  contentType: string
  /** sha256 hex of the content */
  sha256: string
  uploadedAt: string
}

export class TooLargeError extends Error {}

export class ObjectStore {
  readonly dir: string
  private readonly locks = new Map<string, Promise<unknown>>()

  constructor(
    root: string,
    private readonly maxBytes: number,
  ) {
    this.dir = path.join(root, 'objects')
    fs.mkdirSync(this.dir, { recursive: true })
    this.cleanup()
  }

  /** Removes leftovers of interrupted writes: temp files and bytes no metadata points to. */
  private cleanup(): void {
    const names = fs.readdirSync(this.dir)
    const referenced = new Set<string>()
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      try {
        referenced.add((JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as ObjectMeta).blob)
      } catch {
        // unreadable metadata: leave it, get() treats it as missing
      }
    }
    for (const name of names) {
      if (name.startsWith('.tmp-') || (name.endsWith('.bin') && !referenced.has(name))) fs.rmSync(path.join(this.dir, name), { force: true })
    }
  }

  private id(bucket: string, key: string): string {
    return createHash('sha256').update(`${bucket}/${key}`).digest('hex')
  }

  private withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    const tail = run.catch(() => undefined)
    this.locks.set(id, tail)
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id)
    })
    return run
  }

  get(bucket: string, key: string): ObjectMeta | null {
    try {
      const meta = JSON.parse(fs.readFileSync(path.join(this.dir, `${this.id(bucket, key)}.json`), 'utf8')) as ObjectMeta
      return meta.bucket === bucket && meta.path === key ? meta : null
    } catch {
      return null
    }
  }

  blobPath(meta: ObjectMeta): string {
    return path.join(this.dir, path.basename(meta.blob))
  }

  /** Stores the bytes (a Buffer or a stream, at most maxBytes) and commits the metadata. */
  put(bucket: string, key: string, fileID: string, source: Buffer | Readable, contentType: string): Promise<ObjectMeta> {
    const id = this.id(bucket, key)
    return this.withLock(id, async () => {
      const blob = `${id}-${randomBytes(6).toString('hex')}.bin`
      const tmp = path.join(this.dir, `.tmp-${randomBytes(8).toString('hex')}`)
      const hash = createHash('sha256')
      let size = 0
      const fh = await fs.promises.open(tmp, 'w')
      try {
        const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(source) ? [source] : (source as AsyncIterable<Buffer>)
        for await (const chunk of chunks) {
          size += chunk.length
          if (size > this.maxBytes) throw new TooLargeError(`file larger than ${this.maxBytes} bytes`)
          hash.update(chunk)
          await fh.write(chunk)
        }
        await fh.sync()
      } catch (err) {
        await fh.close()
        await fs.promises.rm(tmp, { force: true })
        throw err
      }
      await fh.close()
      await fs.promises.rename(tmp, path.join(this.dir, blob))

      const previous = this.get(bucket, key)
      const meta: ObjectMeta = { fileID, bucket, path: key, blob, size, contentType, sha256: hash.digest('hex'), uploadedAt: new Date().toISOString() }
      await writeFileDurably(path.join(this.dir, `${id}.json`), JSON.stringify(meta, null, 1))
      await fsyncDir(this.dir)
      if (previous && previous.blob !== blob) await fs.promises.rm(this.blobPath(previous), { force: true })
      return meta
    })
  }

  /** Deletes the object; false when it did not exist. */
  delete(bucket: string, key: string): Promise<boolean> {
    const id = this.id(bucket, key)
    return this.withLock(id, async () => {
      const meta = this.get(bucket, key)
      if (!meta) return false
      await fs.promises.rm(path.join(this.dir, `${id}.json`), { force: true })
      await fsyncDir(this.dir)
      await fs.promises.rm(this.blobPath(meta), { force: true })
      return true
    })
  }

  /** Waits for pending writes. */
  async idle(): Promise<void> {
    await Promise.all([...this.locks.values()])
  }
}

async function writeFileDurably(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.tmp-${randomBytes(8).toString('hex')}`)
  const fh = await fs.promises.open(tmp, 'w')
  try {
    await fh.writeFile(text)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await fs.promises.rename(tmp, file)
}
