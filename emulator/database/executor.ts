/**
 * Which docs a query reads. The filter is turned into `$or`-free alternatives of per-field intervals
 * over encoded key values (keys.ts): equality (a value, `$eq`, `$in`: points), ranges (`$gt`…,
 * a `^prefix` regex), type-bracketed as mingo compares; anything else is left out, which only widens
 * the result. Each alternative reads the index that bounds it best (its equality prefix, then one
 * range; of several, the one with the fewest entries to read); an alternative no index bounds makes the whole query a scan of the collection. What is
 * read is a superset: mingo still decides every match (ops.ts), so semantics never depend on it.
 *
 * Early stop: when a range is read in the order the query sorts by (the sort's fields are the
 * index's next keys, all in the index's order or all reversed) and the query needs at most `need`
 * matches, reading stops after `need` matches plus the rest of the last one's tie (same sort
 * values), so mingo's stable sort over the result (given in `_id` order) is the full scan's. A doc
 * whose sort field is not a plain scalar (an array, a sub-document…) rereads the range whole.
 *
 * Inside a transaction the live candidates are joined by the transaction's own versions of that
 * collection's docs (its writes and pre-images), without early stops.
 *
 * A count an index answers exactly is the number of entries in its bounds (`countFromIndex`).
 */
import { isPlainObject, type Doc } from './ejson'
import type { IndexDef } from './indexes'
import { collPrefix, encodeId, encodeValue, FF, indexPrefix, isTruncated, scalarAt } from './keys'
import type { SortSpec } from './plan'
import { matcher } from './query'
import type { Store } from './store'

/** What the executor reads through: the live store, plus a transaction's own versions of docs. */
export interface Source {
  store: Store
  /** docs of `c` whose state in this transaction differs from the store's, by pk string (null: absent) */
  overlay(c: string): ReadonlyMap<string, Doc | null> | undefined
}

interface Interval {
  lo: Buffer
  hi: Buffer
  /** lo is one exact encoded value (hi = lo + FF) */
  point: boolean
}
type Alternative = Map<string, Interval[]>

const MAX_ALTERNATIVES = 64
const MAX_RANGES = 256
const ID_INDEX: IndexDef = { name: '_id_', keys: [['_id', 1]], unique: true }

const cat = (...parts: Buffer[]) => Buffer.concat(parts)
const enc = (field: string, v: unknown) => (field === '_id' ? encodeId(v) : encodeValue(v))
const point = (field: string, v: unknown): Interval => {
  const lo = enc(field, v)
  return { lo, hi: cat(lo, FF), point: true }
}

