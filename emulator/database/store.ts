/**
 * The documents and their secondary indexes, on disk in one lmdb environment (`<dataDir>/database/`).
 * Every committed change set (one write, or a transaction's commit) is ONE synchronous lmdb write
 * transaction, written before it returns, so a write the SDK saw succeed survives kill -9 and a change
 * set lands completely or not at all. Its data pages are fdatasync'ed before the reply; the meta page
 * (`noMetaSync`) only with the next commit: a power cut may undo the last commit (never tear one),
 * which cut a one-document write from 7.9 ms to 1.4 ms in a micro-benchmark here. Nothing is cached in the heap:
 * a query reads what it needs (see executor.ts).
 *
 * Databases: `docs` (collection + `_id` → BSON), `idx` (collection + index + key values + `_id` →
 * `_id`, see keys.ts), `colls` (created collections → document count) and `meta` (the catalog the
 * indexes were built for: at open, a new or changed index is built and a removed one dropped).
 */
import path from 'path'
import fs from 'fs'
import { BSON } from 'bson'
import { open, type Database, type RootDatabase } from 'lmdb'
import { type Doc } from './ejson'
import type { IndexCatalog, IndexDef } from './indexes'
import { collPrefix, docKey, encodeId, FF, indexPrefix, indexTuples, scalarAt } from './keys'
import { indexKeys, duplicateKey } from './unique'

export type Change = { op: 'create'; c: string } | { op: 'put'; c: string; doc: Doc } | { op: 'del'; c: string; id: unknown }

/** A doc's primary key part as a string (latin1 keeps byte order): transactions key their layers on it. */
export const pkString = (id: unknown) => encodeId(id).toString('latin1')

const MAP_SIZE = 2 ** 38 // address space, not disk: the file grows as data does
const BATCH = 5_000
/** index entries per write transaction when an index is built */
const INDEX_BATCH = 100_000
const EMPTY_SET: ReadonlySet<string> = new Set()

interface Touched {
  c: string
  pk: Buffer
  before: Doc | undefined
  after: Doc | null
}

const fieldsOf = (def: IndexDef) => def.keys.map(([f]) => f)
/** `v`: the key encoding (keys.ts); a new one rebuilds every index at the next open */
const signature = (def: IndexDef) => JSON.stringify({ keys: def.keys, unique: def.unique, v: 2 })

export class Store {
  private readonly counts = new Map<string, number>()
  private readonly indexes = new Map<string, IndexDef[]>()
  /** per index (`coll\0name`), the key fields some doc held a non-scalar in (array, sub-document…) */
  private readonly nonScalar = new Map<string, Set<string>>()
  private nonScalarDirty = false

  private constructor(
    private readonly env: RootDatabase,
    private readonly docs: Database<Buffer, Buffer>,
    private readonly idx: Database<Buffer, Buffer>,
    private readonly colls: Database<number, string>,
    private readonly meta: Database<unknown, string>,
  ) {
    for (const { key, value } of colls.getRange()) this.counts.set(key, value)
    const flags = (meta.get('nonScalar') ?? {}) as Record<string, string[]>
    for (const [k, fields] of Object.entries(flags)) this.nonScalar.set(k, new Set(fields))
  }

  /**
   * The key fields of an index that some doc held an array, a sub-document or another non-scalar in
   * (kept since): the index's order is then not mingo's sort order on them, so no early stop.
   */
  nonScalarFields(c: string, name: string): ReadonlySet<string> {
    return this.nonScalar.get(`${c}\0${name}`) ?? EMPTY_SET
  }

  private flagNonScalar(c: string, def: IndexDef, doc: Doc): void {
    for (const field of fieldsOf(def)) {
      if (scalarAt(doc, field)) continue
      const key = `${c}\0${def.name}`
      let set = this.nonScalar.get(key)
      if (!set) this.nonScalar.set(key, (set = new Set()))
      if (set.has(field)) continue
      set.add(field)
      this.nonScalarDirty = true
    }
  }

  private saveNonScalar(): void {
    if (!this.nonScalarDirty) return
    this.nonScalarDirty = false
    this.meta.putSync('nonScalar', Object.fromEntries([...this.nonScalar].map(([k, v]) => [k, [...v]])))
  }

