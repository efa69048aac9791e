/**
 * CloudBase document operations over a View (the live data, or a transaction's snapshot). Writes
 * don't touch the view: they return the change set for the engine to commit (or a transaction to
 * buffer) together with the reply fields the SDK reads.
 */
import { randomBytes } from 'crypto'
import { TcbError } from '../service'
import { idKey, type Doc } from './ejson'
import type { Change } from './journal'
import { aggregate, applyUpdate, find, isOperatorUpdate, matcher, replaceDoc, upsertSeed, type FindOptions } from './query'

export interface View {
  has(coll: string): boolean
  /** All docs of a collection in natural order. */
  docs(coll: string): Doc[]
  get(coll: string, id: unknown): Doc | undefined
}

export interface Written<R> {
  changes: Change[]
  result: R
}

/** CloudBase `_id`s are 32 hex chars. */
export function newId(): string {
  return randomBytes(16).toString('hex')
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

/** Docs a query can match: a plain `_id` equality (every doc(id) call) is a direct lookup. */
function candidates(view: View, coll: string, criteria: Doc | undefined): Doc[] {
  const id = criteria?._id
  if (typeof id === 'string' || typeof id === 'number') {
    const doc = view.get(coll, id)
    return doc ? [doc] : []
  }
  return view.docs(coll)
}

export function getDocs(view: View, coll: string, criteria: Doc | undefined, opts: FindOptions): Doc[] {
  requireCollection(view, coll, [])
  return find(candidates(view, coll, criteria), criteria, opts)
}

export function countDocs(view: View, coll: string, criteria: Doc | undefined): number {
  requireCollection(view, coll, [])
  return candidates(view, coll, criteria).filter(matcher(criteria)).length
}

export function aggregateDocs(view: View, coll: string, pipeline: Doc[]): Doc[] {
  requireCollection(view, coll, [])
  return aggregate(view.docs(coll), pipeline, name => (view.has(name) ? view.docs(name) : []))
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
  let targets = view.has(coll) ? candidates(view, coll, p.criteria).filter(matcher(p.criteria)) : []
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
  let targets = candidates(view, coll, criteria).filter(matcher(criteria))
  if (!multi) targets = targets.slice(0, 1)
  return { changes: targets.map(d => ({ op: 'del' as const, c: coll, id: d._id })), result: targets.length }
}

/** `db.createCollection`: fails if it already exists ("如果集合已经存在会创建失败"). */
export function createCollection(view: View, coll: string): Written<null> {
  if (!coll) throw new TcbError('INVALID_PARAM', 'collectionName is required')
  if (view.has(coll)) throw new TcbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${coll} already exists`)
  return { changes: [{ op: 'create', c: coll }], result: null }
}