/** Matching docs in `_id` order (all of them, or at least the first `need` in `sort` order). */
export function select(src: Source, c: string, filter: Doc | undefined, sort: SortSpec, need?: number): Doc[] {
  const match = matcher(filter)
  const overlay = src.overlay(c)
  if (overlay?.size) need = undefined
  const found = new Map<string, Doc>()
  for (const scan of plan(src.store, c, filter, sort, need)) read(src.store, c, scan, match, overlay, found)
  if (overlay) for (const [pk, doc] of overlay) if (doc && match(doc)) found.set(pk, doc)
  return [...found.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(k => found.get(k)!)
}

interface Scan {
  ix: IndexDef
  start: Buffer
  end: Buffer
  /** stop after this many matches (and their tie) when the range is read in sort order */
  need?: number
  reverse: boolean
  /** the sort fields that decide ties, when stopping early */
  ties: string[]
}

function plan(store: Store, c: string, filter: Doc | undefined, sort: SortSpec, need?: number): Scan[] {
  const alts = alternatives(filter ?? {})
  const indexes = [ID_INDEX, ...store.indexesOf(c)]
  const scans: Scan[] = []
  const bounded = alts?.every(alt => {
    const best = cheapest(
      store,
      indexes.map(ix => choose(store, c, ix, alt, sort, need)),
    )
    scans.push(...best.scans)
    return best.bounded
  })
  if (bounded) return scans
  // no bounds: the whole collection, through an index that serves the sort when it helps
  const options = indexes.map(ix => choose(store, c, ix, new Map(), sort, need))
  const ordered = options.find(o => o.ordered && need !== undefined)
  return ordered ? ordered.scans : options[0].scans
}

interface Choice {
  bounded: boolean
  /** the index's leading keys the bounds are made of */
  boundKeys: number
  ordered: boolean
  score: number
  scans: Scan[]
}

function choose(store: Store, c: string, ix: IndexDef, alt: Alternative, sort: SortSpec, need?: number): Choice {
  const primary = ix === ID_INDEX
  const prefix = primary ? collPrefix(c) : indexPrefix(c, ix.name)
  const keys = ix.keys
  let p = 0
  let prefixes: Buffer[] = [Buffer.alloc(0)]
  while (p < keys.length) {
    const ivs = alt.get(keys[p][0])
    if (!ivs || !ivs.every(i => i.point) || prefixes.length * Math.max(1, ivs.length) > MAX_RANGES) break
    prefixes = prefixes.flatMap(pre => ivs.map(i => cat(pre, i.lo)))
    p++
  }
  const rangeIvs = p < keys.length ? alt.get(keys[p][0]) : undefined
  const ranged = !!rangeIvs && prefixes.length * Math.max(1, rangeIvs.length) <= MAX_RANGES
  const bounds: Array<[Buffer, Buffer]> = ranged
    ? prefixes.flatMap(pre => rangeIvs!.map(i => [cat(prefix, pre, i.lo), cat(prefix, pre, i.hi)] as [Buffer, Buffer]))
    : prefixes.map(pre => [cat(prefix, pre), cat(prefix, pre, FF)])

  // the sort, minus the fields fixed in each range, must be the next keys, all one way; and no doc
  // may have held a non-scalar in a sorted field (mingo orders arrays its own way)
  const fixed = new Set(keys.slice(0, p).map(([f]) => f))
  const rest = sort.filter(([f]) => !fixed.has(f))
  const flagged = primary ? undefined : store.nonScalarFields(c, ix.name)
  let ordered = false
  let reverse = false
  if (rest.length) {
    reverse = rest[0][1] < 0
    ordered = p + rest.length <= keys.length && rest.every(([f, d], i) => keys[p + i][0] === f && d < 0 === reverse)
  } else ordered = primary
  if (flagged?.size && sort.some(([f]) => flagged.has(f))) ordered = false
  const stop = ordered && need !== undefined ? need : undefined
  const ties = rest.map(([f]) => f)
  const scans = bounds.map(([start, end]) => ({ ix, start, end, need: stop, reverse: ordered && reverse, ties }))
  const bounded = p > 0 || ranged
  const score = (bounded ? 10 + 4 * p + (ranged ? 2 : 0) : 0) + (stop !== undefined ? 1 : 0) - (primary ? 0 : 0.01 * keys.length)
  return { bounded, boundKeys: p + (ranged ? 1 : 0), ordered, score, scans }
}

const EXACT_OPS = new Set(['$eq', '$in', '$gt', '$gte', '$lt', '$lte'])
const exactValue = (v: unknown) => BOUNDABLE(v) && !isTruncated(v)

/** A field condition whose intervals hold exactly the values it matches (no op left out, no cut key). */
function exactCondition(value: unknown): boolean {
  if (!isPlainObject(value)) return exactValue(value)
  const ops = Object.entries(value)
  return ops.length > 0 && ops.every(([op, arg]) => EXACT_OPS.has(op) && (op === '$in' ? Array.isArray(arg) && arg.every(exactValue) : exactValue(arg) && (op === '$eq' || arg !== null)))
}

/** `v`, `{ $eq: v }` or `{ $in: [v] }`, `v` not null (null matches missing paths too: not one entry per doc there). */
function onePointNotNull(cond: unknown): boolean {
  if (!isPlainObject(cond)) return cond !== null
  const ops = Object.entries(cond)
  if (ops.length !== 1) return false
  const [op, arg] = ops[0]
  return op === '$eq' ? arg !== null : op === '$in' && Array.isArray(arg) && arg.length === 1 && arg[0] !== null
}

/**
 * The count of a filter an index answers exactly, from its entries alone (no document read), as
 * MongoDB's COUNT_SCAN: plain fields, each condition exact, bounding the index's leading keys (the
 * equalities, then at most one range) and no others; a key of the index that some doc held an array
 * or sub-document in only when bound by an equality to one value (one entry per doc: a doc's elements
 * are indexed once each). `undefined` when the filter is not such a filter.
 */
export function countFromIndex(store: Store, c: string, filter: Doc): number | undefined {
  const fields = Object.keys(filter)
  if (!fields.length || fields.some(f => f.startsWith('$') || !exactCondition(filter[f]))) return undefined
  const alt: Alternative = new Map()
  for (const f of fields) alt.set(f, fieldIntervals(f, filter[f])!)
  for (const ix of [ID_INDEX, ...store.indexesOf(c)]) {
    const keys = ix.keys.slice(0, fields.length).map(([f]) => f)
    if (keys.length !== fields.length || !keys.every(f => alt.has(f))) continue
    const flagged = ix === ID_INDEX ? undefined : store.nonScalarFields(c, ix.name)
    // a field that held arrays has an entry per distinct element: counted once a doc only under an equality
    // to one value, and never when it is a key after the bound ones (each element is another entry in the range)
    if (ix.keys.some(([f], i) => flagged?.has(f) && (i >= fields.length || !onePointNotNull(filter[f])))) continue
    const choice = choose(store, c, ix, alt, [])
    if (choice.boundKeys !== fields.length) continue
    return choice.scans.reduce((n, s) => n + store.countRange(ix === ID_INDEX, s.start, s.end, Number.MAX_SAFE_INTEGER), 0)
  }
  return undefined
}

/** Entries counted at most to compare two bounded choices (a bound's size costs its counting too). */
const ESTIMATE_CAP = 2000

/**
 * Of several bounded choices, the one with the fewest index entries to read (counted up to
 * ESTIMATE_CAP; an ordered scan that may stop early at most its `need`), ties to the higher score: a
 * shard's `_id` range beats a (stage, recencyAt) index that holds most of the collection, as
 * MongoDB's trial of the plans would find. One bounded choice (most queries) is taken without counting.
 */
function cheapest(store: Store, choices: Choice[]): Choice {
  const byScore = [...choices].sort((a, b) => b.score - a.score)
  const bounded = byScore.filter(x => x.bounded)
  if (bounded.length < 2) return byScore[0]
  let best = bounded[0]
  let bestCost = cost(store, best, ESTIMATE_CAP)
  for (const other of bounded.slice(1)) {
    if (bestCost === 0) break
    const c = cost(store, other, bestCost)
    if (c < bestCost) [best, bestCost] = [other, c]
  }
  return best
}

/** The entries a choice reads, counted up to `limit`. */
function cost(store: Store, choice: Choice, limit: number): number {
  const stop = choice.scans[0]?.need
  let n = 0
  for (const s of choice.scans) {
    n += store.countRange(s.ix === ID_INDEX, s.start, s.end, limit - n)
    if (n >= limit) break
  }
  return stop === undefined ? n : Math.min(n, stop)
}

function read(store: Store, c: string, scan: Scan, match: (d: Doc) => boolean, overlay: ReadonlyMap<string, Doc | null> | undefined, found: Map<string, Doc>): void {
  // mingo's sort ties null with a missing field, and the index holds both as null
  const tieKey = (doc: Doc): Buffer | undefined => {
    const parts: Buffer[] = []
    for (const f of scan.ties) {
      const s = scalarAt(doc, f)
      if (!s) return undefined
      parts.push(f === '_id' ? encodeId(s.value) : encodeValue(s.value, true))
    }
    return cat(...parts)
  }
  const entries = (): Iterable<{ pk: Buffer; doc?: Doc }> =>
    scan.ix === ID_INDEX ? store.primaryRange(c, scan.start, scan.end, scan.reverse) : mapPk(store.indexRange(scan.start, scan.end, scan.reverse))
  const seen = new Set<string>()
  const mine: Array<[string, Doc]> = []
  let boundary: Buffer | undefined
  for (const entry of entries()) {
    const pk = entry.pk.toString('latin1')
    if (seen.has(pk)) continue
    seen.add(pk)
    if (overlay?.has(pk)) continue // the transaction's own version is added by the caller
    const doc = entry.doc ?? store.getByPk(c, entry.pk)
    if (!doc) continue
    if (scan.need !== undefined) {
      const tk = tieKey(doc)
      if (!tk) return readAll()
      if (boundary && (!scan.ties.length || !tk.equals(boundary))) break
      if (!match(doc)) continue
      mine.push([pk, doc])
      if (!boundary && mine.length >= scan.need) boundary = tk
      continue
    }
    if (match(doc)) mine.push([pk, doc])
  }
  for (const [pk, doc] of mine) found.set(pk, doc)

  function readAll(): void {
    read(store, c, { ...scan, need: undefined }, match, overlay, found)
  }
}

function* mapPk(pks: Iterable<Buffer>): Iterable<{ pk: Buffer }> {
  for (const pk of pks) yield { pk }
}

// ---------------------------------------------------------------------------------------------
// Filter → alternatives of intervals

/** The filter's `$or`-free alternatives (fields that cannot bound left out), or null when too many. */
function alternatives(filter: Doc): Alternative[] | null {
  let alts: Alternative[] = [new Map()]
  const and = (more: Alternative[]): boolean => {
    if (alts.length * more.length > MAX_ALTERNATIVES) return false
    alts = alts.flatMap(a => more.map(b => intersectAlt(a, b)))
    return true
  }
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) {
        const sub = isPlainObject(clause) ? alternatives(clause) : null
        if (sub && !and(sub)) return null
      }
    } else if (key === '$or' && Array.isArray(value)) {
      const branches = value.map(b => (isPlainObject(b) ? alternatives(b) : null))
      if (branches.some(b => b === null)) continue // a branch without bounds: the `$or` bounds nothing
      if (!and(branches.flat() as Alternative[])) return null
    } else if (!key.startsWith('$')) {
      const ivs = fieldIntervals(key, value)
      if (ivs) and([new Map([[key, ivs]])])
    }
  }
  return alts
}

