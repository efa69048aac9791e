/**
 * CloudBase document operations over a View (the live data, or a transaction's snapshot). Writes
 * don't touch the view: they return the change set for the engine to commit (or a transaction to
 * buffer) together with the reply fields the SDK reads.
 */
import { randomBytes } from 'crypto'
import { TcbError } from '../service'
import { idKey, isPlainObject, type Doc } from './ejson'
import { countFromIndex, select, type Source } from './executor'
import type { SortSpec } from './plan'
import type { Change } from './store'
import { aggregate, applyUpdate, find, isOperatorUpdate, matcher, replaceDoc, upsertSeed, type FindOptions } from './query'

/** The live store, or a transaction's snapshot of it (see engine.ts). */
export interface View extends Source {
  has(coll: string): boolean
  get(coll: string, id: unknown): Doc | undefined
}

export interface Written<R> {
  changes: Change[]
  result: R
}

let lastIdMs = 0
let idSeq = 0

/**
 * CloudBase `_id`s are 32 hex chars. Time-ordered (milliseconds, a counter, then random bytes), so
 * the store's `_id` order is insertion order and an unsorted get answers docs in the order they were
 * added, as MongoDB's natural order does (code and tests written against CloudBase lean on it).
 */
export function newId(): string {
  const ms = Date.now()
  idSeq = ms === lastIdMs ? idSeq + 1 : 0
  lastIdMs = ms
  return ms.toString(16).padStart(12, '0') + (idSeq & 0xffff).toString(16).padStart(4, '0') + randomBytes(8).toString('hex')
}

export function collectionMissing(coll: string): TcbError {
  return new TcbError('DATABASE_COLLECTION_NOT_EXIST', `[ResourceNotFound] Db or Table not exist: ${coll}. Please check your request, but if the problem cannot be solved, contact us.`)
}

/**
 * Real CloudBase rejects every operation on a collection that was never created (console or
 * db.createCollection). `autoCreate` (an emulator option) makes writes create it instead.
 */
function requireCollection(view: View, coll: string, changes: Change[], autoCreate = false): void {
  if (view.has(coll)) return
  if (!autoCreate) throw collectionMissing(coll)
  changes.push({ op: 'create', c: coll })
}

/**
 * The docs matching `criteria`, in natural (`_id`) order, read through the indexes (executor.ts);
 * with `need`, at least the first `need` in `sort` order. A plain `_id` equality is a direct lookup.
 */
function candidates(view: View, coll: string, criteria: Doc | undefined, sort: SortSpec = [], need?: number): Doc[] {
  const id = criteria?._id
  if (typeof id === 'string' || typeof id === 'number') {
    const doc = view.get(coll, id)
    return doc ? [doc] : []
  }
  return select(view, coll, criteria, sort, need)
}

const sortSpec = (order: Doc | undefined): SortSpec => Object.entries(order ?? {}).map(([f, d]) => [f, Number(d) < 0 ? -1 : 1] as const)

export function getDocs(view: View, coll: string, criteria: Doc | undefined, opts: FindOptions): Doc[] {
  requireCollection(view, coll, [])
  const need = opts.limit === undefined ? undefined : (opts.offset ?? 0) + opts.limit
  return find(candidates(view, coll, criteria, sortSpec(opts.order), need), criteria, opts)
}

export function countDocs(view: View, coll: string, criteria: Doc | undefined): number {
  requireCollection(view, coll, [])
  const overlay = view.overlay(coll)
  if (!overlay?.size) {
    if (!criteria || !Object.keys(criteria).length) return view.store.count(coll)
    // counted from the index entries when they answer the filter exactly: a count over millions of
    // documents must not read them all into memory
    const counted = countFromIndex(view.store, coll, criteria)
    if (counted !== undefined) return counted
  }
  return candidates(view, coll, criteria).filter(matcher(criteria)).length
}

