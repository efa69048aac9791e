/**
 * Is a query served by an index? A simple form of MongoDB's rules, decided per query from its filter
 * and sort (values never matter, only which operator each field uses):
 *
 * - a field's condition is an **equality** (a value, `$eq`, `$in`, an exact array or sub-document),
 *   a **range** (`$gt`/`$gte`/`$lt`/`$lte`, a case-sensitive regex anchored with `^`) or **other**
 *   (`$ne`, `$nin`, `$exists`, `$not`, `$elemMatch`, unanchored regexes…), which no index bounds;
 * - an index serves a filter and sort when (1) it **bounds** the filter: its leading keys that are
 *   equality fields number at least one, or its first key is a range field; and (2) it **serves the
 *   sort**: the sort's fields (minus those fixed by an equality) are the index's next keys after that
 *   equality prefix, in order, all in the index's directions or all reversed;
 * - no filter needs no bounds (an unfiltered `get` reads `limit` docs, an unfiltered count is the
 *   collection's size); a sort alone still needs an index that serves it;
 * - `$or`: every branch (with the other conditions) must be served, each by any index; `$and` merges;
 * - `aggregate`: a leading `$match` is the filter and a `$sort` right after it (or leading) the sort;
 *   a pipeline that starts with neither reads the whole collection, so it is never indexed.
 *
 * Every collection has the `_id` index. A range alone counts as bounded even when it matches most of
 * the collection (MongoDB would still scan it): the rule checks that an index is used, not selectivity.
 */
import { isPlainObject, type Doc } from './ejson'
import { indexesOf, type IndexCatalog, type IndexDef } from './indexes'

export type FieldKind = 'eq' | 'in' | 'range' | 'prefix' | 'other'
type Alternative = Map<string, FieldKind>
export type SortSpec = ReadonlyArray<readonly [field: string, direction: 1 | -1]>

export interface QueryToPlan {
  op: 'get' | 'count' | 'update' | 'remove' | 'aggregate'
  filter?: Doc
  sort?: SortSpec
  /** aggregate only: the whole pipeline */
  pipeline?: Doc[]
}

export interface Plan {
  indexed: boolean
  /** the query's field shape, e.g. `get {memberId: eq, status: in} sort {validUntil: 1}` */
  shape: string
}

const STRENGTH: Record<FieldKind, number> = { eq: 4, in: 3, range: 2, prefix: 2, other: 0 }
const strongest = (a: FieldKind, b: FieldKind) => (STRENGTH[b] > STRENGTH[a] ? b : a)
const isEquality = (k: FieldKind | undefined) => k === 'eq' || k === 'in'
const isRange = (k: FieldKind | undefined) => k === 'range' || k === 'prefix'
/** more $or combinations than this: judged unindexed rather than expanded */
const MAX_ALTERNATIVES = 256

export function planQuery(catalog: IndexCatalog, coll: string, q: QueryToPlan): Plan {
  let filter = q.filter
  let sort = q.sort ?? []
  if (q.op === 'aggregate') {
    const lead = leadingMatchAndSort(q.pipeline ?? [])
    if (!lead) return { indexed: false, shape: `aggregate (starts with ${firstStage(q.pipeline ?? [])})` }
    ;({ filter, sort } = lead)
  }
  const shape = `${q.op} ${filterShape(filter ?? {})}${sort.length ? ` sort {${sort.map(([f, d]) => `${f}: ${d}`).join(', ')}}` : ''}`
  const alternatives = normalize(filter ?? {})
  const indexes = indexesOf(catalog, coll)
  const indexed = alternatives !== null && alternatives.every(alt => indexes.some(ix => serves(ix, alt, sort)))
  return { indexed, shape }
}

/** The rule in the header for one index and one `$or`-free alternative. */
export function serves(ix: IndexDef, alt: ReadonlyMap<string, FieldKind>, sort: SortSpec): boolean {
  const keys = ix.keys
  let p = 0
  while (p < keys.length && isEquality(alt.get(keys[p][0]))) p++
  const sortRest = sort.filter(([f]) => !isEquality(alt.get(f)))
  if (sortRest.length) {
    if (p + sortRest.length > keys.length) return false
    const relation = sortRest[0][1] * keys[p][1]
    const inOrder = sortRest.every(([f, d], i) => keys[p + i][0] === f && d * keys[p + i][1] === relation)
    if (!inOrder) return false
  }
  if (!alt.size) return true
  return p > 0 || isRange(alt.get(keys[0][0]))
}