  /** Opens (creating) the store under `dir` and brings its indexes in line with `catalog`. */
  static open(dir: string, catalog: IndexCatalog, log: (msg: string) => void = msg => console.log(`[database] ${msg}`)): Store {
    fs.mkdirSync(dir, { recursive: true })
    const env = open({ path: path.join(dir, 'data.mdb'), mapSize: MAP_SIZE, maxDbs: 8, overlappingSync: false, noMetaSync: true })
    const store = new Store(
      env,
      env.openDB<Buffer, Buffer>({ name: 'docs', keyEncoding: 'binary', encoding: 'binary' }),
      env.openDB<Buffer, Buffer>({ name: 'idx', keyEncoding: 'binary', encoding: 'binary' }),
      env.openDB<number, string>({ name: 'colls', encoding: 'msgpack' }),
      env.openDB<unknown, string>({ name: 'meta', encoding: 'json' }),
    )
    store.syncCatalog(catalog, log)
    return store
  }

  has(c: string): boolean {
    return this.counts.has(c)
  }

  collections(): string[] {
    return [...this.counts.keys()]
  }

  count(c: string): number {
    return this.counts.get(c) ?? 0
  }

  /** The secondary indexes built for `c` (not `_id`, which is the primary key). */
  indexesOf(c: string): readonly IndexDef[] {
    return this.indexes.get(c) ?? []
  }

  get(c: string, id: unknown): Doc | undefined {
    return this.getByPk(c, encodeId(id))
  }

  getByPk(c: string, pk: Buffer): Doc | undefined {
    const bytes = this.docs.getBinaryFast(docKey(c, pk))
    return bytes ? (BSON.deserialize(bytes) as Doc) : undefined
  }

  /** Docs with primary keys in [start, end) (absolute keys, see keys.ts), in key order or reversed. */
  *primaryRange(c: string, start: Buffer, end: Buffer, reverse = false): Iterable<{ pk: Buffer; doc: Doc }> {
    const skip = collPrefix(c).length
    const range = reverse ? this.docs.getRange({ start: end, end: start, reverse: true }) : this.docs.getRange({ start, end })
    for (const { key, value } of range) {
      if (reverse && key.equals(end)) continue // reverse ranges include their start
      yield { pk: key.subarray(skip), doc: BSON.deserialize(value) as Doc }
    }
  }

  /** How many entries of the primary keys or of an index lie in [start, end), counted up to `limit`. */
  countRange(primary: boolean, start: Buffer, end: Buffer, limit: number): number {
    let n = 0
    for (const _key of (primary ? this.docs : this.idx).getKeys({ start, end, limit })) n++
    return n
  }

  /** The `_id` keys of index entries in [start, end), in key order or reversed. */
  *indexRange(start: Buffer, end: Buffer, reverse = false): Iterable<Buffer> {
    const range = reverse ? this.idx.getRange({ start: end, end: start, reverse: true }) : this.idx.getRange({ start, end })
    for (const { key, value } of range) {
      if (reverse && key.equals(end)) continue
      yield value
    }
  }

  /**
   * Commits a change set in one durable write transaction. Unique indexes are checked first (against
   * the persisted index entries), so a duplicate rejects the whole set and nothing is written.
   */
  commit(changes: readonly Change[]): void {
    const touched = this.touched(changes)
    this.checkUnique(touched)
    this.write(changes, touched)
  }

  /**
   * One write transaction; the in-memory counts follow it only if it commits. The docs of the
   * collections in `unindexed` are written without their index entries (a bulk load builds them after).
   */
  private write(changes: readonly Change[], touched: Map<string, Touched>, unindexed: ReadonlySet<string> = EMPTY_SET): void {
    const counts = new Map(this.counts)
    try {
      this.env.transactionSync(() => {
        for (const ch of changes) if (ch.op === 'create') this.createColl(ch.c)
        for (const t of touched.values()) this.writeDoc(t, !unindexed.has(t.c))
        this.saveNonScalar()
      })
    } catch (err) {
      this.counts.clear()
      for (const [c, n] of counts) this.counts.set(c, n)
      throw err
    }
  }

