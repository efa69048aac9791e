/**
 * Unique indexes (other than `_id`, which the collections' maps already key on), enforced the way
 * MongoDB (CloudBase's engine) does: a missing field is indexed as null, so two documents without it
 * collide; an array field contributes each element (multikey), and one document may repeat a value.
 * Every change set is checked before it is committed, so a duplicate rejects the whole set (an
 * insert batch, an update, a transaction's commit) with the same error as a duplicate `_id`.
 */
import { TcbError } from '../service'
import { idKey, isPlainObject, toWire, type Doc } from './ejson'
import type { IndexCatalog, IndexDef } from './indexes'
import type { Change, Collections } from './journal'

interface UniqueIndex {
  coll: string
  def: IndexDef
  /** index key → idKeys of the docs holding it (more than one only for duplicates loaded from disk) */
  owners: Map<string, Set<string>>
}

type Touched = { c: string; k: string; doc: Doc | null }

/** The values a path reaches in a doc: arrays are walked element by element; nothing found is null. */
export function valuesAt(doc: unknown, path: string): unknown[] {
  const walk = (v: unknown, parts: string[]): unknown[] => {
    if (!parts.length) return Array.isArray(v) ? (v.length ? v : [[]]) : [v === undefined ? null : v]
    if (Array.isArray(v)) return v.flatMap(el => (isPlainObject(el) ? walk(el, parts) : []))
    if (!isPlainObject(v)) return [null]
    return walk(v[parts[0]], parts.slice(1))
  }
  const found = walk(doc, path.split('.'))
  return found.length ? found : [null]
}

/** The index keys of a doc (one per combination of array elements), as stable strings. */
export function indexKeys(def: IndexDef, doc: Doc): Set<string> {
  let combos: unknown[][] = [[]]
  for (const [field] of def.keys) combos = combos.flatMap(prefix => valuesAt(doc, field).map(v => [...prefix, v]))
  return new Set(combos.map(values => toWire({ k: values })))
}

const entryKey = (c: string, k: string) => `${c}\u0000${k}`

export class UniqueIndexes {
  private readonly byColl = new Map<string, UniqueIndex[]>()

  constructor(catalog: IndexCatalog) {
    for (const [coll, defs] of catalog) {
      const unique = defs.filter(d => d.unique && !(d.keys.length === 1 && d.keys[0][0] === '_id'))
      if (unique.length)
        this.byColl.set(
          coll,
          unique.map(def => ({ coll, def, owners: new Map() })),
        )
    }
  }

  /** Indexes the stored docs; answers a warning per index that already holds duplicates. */
  build(collections: Collections): string[] {
    const warnings: string[] = []
    for (const [coll, indexes] of this.byColl) {
      for (const ix of indexes) {
        let duplicates = 0
        for (const [k, doc] of collections.get(coll) ?? []) {
          for (const key of indexKeys(ix.def, doc)) if (this.add(ix, key, k)) duplicates++
        }
        if (duplicates) warnings.push(`${coll}.${ix.def.name} already holds ${duplicates} duplicate key(s): new duplicates are refused`)
      }
    }
    return warnings
  }

  /** Throws CloudBase's duplicate-key error if committing `changes` would break a unique index. */
  check(changes: readonly Change[]): void {
    const final = lastStates(changes)
    const claimed = new Map<string, string>()
    for (const { c, k, doc } of final.values()) {
      if (!doc) continue
      for (const ix of this.byColl.get(c) ?? []) {
        for (const key of indexKeys(ix.def, doc)) {
          const slot = `${ix.def.name}\u0000${entryKey(c, key)}`
          const other = claimed.get(slot)
          // a doc this change set also writes is judged by its new state (its own claim), not its old one
          const holder = other !== undefined && other !== k ? other : [...(ix.owners.get(key) ?? [])].find(o => o !== k && !final.has(entryKey(c, o)))
          if (holder !== undefined) throw duplicateKey(ix, doc)
          claimed.set(slot, k)
        }
      }
    }
  }

  /** Updates the indexes for `changes`; `stored` answers a doc's state before this change set. */
  apply(changes: readonly Change[], stored: (c: string, k: string) => Doc | undefined): void {
    const current = new Map<string, Doc | null>()
    for (const ch of changes) {
      if (ch.op === 'create' || !this.byColl.has(ch.c)) continue
      const k = idKey(ch.op === 'put' ? ch.doc._id : ch.id)
      const ek = entryKey(ch.c, k)
      const before = current.has(ek) ? current.get(ek) : stored(ch.c, k)
      const after = ch.op === 'put' ? ch.doc : null
      for (const ix of this.byColl.get(ch.c)!) {
        if (before) for (const key of indexKeys(ix.def, before)) this.remove(ix, key, k)
        if (after) for (const key of indexKeys(ix.def, after)) this.add(ix, key, k)
      }
      current.set(ek, after)
    }
  }

  /** true when the key already had another owner */
  private add(ix: UniqueIndex, key: string, k: string): boolean {
    let set = ix.owners.get(key)
    if (!set) ix.owners.set(key, (set = new Set()))
    const clash = set.size > 0 && !set.has(k)
    set.add(k)
    return clash
  }

  private remove(ix: UniqueIndex, key: string, k: string): void {
    const set = ix.owners.get(key)
    if (!set) return
    set.delete(k)
    if (!set.size) ix.owners.delete(key)
  }
}

function lastStates(changes: readonly Change[]): Map<string, Touched> {
  const final = new Map<string, Touched>()
  for (const ch of changes) {
    if (ch.op === 'create') continue
    const k = idKey(ch.op === 'put' ? ch.doc._id : ch.id)
    final.set(entryKey(ch.c, k), { c: ch.c, k, doc: ch.op === 'put' ? ch.doc : null })
  }
  return final
}

/** The message MongoDB gives (E11000 …), with the code the `_id` duplicate already answers. */
function duplicateKey(ix: UniqueIndex, doc: Doc): TcbError {
  const dup = ix.def.keys.map(([field]) => `${field}: ${JSON.stringify(valuesAt(doc, field)[0])}`).join(', ')
  return new TcbError('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${ix.coll} index: ${ix.def.name} dup key: { ${dup} }`)
}
