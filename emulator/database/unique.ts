/**
 * Unique indexes (other than `_id`, the primary key), enforced the way MongoDB (CloudBase's engine)
 * does: a missing field is indexed as null, so two documents without it collide; an array field
 * contributes each element (multikey), and one document may repeat a value. Every change set is
 * checked before it is committed (store.ts: the other holders of a key are looked up in the
 * persisted index), so a duplicate rejects the whole set (an insert batch, an update, a transaction's
 * commit) with the same error as a duplicate `_id`.
 */
import { TcbError } from '../service'
import { isPlainObject, toWire, type Doc } from './ejson'
import type { IndexDef } from './indexes'

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

/** The unique-index keys of a doc (one per combination of array elements), as stable strings. */
export function indexKeys(def: IndexDef, doc: Doc): Set<string> {
  let combos: unknown[][] = [[]]
  for (const [field] of def.keys) combos = combos.flatMap(prefix => valuesAt(doc, field).map(v => [...prefix, v]))
  return new Set(combos.map(values => toWire({ k: values })))
}

/** The message MongoDB gives (E11000 …), with the code the `_id` duplicate already answers. */
export function duplicateKey(coll: string, def: IndexDef, doc: Doc): TcbError {
  const dup = def.keys.map(([field]) => `${field}: ${JSON.stringify(valuesAt(doc, field)[0])}`).join(', ')
  return new TcbError('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${coll} index: ${def.name} dup key: { ${dup} }`)
}
