/**
 * Durable storage: a snapshot file plus an append-only journal (one EJSON line per committed change
 * set, fdatasync'ed before the SDK gets its reply). A transaction commit is one line, so it is
 * all-or-nothing. On open: snapshot + journal are replayed (a torn last line — the only thing a
 * crash mid-write can leave — is ignored) and compacted into a fresh snapshot.
 */
import fs from 'fs'
import path from 'path'
import { fsyncPathSync } from '../durable'
import { EJSON } from 'bson'
import { idKey, type Doc } from './ejson'

export type Change = { op: 'create'; c: string } | { op: 'put'; c: string; doc: Doc } | { op: 'del'; c: string; id: unknown }

/** collection name → (idKey → doc), in natural (insertion) order */
export type Collections = Map<string, Map<string, Doc>>

export interface StoredState {
  seq: number
  collections: Collections
}

/** The one place change sets are applied, for replay and for live commits alike. */
export function applyChanges(collections: Collections, changes: Change[]): void {
  for (const ch of changes) {
    let coll = collections.get(ch.c)
    if (!coll) collections.set(ch.c, (coll = new Map()))
    if (ch.op === 'put') coll.set(idKey(ch.doc._id), ch.doc)
    else if (ch.op === 'del') coll.delete(idKey(ch.id))
  }
}

const SNAPSHOT = 'snapshot.jsonl'
const JOURNAL = 'journal.jsonl'

const line = (v: unknown) => EJSON.stringify(v as Doc, { relaxed: false }) + '\n'
const parse = (text: string) => EJSON.parse(text, { relaxed: true }) as Doc

export class Journal {
  private fd: number

  private constructor(private readonly dir: string) {
    this.fd = fs.openSync(path.join(dir, JOURNAL), 'a')
  }

  /** Loads everything durable under `dir`, compacts it, and opens the journal for appending. */
  static open(dir: string): { journal: Journal; state: StoredState } {
    fs.mkdirSync(dir, { recursive: true })
    const state = readSnapshot(path.join(dir, SNAPSHOT))
    for (const entry of readJournal(path.join(dir, JOURNAL))) {
      if (entry.seq <= state.seq) continue // already in the snapshot (crash between rename and truncate)
      applyChanges(state.collections, entry.ch)
      state.seq = entry.seq
    }
    writeSnapshot(dir, state)
    const journalPath = path.join(dir, JOURNAL)
    fs.writeFileSync(journalPath, '')
    fsyncPathSync(journalPath)
    return { journal: new Journal(dir), state }
  }

  /** Durably records one committed change set; throws (and nothing is applied) if the disk fails. */
  append(seq: number, changes: Change[]): void {
    const buf = Buffer.from(line({ seq, ch: changes }))
    let off = 0
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off)
    fs.fdatasyncSync(this.fd)
  }

  /** Writes `state` as the new snapshot and empties the journal. */
  compact(state: StoredState): void {
    writeSnapshot(this.dir, state)
    fs.ftruncateSync(this.fd, 0)
    fs.fsyncSync(this.fd)
  }

  close(): void {
    fs.closeSync(this.fd)
  }
}

function readSnapshot(file: string): StoredState {
  const state: StoredState = { seq: 0, collections: new Map() }
  if (!fs.existsSync(file)) return state
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
  // written to a temp file and renamed, so a snapshot is always whole: any damage is a real error
  const head = parse(lines[0] ?? '{}')
  state.seq = Number(head.seq) || 0
  for (const text of lines.slice(1)) {
    const rec = parse(text)
    const name = String(rec.c)
    if (!state.collections.has(name)) state.collections.set(name, new Map())
    if (rec.d) state.collections.get(name)!.set(idKey((rec.d as Doc)._id), rec.d as Doc)
  }
  return state
}

function readJournal(file: string): { seq: number; ch: Change[] }[] {
  if (!fs.existsSync(file)) return []
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  const entries: { seq: number; ch: Change[] }[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]) continue
    try {
      const e = parse(lines[i])
      entries.push({ seq: Number(e.seq), ch: e.ch as Change[] })
    } catch (err) {
      const isLast = lines.slice(i + 1).every(l => !l)
      if (isLast) {
        console.warn(`[database] ignoring torn last journal line in ${file} (a write interrupted by a crash; its caller never got a reply)`)
        break
      }
      throw new Error(`database journal ${file} is corrupt at line ${i + 1}: ${(err as Error).message}`)
    }
  }
  return entries
}

function writeSnapshot(dir: string, state: StoredState): void {
  const tmp = path.join(dir, `${SNAPSHOT}.tmp`)
  const fd = fs.openSync(tmp, 'w')
  try {
    const write = (text: string) => {
      const buf = Buffer.from(text)
      let off = 0
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off)
    }
    write(line({ v: 1, seq: state.seq }))
    for (const [name, docs] of state.collections) {
      write(line({ c: name }))
      for (const d of docs.values()) write(line({ c: name, d }))
    }
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, path.join(dir, SNAPSHOT))
  fsyncPathSync(dir)
}