/** The filter as `$or`-free alternatives (field → strongest condition), or null when it has too many. */
function normalize(filter: Doc): Alternative[] | null {
  let alts: Alternative[] = [new Map()]
  const and = (more: Alternative[] | null): boolean => {
    if (!more) return false
    if (alts.length * more.length > MAX_ALTERNATIVES) return false
    alts = alts.flatMap(a => more.map(b => merge(a, b)))
    return true
  }
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (!and(isPlainObject(clause) ? normalize(clause) : [new Map()])) return null
    } else if (key === '$or' && Array.isArray(value)) {
      const branches = value.map(b => (isPlainObject(b) ? normalize(b) : null))
      if (branches.some(b => b === null)) return null
      if (!and(branches.flat() as Alternative[])) return null
    } else if (key.startsWith('$')) {
      if (!and([new Map([[key, 'other' as FieldKind]])])) return null // $nor, $expr, $where, $text: no bounds
    } else if (key === '_id' && isPlainObject(value) && Object.keys(value).length === 1 && value.$exists === true) {
      continue // every doc has an _id: this matches all, like no condition (tiers' idCondition without bounds)
    } else {
      and([new Map([[key, conditionKind(value)]])])
    }
  }
  return alts
}

function merge(a: Alternative, b: Alternative): Alternative {
  const out = new Map(a)
  for (const [f, k] of b) out.set(f, out.has(f) ? strongest(out.get(f)!, k) : k)
  return out
}

function conditionKind(value: unknown): FieldKind {
  if (value instanceof RegExp) return regexKind(value.source, value.flags)
  if (!isPlainObject(value) || !Object.keys(value).some(k => k.startsWith('$'))) return 'eq'
  let kind: FieldKind = 'other'
  for (const [op, arg] of Object.entries(value)) kind = strongest(kind, operatorKind(op, arg, value))
  return kind
}

function operatorKind(op: string, arg: unknown, all: Doc): FieldKind {
  switch (op) {
    case '$eq':
      return 'eq'
    case '$in':
      return Array.isArray(arg) && arg.some(v => v instanceof RegExp) ? 'other' : 'in'
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return 'range'
    case '$regex':
      return arg instanceof RegExp ? regexKind(arg.source, arg.flags + String(all.$options ?? '')) : regexKind(String(arg), String(all.$options ?? ''))
    case '$and': // the SDK's `_.gt(a).and(_.lt(b))` on one field
      return Array.isArray(arg) ? arg.map(conditionKind).reduce(strongest, 'other') : 'other'
    case '$or': // `_.gt(a).or(_.lt(b))`: bounded only when every branch is
      return Array.isArray(arg) && arg.length && arg.every(a => conditionKind(a) !== 'other') ? 'range' : 'other'
    default:
      return 'other'
  }
}

/** `^abc` without the `i` flag scans one index range; any other pattern needs every key. */
function regexKind(source: string, flags: string): FieldKind {
  return source.startsWith('^') && !flags.includes('i') && !flags.includes('m') ? 'prefix' : 'other'
}

function leadingMatchAndSort(pipeline: Doc[]): { filter?: Doc; sort: SortSpec } | null {
  const [first, second] = pipeline
  const sortOf = (stage: Doc | undefined): SortSpec => (stage && isPlainObject(stage.$sort) ? Object.entries(stage.$sort).map(([f, d]) => [f, Number(d) < 0 ? -1 : 1] as const) : [])
  if (first && isPlainObject(first.$match)) return { filter: first.$match, sort: sortOf(second) }
  if (first && isPlainObject(first.$sort)) return { sort: sortOf(first) }
  return null
}

function firstStage(pipeline: Doc[]): string {
  return pipeline.length ? Object.keys(pipeline[0])[0] : '(an empty pipeline)'
}

/** `{a: eq, b: range, $or: [{…}, {…}]}` with fields sorted, so the same query always has one shape. */
export function filterShape(filter: Doc): string {
  const parts = Object.keys(filter)
    .sort()
    .map(key => {
      const value = filter[key]
      if ((key === '$or' || key === '$and' || key === '$nor') && Array.isArray(value)) return `${key}: [${value.map(v => (isPlainObject(v) ? filterShape(v) : '?')).join(', ')}]`
      if (key.startsWith('$')) return `${key}: other`
      return `${key}: ${conditionKind(value)}`
    })
  return `{${parts.join(', ')}}`
}

export interface UnindexedEntry {
  collection: string
  shape: string
  /** who sent it: `function` (a function instance), `outside` (a test or script) or `emulator` (its own H5 gateway) */
  caller: string
  count: number
}

/** Unindexed queries seen since the start or the last reset, by collection, shape and caller. */
export class QueryStats {
  private counts = new Map<string, UnindexedEntry>()

  record(collection: string, shape: string, caller: string): void {
    const key = JSON.stringify([collection, shape, caller])
    const entry = this.counts.get(key)
    if (entry) entry.count++
    else this.counts.set(key, { collection, shape, caller, count: 1 })
  }

  unindexed(): UnindexedEntry[] {
    return [...this.counts.values()].map(e => ({ ...e })).sort((a, b) => a.collection.localeCompare(b.collection) || a.shape.localeCompare(b.shape) || a.caller.localeCompare(b.caller))
  }

  reset(): void {
    this.counts = new Map()
  }
}