function intersectAlt(a: Alternative, b: Alternative): Alternative {
  const out = new Map(a)
  for (const [f, ivs] of b) out.set(f, out.has(f) ? intersect(out.get(f)!, ivs) : ivs)
  return out
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = []
  for (const x of a) {
    for (const y of b) {
      const lo = Buffer.compare(x.lo, y.lo) >= 0 ? x.lo : y.lo
      const hi = Buffer.compare(x.hi, y.hi) <= 0 ? x.hi : y.hi
      if (Buffer.compare(lo, hi) >= 0) continue
      const isPoint = [x, y].some(i => i.point && i.lo.equals(lo) && i.hi.equals(hi))
      out.push({ lo, hi, point: isPoint })
    }
  }
  return out
}

const BOUNDABLE = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v)) || (v instanceof Date && !Number.isNaN(v.getTime()))

/** Intervals for one field's condition, or undefined when it cannot bound the field. */
function fieldIntervals(field: string, value: unknown): Interval[] | undefined {
  if (value instanceof RegExp) return regexInterval(value.source, value.flags)
  if (!isPlainObject(value) || !Object.keys(value).some(k => k.startsWith('$'))) return equality(field, value)
  let out: Interval[] | undefined
  const add = (ivs: Interval[] | undefined) => {
    if (ivs) out = out ? intersect(out, ivs) : ivs
  }
  for (const [op, arg] of Object.entries(value)) {
    switch (op) {
      case '$eq':
        add(equality(field, arg))
        break
      case '$in':
        if (Array.isArray(arg) && arg.every(BOUNDABLE)) add(arg.flatMap(v => equality(field, v)!))
        break
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        add(range(field, op, arg))
        break
      case '$regex':
        if (typeof arg === 'string' || arg instanceof RegExp) {
          const source = arg instanceof RegExp ? arg.source : arg
          const flags = (arg instanceof RegExp ? arg.flags : '') + String(value.$options ?? '')
          add(regexInterval(source, flags))
        }
        break
      case '$and':
        if (Array.isArray(arg)) for (const sub of arg) add(fieldIntervals(field, sub))
        break
      case '$or':
        if (Array.isArray(arg)) {
          const branches = arg.map(sub => fieldIntervals(field, sub))
          if (branches.every(b => b)) add(branches.flat() as Interval[])
        }
        break
    }
  }
  return out && distinct(out)
}

