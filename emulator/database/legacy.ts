/**
 * Data dirs of older versions kept the database as `snapshot.jsonl` (the whole state) plus
 * `journal.jsonl` (one EJSON line per committed change set). At open they are replayed as those
 * versions did (a torn last journal line — the only damage a crash could leave — is ignored),
 * written into the store in bulk, and renamed aside (`*.imported`), so no demo data is lost. A crash
 * during the import leaves the files in place and the next open imports them again (puts replace).
 */
import fs from 'fs'
import path from 'path'
import { EJSON } from 'bson'
import { fsyncPathSync } from '../durable'
import { idKey, type Doc } from './ejson'
import type { Change, Store } from './store'

const SNAPSHOT = 'snapshot.jsonl'
const JOURNAL = 'journal.jsonl'

type Collections = Map<string, Map<string, Doc>>

const parse = (text: string) => EJSON.parse(text, { relaxed: true }) as Doc

/** Imports an old snapshot + journal under `dir`, if any; answers how many docs it brought in. */
export function importLegacy(dir: string, store: Store, log: (msg: string) => void): number | undefined {
  const snapshot = path.join(dir, SNAPSHOT)
  const journal = path.join(dir, JOURNAL)
  if (!fs.existsSync(snapshot) && !fs.existsSync(journal)) return undefined
  const t = performance.now()
  const collections = readSnapshot(snapshot)
  for (const changes of readJournal(journal)) applyChanges(collections, changes)
  const bulk = store.bulk()
  let docs = 0
  for (const [name, coll] of collections) {
    bulk.create(name)
    for (const doc of coll.values()) {
      bulk.put(name, doc)
      docs++
    }
  }
  bulk.flush()
  for (const file of [snapshot, journal]) if (fs.existsSync(file)) fs.renameSync(file, `${file}.imported`)
  fsyncPathSync(dir)
  log(`imported ${docs} docs in ${collections.size} collections from ${SNAPSHOT}/${JOURNAL} in ${Math.round(performance.now() - t)} ms (old files renamed *.imported)`)
  return docs
}

function applyChanges(collections: Collections, changes: Change[]): void {
  for (const ch of changes) {
    let coll = collections.get(ch.c)
    if (!coll) collections.set(ch.c, (coll = new Map()))
    if (ch.op === 'put') coll.set(idKey(ch.doc._id), ch.doc)
    else if (ch.op === 'del') coll.delete(idKey(ch.id))
  }
}

function readSnapshot(file: string): Collections {
  const collections: Collections = new Map()
  if (!fs.existsSync(file)) return collections
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
  for (const text of lines.slice(1)) {
    const rec = parse(text)
    const name = String(rec.c)
    if (!collections.has(name)) collections.set(name, new Map())
    if (rec.d) collections.get(name)!.set(idKey((rec.d as Doc)._id), rec.d as Doc)
  }
  return collections
}

/** The journal's change sets after the snapshot's sequence number. */
function readJournal(file: string): Change[][] {
  if (!fs.existsSync(file)) return []
  const snapshotSeq = readSnapshotSeq(path.join(path.dirname(file), SNAPSHOT))
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  const out: Change[][] = []
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]) continue
    try {
      const e = parse(lines[i])
      if (Number(e.seq) > snapshotSeq) out.push(e.ch as Change[])
    } catch (err) {
      if (lines.slice(i + 1).every(l => !l)) {
        console.warn(`[database] ignoring torn last journal line in ${file} (a write interrupted by a crash; its caller never got a reply)`)
        break
      }
      throw new Error(`database journal ${file} is corrupt at line ${i + 1}: ${(err as Error).message}`)
    }
  }
  return out
}

function readSnapshotSeq(file: string): number {
  if (!fs.existsSync(file)) return 0
  const fd = fs.openSync(file, 'r')
  try {
    const buf = Buffer.alloc(256)
    const n = fs.readSync(fd, buf, 0, buf.length, 0)
    const first = buf.subarray(0, n).toString('utf8').split('\n')[0]
    return Number(parse(first).seq) || 0
  } catch {
    return 0
  } finally {
    fs.closeSync(fd)
  }
}
