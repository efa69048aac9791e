/**
 * What `npm run import -- orders` keeps between runs: a checkpoint (`<file>.import-state.json`, replaced
 * atomically after each acknowledged batch) and the rejected orders so far (`<file>.import-state.errors.jsonl`,
 * appended before the checkpoint that counts them). A run that dies resumes where the checkpoint says;
 * both files go when a run completes. A dry run keeps its rejected orders in a temporary file only.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { StringDecoder } from 'string_decoder'

export interface Counts {
  imported: number
  pending: number
  unchanged: number
  rejected: number
}

export const doneOf = (c: Counts) => c.imported + c.pending + c.unchanged + c.rejected

/** One rejected order as reported: its file lines, and the function's code or the local one. */
export interface ImportErrorRecord {
  lines: number[]
  orderId: string | null
  code: string
  message: string
  field?: string
}

/** What must match for a checkpoint to be resumed: the same file (size, sha256), source, points setting and target. */
export interface RunIdentity {
  file: string
  source: string
  awardPoints: boolean
  target: string
  size: number
  sha256: string
}

export interface Checkpoint extends RunIdentity {
  version: 1
  /** groups of the file (runs of an order's rows) acknowledged: a resumed run skips them */
  groupsDone: number
  batchesDone: number
  counts: Counts
  /** bytes of the errors file that belong to the acknowledged batches */
  errorsBytes: number
  updatedAt: string
}

export function statePaths(file: string, stateDir?: string): { checkpoint: string; errors: string } {
  const base = stateDir ? path.join(stateDir, path.basename(file)) : file
  return { checkpoint: `${base}.import-state.json`, errors: `${base}.import-state.errors.jsonl` }
}

export function readCheckpoint(file: string): Checkpoint | null {
  try {
    const cp = JSON.parse(fs.readFileSync(file, 'utf8')) as Checkpoint
    return cp && cp.version === 1 && Number.isInteger(cp.groupsDone) && Number.isInteger(cp.errorsBytes) ? cp : null
  } catch {
    return null
  }
}

/** Written to a temporary file, flushed, then renamed over the old one: a crash leaves the old or the new, never half. */
export function writeCheckpoint(file: string, cp: Checkpoint): void {
  const tmp = `${file}.${process.pid}.tmp`
  const fd = fs.openSync(tmp, 'w')
  try {
    fs.writeSync(fd, JSON.stringify(cp, null, 1))
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
}

/** Why a checkpoint is not this run's, or null when it is. */
function mismatch(cp: Checkpoint, id: RunIdentity): string | null {
  if (cp.sha256 !== id.sha256 || cp.size !== id.size) return 'the file changed'
  if (cp.source !== id.source) return `source ${cp.source}`
  if (cp.awardPoints !== id.awardPoints) return `${cp.awardPoints ? 'with' : 'without'} --award-points`
  if (cp.target !== id.target) return `target ${cp.target}`
  return null
}

export class ImportState {
  readonly counts: Counts
  /** the checkpoint this run resumes from, if any */
  readonly resumed: Checkpoint | null
  groupsDone: number
  batchesDone: number
  private errorsBytes: number

  private constructor(
    private readonly id: RunIdentity,
    private readonly checkpoint: string | null,
    private readonly errorsFile: string,
    cp: Checkpoint | null,
  ) {
    // the errors file is cut back to what the checkpoint counted (a crash may have appended more)
    const size = fs.existsSync(errorsFile) ? fs.statSync(errorsFile).size : 0
    if (cp && cp.errorsBytes > 0 && size >= cp.errorsBytes) fs.truncateSync(errorsFile, cp.errorsBytes)
    else fs.writeFileSync(errorsFile, '')
    this.resumed = cp
    this.counts = cp ? { ...cp.counts } : { imported: 0, pending: 0, unchanged: 0, rejected: 0 }
    this.groupsDone = cp?.groupsDone ?? 0
    this.batchesDone = cp?.batchesDone ?? 0
    this.errorsBytes = cp && cp.errorsBytes > 0 && size >= cp.errorsBytes ? cp.errorsBytes : 0
  }

  /** This run's state: resumed from a matching checkpoint, else fresh (`log` says why another is ignored). */
  static open(id: RunIdentity, opts: { dryRun: boolean; stateDir?: string; log: (line: string) => void }): ImportState {
    if (opts.dryRun) return new ImportState(id, null, path.join(os.tmpdir(), `import-orders-dry-${process.pid}-${Date.now()}.jsonl`), null)
    if (opts.stateDir) fs.mkdirSync(opts.stateDir, { recursive: true })
    const paths = statePaths(id.file, opts.stateDir)
    let cp = readCheckpoint(paths.checkpoint)
    const why = cp && mismatch(cp, id)
    if (why) {
      opts.log(`a checkpoint of another run (${why}) is ignored: starting from the first order (orders already imported count as unchanged)`)
      cp = null
    }
    return new ImportState(id, paths.checkpoint, paths.errors, cp)
  }

  /** A batch acknowledged, in file order: its counts and rejected orders are added, then the checkpoint moves past it. */
  commit(batch: { n: number; groupsEnd: number }, add: Counts, errors: ImportErrorRecord[]): void {
    for (const k of ['imported', 'pending', 'unchanged', 'rejected'] as const) this.counts[k] += add[k]
    if (errors.length) {
      const text = errors.map(e => JSON.stringify(e)).join('\n') + '\n'
      fs.appendFileSync(this.errorsFile, text)
      this.errorsBytes += Buffer.byteLength(text)
    }
    this.groupsDone = batch.groupsEnd
    this.batchesDone = batch.n
    if (this.checkpoint) {
      writeCheckpoint(this.checkpoint, {
        version: 1,
        ...this.id,
        groupsDone: this.groupsDone,
        batchesDone: this.batchesDone,
        counts: this.counts,
        errorsBytes: this.errorsBytes,
        updatedAt: new Date().toISOString(),
      })
    }
  }

  /** Every rejected order so far (this run's and the runs it resumes), in file order. */
  *errors(): Generator<ImportErrorRecord> {
    const fd = fs.openSync(this.errorsFile, 'r')
    try {
      const buf = Buffer.alloc(1 << 16)
      const decoder = new StringDecoder('utf8')
      let rest = ''
      for (let pos = 0; pos < this.errorsBytes;) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, this.errorsBytes - pos), pos)
        if (n <= 0) break
        pos += n
        const parts = (rest + decoder.write(buf.subarray(0, n))).split('\n')
        rest = parts.pop()!
        for (const p of parts) if (p) yield JSON.parse(p) as ImportErrorRecord
      }
      rest += decoder.end()
      if (rest) yield JSON.parse(rest) as ImportErrorRecord
    } finally {
      fs.closeSync(fd)
    }
  }

  /** The run completed (or was a dry run): its files go. */
  remove(): void {
    fs.rmSync(this.errorsFile, { force: true })
    if (this.checkpoint) fs.rmSync(this.checkpoint, { force: true })
  }

  /** After a failure: a dry run's temporary file goes; a real run's state stays for the rerun. */
  close(dryRun: boolean): void {
    if (dryRun) this.remove()
  }
}
