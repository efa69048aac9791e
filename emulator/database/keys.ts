/**
 * Order-preserving binary encoding of values, for lmdb keys: comparing two encodings byte by byte
 * orders them as mingo's sort does (`compare` in mingo/util: missing < null < numbers < strings <
 * objects < arrays < booleans < dates < regexps < anything else). Each encoded value starts with a
 * type tag and is self-delimiting (no encoding is a prefix of another), so a key is the plain
 * concatenation of its parts (index entries hold a missing field as null: mingo's sort ties them):
 *
 *   document:     <collection> 0x00 <_id>
 *   index entry:  <collection> 0x00 <index name> 0x00 <key value>… <_id>   (value: the encoded `_id`)
 *
 * Strings are CESU-8 (UTF-16 code unit order, which is JavaScript's `<`), with 0x00 escaped as
 * 00 FF and ended by 00 01; long strings are cut at MAX_STRING bytes (an index then holds a superset:
 * the query's own filter still decides). No encoded part starts with 0xFF, so `prefix + FF` bounds
 * every key that starts with `prefix`.
 */
import { BSON } from 'bson'
import { isPlainObject, type Doc } from './ejson'

export const TAG = { missing: 0x10, null: 0x11, number: 0x20, string: 0x30, object: 0x40, array: 0x50, boolean: 0x70, date: 0x80, regexp: 0x90, other: 0xa0 } as const

export const MAX_STRING = 240
const END = Buffer.from([0x00, 0x01])
export const FF = Buffer.from([0xff])
export const MISSING = Symbol('missing')

const EMPTY = Buffer.alloc(0)

function encodeDouble(tag: number, n: number): Buffer {
  const b = Buffer.alloc(9)
  b[0] = tag
  b.writeDoubleBE(n === 0 ? 0 : n, 1) // -0 and 0 are equal
  if (b[1] & 0x80) for (let i = 1; i < 9; i++) b[i] = ~b[i] & 0xff
  else b[1] |= 0x80
  return b
}

/** CESU-8: each UTF-16 code unit on its own, so byte order is code unit order. */
function cesu8(s: string): Buffer {
  if (!/[\uD800-\uDFFF]/.test(s)) return Buffer.from(s, 'utf8')
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i)
    if (u < 0x80) out.push(u)
    else if (u < 0x800) out.push(0xc0 | (u >> 6), 0x80 | (u & 0x3f))
    else out.push(0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f))
  }
  return Buffer.from(out)
}

/** Escapes 0x00 and appends the end mark; `raw` is cut at `max` bytes first. */
function delimited(tag: number, raw: Buffer, max = MAX_STRING): Buffer {
  const cut = raw.length > max ? raw.subarray(0, max) : raw
  let zeros = 0
  for (const byte of cut) if (byte === 0) zeros++
  const out = Buffer.alloc(1 + cut.length + zeros + 2)
  out[0] = tag
  let o = 1
  for (const byte of cut) {
    out[o++] = byte
    if (byte === 0) out[o++] = 0xff
  }
  END.copy(out, o)
  return out
}

export function isTruncated(v: unknown): boolean {
  return typeof v === 'string' && cesu8(v).length > MAX_STRING
}

/** `unique`: a missing field is indexed as null (MongoDB's rule for unique indexes). */
export function encodeValue(v: unknown, unique = false): Buffer {
  if (v === MISSING || v === undefined) return Buffer.from([unique ? TAG.null : TAG.missing])
  if (v === null) return Buffer.from([TAG.null])
  if (typeof v === 'number') return encodeDouble(TAG.number, v)
  if (typeof v === 'string') return delimited(TAG.string, cesu8(v))
  if (typeof v === 'boolean') return Buffer.from([TAG.boolean, v ? 1 : 0])
  if (v instanceof Date) return encodeDouble(TAG.date, v.getTime())
  if (v instanceof RegExp) return delimited(TAG.regexp, Buffer.from(`${v.source}/${v.flags}`))
  const tag = Array.isArray(v) ? TAG.array : isPlainObject(v) ? TAG.object : TAG.other
  return delimited(tag, Buffer.from(BSON.serialize({ v } as Doc)), 2 * MAX_STRING)
}

/** The primary key part of an `_id` (never cut: it must stay unique). */
export function encodeId(id: unknown): Buffer {
  if (typeof id === 'string') {
    const raw = cesu8(id)
    if (raw.length > 1000) throw new Error(`_id longer than 1000 bytes`)
    return delimited(TAG.string, raw, Infinity)
  }
  return encodeValue(id)
}

const prefixes = new Map<string, Buffer>()
function cached(key: string, make: () => Buffer): Buffer {
  let b = prefixes.get(key)
  if (!b) prefixes.set(key, (b = make()))
  return b
}

export const collPrefix = (coll: string) => cached(`c\0${coll}`, () => Buffer.from(`${coll}\0`))
export const indexPrefix = (coll: string, name: string) => cached(`i\0${coll}\0${name}`, () => Buffer.from(`${coll}\0${name}\0`))
export const docKey = (coll: string, pk: Buffer) => Buffer.concat([collPrefix(coll), pk])

/**
 * The values a path reaches in a doc, for an index: array elements one by one (and the elements of
 * nested arrays too, as mingo's `$eq` looks one level deeper), MISSING where nothing is found.
 */
export function valuesAt(doc: unknown, path: string): unknown[] {
  const out: unknown[] = []
  const walk = (v: unknown, parts: string[], i: number) => {
    if (i === parts.length) {
      if (!Array.isArray(v)) return void out.push(v === undefined ? MISSING : v)
      if (!v.length) return void out.push(v)
      for (const el of v) {
        out.push(el)
        if (Array.isArray(el)) out.push(...el)
      }
      return
    }
    if (Array.isArray(v)) {
      let found = false
      for (const el of v) {
        if (isPlainObject(el)) {
          found = true
          walk(el, parts, i)
        }
      }
      if (!found) out.push(MISSING)
      return
    }
    if (!isPlainObject(v)) return void out.push(MISSING)
    walk(v[parts[i]], parts, i + 1)
  }
  walk(doc, path.split('.'), 0)
  return out.length ? out : [MISSING]
}

/**
 * The encoded key values of a doc for an index's fields: one per combination of array elements. A
 * missing field is indexed as null (as MongoDB does, and mingo's sort ties the two).
 */
export function indexTuples(fields: readonly string[], doc: Doc): Buffer[] {
  let combos: Buffer[] = [EMPTY]
  for (const field of fields) {
    const seen = new Map<string, Buffer>()
    for (const v of valuesAt(doc, field)) {
      const enc = field === '_id' ? encodeId(v) : encodeValue(v, true)
      seen.set(enc.toString('latin1'), enc)
    }
    const encs = [...seen.values()]
    combos = combos.length === 1 ? encs.map(e => Buffer.concat([combos[0], e])) : combos.flatMap(c => encs.map(e => Buffer.concat([c, e])))
  }
  return combos
}

/**
 * A sort field's value in a doc when it is a plain scalar (one that the index holds once and orders
 * as mingo does), else undefined: arrays, sub-documents, NaN… make the caller give up early stops.
 */
export function scalarAt(doc: Doc, path: string): { value: unknown } | undefined {
  let v: unknown = doc
  for (const part of path.split('.')) {
    if (Array.isArray(v)) return undefined
    if (!isPlainObject(v)) return { value: MISSING }
    v = v[part]
  }
  if (v === undefined) return { value: MISSING }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { value: v }
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : { value: v }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : { value: v }
  return undefined
}
