/** MongoDB semantics, all from mingo: matching, projection, sorting, update operators, aggregation. */
import { Aggregator, Query, update as mingoUpdate } from 'mingo'
import { TcbError } from '../service'
import { clone, isPlainObject, sameValue, type Doc } from './ejson'

const OPTIONS = { idKey: '_id' }
type Modifier = Parameters<typeof mingoUpdate>[1]

/** mingo throws plain Errors for bad operators/values: surface them as CloudBase request errors. */
function guard<T>(what: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof TcbError) throw err
    throw new TcbError('DATABASE_REQUEST_FAILED', `${what}: ${(err as Error).message}`)
  }
}

export function matcher(criteria: Doc | undefined): (doc: Doc) => boolean {
  if (!criteria || Object.keys(criteria).length === 0) return () => true
  const q = guard('invalid query', () => new Query(criteria, OPTIONS))
  return doc => guard('query failed', () => q.test(doc))
}

export interface FindOptions {
  order?: Doc
  offset?: number
  limit?: number
  projection?: Doc
}

/** find → sort → skip → limit → project (mingo's cursor applies them in that order). */
export function find(docs: Doc[], criteria: Doc | undefined, opts: FindOptions): Doc[] {
  return guard('query failed', () => {
    const projection = opts.projection && Object.keys(opts.projection).length ? opts.projection : undefined
    const cursor = new Query(criteria ?? {}, OPTIONS).find<Doc>(docs, projection)
    if (opts.order && Object.keys(opts.order).length) cursor.sort(opts.order as Record<string, 1 | -1>)
    if (opts.offset) cursor.skip(opts.offset)
    if (opts.limit !== undefined) cursor.limit(opts.limit)
    return cursor.all()
  })
}

export function isOperatorUpdate(spec: Doc): boolean {
  return Object.keys(spec).some(k => k.startsWith('$'))
}

/**
 * Applies `$`-operators to a copy of `doc`; returns the new doc, or undefined when nothing changed
 * (CloudBase counts only modified docs in `updated`). `criteria` feeds the positional `$` operator.
 */
export function applyUpdate(doc: Doc, spec: Doc, criteria?: Doc): Doc | undefined {
  const modifier: Doc = {}
  for (const [k, v] of Object.entries(spec)) {
    if (k.startsWith('$')) modifier[k] = v
    else modifier.$set = { ...(modifier.$set as Doc | undefined), [k]: v } // plain fields merge, as `merge: true` means
  }
  const next = clone(doc)
  const changed = guard('update failed', () => mingoUpdate(next, modifier as Modifier, undefined, criteria && Object.keys(criteria).length ? criteria : undefined, { cloneMode: 'deep' }))
  if (!sameValue(next._id, doc._id)) throw new TcbError('INVALID_PARAM', '不能更新_id的值 (_id is immutable)')
  return changed.length ? next : undefined
}

/** `set()` / `merge: false`: the whole document is replaced, keeping its `_id`. */
export function replaceDoc(doc: Doc, data: Doc): Doc | undefined {
  const { _id: _ignored, ...rest } = data
  const next: Doc = { _id: doc._id, ...clone(rest) }
  return sameValue(next, doc) ? undefined : next
}

/** The document an upsert starts from: the query's plain equality fields (as MongoDB does). */
export function upsertSeed(criteria: Doc | undefined): Doc {
  const seed: Doc = {}
  const eq: Doc = {}
  for (const [k, v] of Object.entries(criteria ?? {})) {
    if (k.startsWith('$')) continue
    if (isPlainObject(v) && Object.keys(v).some(x => x.startsWith('$'))) {
      if ('$eq' in v) eq[k] = v.$eq
      continue
    }
    eq[k] = v
  }
  if ('_id' in eq) {
    seed._id = eq._id // mingo refuses to $set _id
    delete eq._id
  }
  if (Object.keys(eq).length) guard('upsert failed', () => mingoUpdate(seed, { $set: eq } as Modifier, undefined, undefined, { cloneMode: 'deep' }))
  return seed
}

/**
 * Runs a pipeline over copies of the docs; `$lookup` reads other collections through `resolve`. A
 * leading `$match` (which changes nothing) runs first on the stored docs, so only the docs it keeps
 * are copied (copying a whole large collection for every aggregate was most of its cost).
 */
export function aggregate(docs: Doc[], pipeline: Doc[], resolve: (name: string) => Doc[]): Doc[] {
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0]
    if (op === '$out' || op === '$merge') throw new TcbError('DATABASE_REQUEST_FAILED', `aggregate stage ${op} is not supported`)
  }
  const first = pipeline[0]
  const leadingMatch = first && Object.keys(first).length === 1 && isPlainObject(first.$match) ? (first.$match as Doc) : undefined
  const input = leadingMatch ? docs.filter(matcher(leadingMatch)) : docs
  const rest = leadingMatch ? pipeline.slice(1) : pipeline
  return guard('aggregate failed', () => new Aggregator(rest, { ...OPTIONS, collectionResolver: (name: string) => resolve(name).map(clone) }).run(input.map(clone)) as Doc[])
}
