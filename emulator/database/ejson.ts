/**
 * Wire values <-> stored values. The SDK sends EJSON (canonical) strings and parses the EJSON strings
 * we reply with using its own bson's `EJSON.parse` (relaxed), so `$date` comes back as a Date.
 */
import { BSONRegExp, EJSON } from 'bson'
import { TcbError } from '../service'

export type Doc = Record<string, unknown>

/** Parses an EJSON string (or an already-decoded object) into plain JS values ready for mingo. */
export function fromWire(value: unknown, now: number, what = 'param'): unknown {
  let parsed: unknown
  try {
    parsed = typeof value === 'string' ? EJSON.parse(value, { relaxed: true }) : EJSON.deserialize((value ?? null) as Doc, { relaxed: true })
  } catch (err) {
    throw new TcbError('INVALID_PARAM', `${what} is not valid EJSON: ${(err as Error).message}`)
  }
  return resolveSpecial(parsed, now)
}

/** Replies: canonical EJSON keeps Dates (and number types) intact through the SDK's EJSON.parse. */
export function toWire(value: unknown): string {
  return EJSON.stringify(value as Doc, { relaxed: false })
}

/**
 * `db.serverDate({offset})` → `{"$tcb_server_date":{"offset":N}}`: the server's clock decides, as on
 * CloudBase. `db.RegExp` arrives as a BSONRegExp; mingo needs a JS RegExp.
 */
function resolveSpecial(v: unknown, now: number): unknown {
  if (v === null || typeof v !== 'object') return v
  if (v instanceof BSONRegExp) return new RegExp(v.pattern, [...v.options].filter(f => 'imsu'.includes(f)).join(''))
  if (Array.isArray(v)) return v.map(x => resolveSpecial(x, now))
  if (!isPlainObject(v)) return v // Date, ObjectId, Decimal128, Binary…: kept as is
  const o = v as Doc
  const keys = Object.keys(o)
  if (keys.length === 1 && keys[0] === '$tcb_server_date') {
    const offset = Number((o.$tcb_server_date as Doc | null)?.offset ?? 0) || 0
    return new Date(now + offset)
  }
  const out: Doc = {}
  for (const k of keys) out[k] = resolveSpecial(o[k], now)
  return out
}

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** Deep copy of plain data; Dates are copied, other class instances (RegExp, ObjectId…) are immutable here. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as unknown as T
  if (v instanceof Date) return new Date(v.getTime()) as unknown as T
  if (isPlainObject(v)) {
    const out: Doc = {}
    for (const k of Object.keys(v)) out[k] = clone(v[k])
    return out as T
  }
  return v
}

/** A stable map key for an `_id` of any type (string and number ids must not collide). */
export function idKey(id: unknown): string {
  if (typeof id === 'string') return `s:${id}`
  if (typeof id === 'number') return `n:${id}`
  return `j:${toWire({ id })}`
}

export function sameValue(a: unknown, b: unknown): boolean {
  return toWire({ v: a }) === toWire({ v: b })
}