  /**
   * Bulk loading for seeds and imports: large write transactions, no unique checks. A collection that
   * is empty when the load first writes to it gets its index entries at `flush()`, each index built in
   * key order (buildIndexes); the others keep theirs up to date doc by doc. Until then its indexes are
   * marked unbuilt in the stored catalog, so a load cut short is rebuilt at the next open.
   */
  bulk(): BulkLoader {
    let pending: Change[] = []
    const deferred = new Set<string>()
    const writePending = () => {
      if (!pending.length) return
      const batch = pending
      pending = []
      for (const ch of batch) {
        if (ch.op !== 'put' || deferred.has(ch.c) || this.count(ch.c) || !this.indexesOf(ch.c).length) continue
        deferred.add(ch.c)
        this.markIndexes(ch.c, false)
      }
      // in `_id` order: a batch's docs then share B-tree pages
      const touched = new Map([...this.touched(batch)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      this.write(batch, touched, deferred)
    }
    return {
      create: c => void pending.push({ op: 'create', c }),
      put: (c, doc) => {
        pending.push({ op: 'put', c, doc })
        if (pending.length >= BATCH) writePending()
      },
      flush: () => {
        writePending()
        for (const c of deferred) {
          this.buildIndexes(c, this.indexesOf(c))
          this.markIndexes(c, true)
        }
        deferred.clear()
      },
    }
  }

  /** Stores the indexes of `c` as built, or as unbuilt (syncCatalog then builds them at the next open). */
  private markIndexes(c: string, built: boolean): void {
    const stored = (this.meta.get('catalog') ?? {}) as Record<string, Record<string, string>>
    stored[c] = Object.fromEntries(this.indexesOf(c).map(def => [def.name, built ? signature(def) : 'unbuilt']))
    this.env.transactionSync(() => this.meta.putSync('catalog', stored))
  }

  async close(): Promise<void> {
    await this.env.close()
  }

  private touched(changes: readonly Change[]): Map<string, Touched> {
    const touched = new Map<string, Touched>()
    for (const ch of changes) {
      if (ch.op === 'create') continue
      const pk = encodeId(ch.op === 'put' ? ch.doc._id : ch.id)
      const key = `${ch.c}\0${pk.toString('latin1')}`
      const after = ch.op === 'put' ? ch.doc : null
      const t = touched.get(key)
      if (t) t.after = after
      else touched.set(key, { c: ch.c, pk, before: this.getByPk(ch.c, pk), after })
    }
    return touched
  }

  private createColl(c: string): void {
    if (this.counts.has(c)) return
    this.counts.set(c, 0)
    this.colls.putSync(c, 0)
  }

  /** Inside a write transaction: the doc, its index entries and its collection's count. */
  private writeDoc({ c, pk, before, after }: Touched, withIndexes = true): void {
    if (!this.counts.has(c)) this.createColl(c)
    for (const def of withIndexes ? this.indexesOf(c) : []) {
      if (after) this.flagNonScalar(c, def, after)
      const prefix = indexPrefix(c, def.name)
      const old = new Set(before ? indexTuples(fieldsOf(def), before).map(t => t.toString('latin1')) : [])
      const next = new Set(after ? indexTuples(fieldsOf(def), after).map(t => t.toString('latin1')) : [])
      for (const t of old) if (!next.has(t)) this.idx.removeSync(Buffer.concat([prefix, Buffer.from(t, 'latin1'), pk]))
      for (const t of next) if (!old.has(t)) this.idx.putSync(Buffer.concat([prefix, Buffer.from(t, 'latin1'), pk]), pk)
    }
    const key = docKey(c, pk)
    if (after) this.docs.putSync(key, BSON.serialize(after) as Buffer)
    else if (before) this.docs.removeSync(key)
    const delta = (after ? 1 : 0) - (before ? 1 : 0)
    if (delta) {
      const n = this.count(c) + delta
      this.counts.set(c, n)
      this.colls.putSync(c, n)
    }
  }

  /** The rule of unique.ts, with the other holders of a key found in the persisted index. */
  private checkUnique(touched: Map<string, Touched>): void {
    const claimed = new Map<string, string>()
    for (const { c, pk, after } of touched.values()) {
      if (!after) continue
      const pkStr = pk.toString('latin1')
      for (const def of this.indexesOf(c)) {
        if (!def.unique) continue
        const keys = indexKeys(def, after)
        for (const key of keys) {
          const slot = `${def.name}\0${c}\0${key}`
          const other = claimed.get(slot)
          if (other !== undefined && other !== pkStr) throw duplicateKey(c, def, after)
          claimed.set(slot, pkStr)
        }
        const prefix = indexPrefix(c, def.name)
        for (const tuple of indexTuples(fieldsOf(def), after)) {
          const start = Buffer.concat([prefix, tuple])
          for (const holder of this.indexRange(start, Buffer.concat([start, FF]))) {
            // a doc this change set also writes is judged by its new state (its own claim), not its old one
            if (holder.equals(pk) || touched.has(`${c}\0${holder.toString('latin1')}`)) continue
            const doc = this.getByPk(c, holder)
            if (doc && [...indexKeys(def, doc)].some(k => keys.has(k))) throw duplicateKey(c, def, after)
          }
        }
      }
    }
  }

  /** Builds new or changed indexes, drops removed ones, and remembers the catalog they match. */
  private syncCatalog(catalog: IndexCatalog, log: (msg: string) => void): void {
    const stored = (this.meta.get('catalog') ?? {}) as Record<string, Record<string, string>>
    const next: Record<string, Record<string, string>> = {}
    let empty = 0 // indexes of empty collections: one line for all of them
    for (const [c, defs] of catalog) {
      const own = defs.filter(d => !(d.keys.length === 1 && d.keys[0][0] === '_id'))
      this.indexes.set(c, [])
      next[c] = {}
      for (const def of own) {
        const sig = signature(def)
        if (stored[c]?.[def.name] !== sig) {
          const t = performance.now()
          if (stored[c]?.[def.name] !== undefined) this.dropIndex(c, def.name)
          const [{ entries, duplicates }] = this.buildIndexes(c, [def])
          if (entries) log(`built index ${c}.${def.name} (${entries} entries) in ${Math.round(performance.now() - t)} ms`)
          else empty++
          if (duplicates) console.warn(`[database] ${c}.${def.name} already holds ${duplicates} duplicate key(s): new duplicates are refused`)
        }
        this.indexes.get(c)!.push(def)
        next[c][def.name] = sig
      }
    }
    for (const [c, names] of Object.entries(stored)) {
      for (const name of Object.keys(names)) {
        if (next[c]?.[name] !== undefined) continue
        this.dropIndex(c, name)
        log(`dropped index ${c}.${name} (no longer in the index config)`)
      }
    }
    if (empty) log(`created ${empty} index(es) of empty collections`)
    if (JSON.stringify(stored) !== JSON.stringify(next)) this.env.transactionSync(() => this.meta.putSync('catalog', next))
  }

  /**
   * Writes the entries of indexes of `c` from its docs (read once), each index in key order: inserted
   * in docs order they land all over the B-tree, and every commit rewrote most of its pages (a million
   * members' eight indexes took over half an hour, and the pages freed at that rate twice aborted lmdb's
   * freelist). Holds the entries in memory meanwhile: about 80 bytes each.
   */
  private buildIndexes(c: string, defs: readonly IndexDef[]): Array<{ entries: number; duplicates: number }> {
    const skip = collPrefix(c).length
    const prefixes = defs.map(def => indexPrefix(c, def.name))
    // per index, each entry's key (latin1: string order is byte order) with the length of its _id part as a last char
    const sorted: string[][] = defs.map(() => [])
    for (const { key, value } of this.docs.getRange({ start: collPrefix(c), end: Buffer.concat([collPrefix(c), FF]) })) {
      const pk = key.subarray(skip)
      const doc = BSON.deserialize(value) as Doc
      defs.forEach((def, i) => {
        this.flagNonScalar(c, def, doc)
        for (const t of indexTuples(fieldsOf(def), doc)) sorted[i].push(Buffer.concat([prefixes[i], t, pk]).toString('latin1') + String.fromCharCode(pk.length))
      })
    }
    this.env.transactionSync(() => this.saveNonScalar())
    return defs.map((def, i) => {
      const entries = sorted[i].sort()
      sorted[i] = []
      for (let at = 0; at < entries.length; at += INDEX_BATCH) {
        this.env.transactionSync(() => {
          for (const entry of entries.slice(at, at + INDEX_BATCH)) {
            const key = Buffer.from(entry.slice(0, -1), 'latin1')
            this.idx.putSync(key, key.subarray(key.length - entry.charCodeAt(entry.length - 1)))
          }
        })
      }
      return { entries: entries.length, duplicates: def.unique ? this.duplicates(prefixes[i]) : 0 }
    })
  }

  /** Keys of a unique index held by more than one doc (an index built over docs that break it). */
  private duplicates(prefix: Buffer): number {
    let duplicates = 0
    let prev: Buffer | undefined
    for (const { key, value } of this.idx.getRange({ start: prefix, end: Buffer.concat([prefix, FF]) })) {
      const tuple = key.subarray(0, key.length - value.length)
      if (prev?.equals(tuple)) duplicates++
      prev = Buffer.from(tuple)
    }
    return duplicates
  }

  private dropIndex(c: string, name: string): void {
    if (this.nonScalar.delete(`${c}\0${name}`)) this.nonScalarDirty = true
    this.env.transactionSync(() => this.saveNonScalar())
    const prefix = indexPrefix(c, name)
    const end = Buffer.concat([prefix, FF])
    for (;;) {
      const keys = [...this.idx.getKeys({ start: prefix, end, limit: BATCH })]
      if (!keys.length) break
      this.env.transactionSync(() => {
        for (const k of keys) this.idx.removeSync(k)
      })
    }
  }
}

export interface BulkLoader {
  create(c: string): void
  /** a put of an existing `_id` replaces it (its index entries too) */
  put(c: string, doc: Doc): void
  /** writes what is pending; call once at the end */
  flush(): void
}