/** Each interval once: an `$in` (or `$or`) that names a value twice reads, and counts, its range once. */
const distinct = (ivs: Interval[]) => [...new Map(ivs.map(iv => [`${iv.lo.toString('hex')}-${iv.hi.toString('hex')}`, iv])).values()]

function equality(field: string, v: unknown): Interval[] | undefined {
  if (!BOUNDABLE(v)) return undefined
  // null also matches a missing field, indexed as null; a cut long string is still one exact key value
  return [point(field, v)]
}

/** mingo compares only values of the same type: `$gt: 5` is (5, the last number]. */
function range(field: string, op: string, v: unknown): Interval[] | undefined {
  if (!BOUNDABLE(v) || v === null) return undefined
  const e = enc(field, v)
  const tag = e[0]
  const cut = isTruncated(v) // the stored value may be longer than what is compared: keep it inclusive
  if (op === '$gt') return [{ lo: cut ? e : cat(e, FF), hi: Buffer.from([tag + 1]), point: false }]
  if (op === '$gte') return [{ lo: e, hi: Buffer.from([tag + 1]), point: false }]
  if (op === '$lt') return [{ lo: Buffer.from([tag]), hi: cut ? cat(e, FF) : e, point: false }]
  return [{ lo: Buffer.from([tag]), hi: cat(e, FF), point: false }]
}

/** `^literal…` without i/m flags: the strings starting with the literal part. */
function regexInterval(source: string, flags: string): Interval[] | undefined {
  if (!source.startsWith('^') || /[im]/.test(flags) || source.includes('|')) return undefined
  let lit = ''
  let i = 1
  for (; i < source.length; i++) {
    const ch = source[i]
    if ('\\^$.|?*+()[]{}'.includes(ch)) break
    lit += ch
  }
  if (i < source.length && '?*{'.includes(source[i])) lit = lit.slice(0, -1) // the last char is optional
  const full = encodeValue(lit.slice(0, 200))
  const body = full.subarray(0, full.length - 2) // without the end mark: every string that starts with it
  return [{ lo: body, hi: cat(body, FF), point: false }]
}