/** A leading `$match`, the `$sort` after it and the `$skip`/`$limit` after that read through the indexes. */
export function aggregateDocs(view: View, coll: string, pipeline: Doc[]): Doc[] {
  requireCollection(view, coll, [])
  let i = 0
  const filter = pipeline[0] && isPlainObject(pipeline[0].$match) ? (pipeline[i++].$match as Doc) : undefined
  const order = pipeline[i] && isPlainObject(pipeline[i].$sort) ? (pipeline[i++].$sort as Doc) : undefined
  let need: number | undefined
  if (order) {
    let skip = 0
    for (; i < pipeline.length; i++) {
      const stage = pipeline[i]
      if (typeof stage.$skip === 'number') skip += stage.$skip
      else {
        if (typeof stage.$limit === 'number') need = skip + stage.$limit
        break
      }
    }
  }
  const docs = filter || need !== undefined ? candidates(view, coll, filter, sortSpec(order), need) : select(view, coll, undefined, [])
  return aggregate(docs, pipeline, name => (view.has(name) ? select(view, name, undefined, []) : []))
}

/** All-or-nothing: one duplicate `_id` rejects the whole batch. */
export function insertDocs(view: View, coll: string, docs: Doc[], autoCreate: boolean): Written<unknown[]> {
  const changes: Change[] = []
  requireCollection(view, coll, changes, autoCreate)
  const seen = new Set<string>()
  const ids: unknown[] = []
  for (const input of docs) {
    const { _id, ...rest } = input
    const doc: Doc = { _id: _id ?? newId(), ...rest }
    const key = idKey(doc._id)
    if (seen.has(key) || (view.has(coll) && view.get(coll, doc._id))) {
      throw new TcbError('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${JSON.stringify(doc._id)} }`)
    }
    seen.add(key)
    ids.push(doc._id)
    changes.push({ op: 'put', c: coll, doc })
  }
  return { changes, result: ids }
}

export interface ModifyParams {
  criteria: Doc | undefined
  data: Doc
  multi: boolean
  /** true: `$`-operators (update); false: replace the whole document (set) */
  merge: boolean
  upsert: boolean
}

export interface ModifyResult {
  matched: number
  updated: number
  upsertId?: unknown
  /** the last written version of the (last) matched or upserted doc */
  doc?: Doc
}

export function modifyDocs(view: View, coll: string, p: ModifyParams, autoCreate: boolean): Written<ModifyResult> {
  const changes: Change[] = []
  requireCollection(view, coll, changes, autoCreate && p.upsert)
  if (!p.merge && isOperatorUpdate(p.data)) throw new TcbError('INVALID_PARAM', 'a replacement document cannot contain update operators')
  let targets = view.has(coll) ? candidates(view, coll, p.criteria, [], p.multi ? undefined : 1).filter(matcher(p.criteria)) : []
  if (!p.multi) targets = targets.slice(0, 1)
  const result: ModifyResult = { matched: targets.length, updated: 0 }
  for (const doc of targets) {
    const next = p.merge ? applyUpdate(doc, p.data, p.criteria) : replaceDoc(doc, p.data)
    result.doc = next ?? doc
    if (!next) continue
    changes.push({ op: 'put', c: coll, doc: next })
    result.updated++
  }
  if (!targets.length && p.upsert) {
    const seed = upsertSeed(p.criteria)
    if (seed._id === undefined) seed._id = newId()
    const doc = p.merge ? (applyUpdate(seed, p.data) ?? seed) : (replaceDoc(seed, p.data) ?? seed)
    changes.push({ op: 'put', c: coll, doc })
    result.upsertId = doc._id
    result.doc = doc
  }
  return { changes, result }
}

export function removeDocs(view: View, coll: string, criteria: Doc | undefined, multi: boolean): Written<number> {
  requireCollection(view, coll, [])
  let targets = candidates(view, coll, criteria, [], multi ? undefined : 1).filter(matcher(criteria))
  if (!multi) targets = targets.slice(0, 1)
  return { changes: targets.map(d => ({ op: 'del' as const, c: coll, id: d._id })), result: targets.length }
}

/** `db.createCollection`: fails if it already exists ("如果集合已经存在会创建失败"). */
export function createCollection(view: View, coll: string): Written<null> {
  if (!coll) throw new TcbError('INVALID_PARAM', 'collectionName is required')
  if (view.has(coll)) throw new TcbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${coll} already exists`)
  return { changes: [{ op: 'create', c: coll }], result: null }
}
