/**
 * The JSON Schema that `admin.settingsForm` answers (zod 4 `z.toJSONSchema`, input side) as a form
 * model: what widget a schema node is, its Chinese label, and the *draft* the form edits.
 *
 * The draft follows the schema but holds what an input holds: a number is its text ('' when empty,
 * so "1." can be typed), a record is rows of `{ key, value }` (a key is renamed in place, two new
 * rows may share an empty key, integer-like keys keep their order). `toWire` turns a draft back
 * into the value the set action takes. Pure functions, no Taro: the node tests use them too.
 */

/** The part of JSON Schema (draft 2020-12) z.toJSONSchema produces for the rule documents. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null'
  title?: string
  description?: string
  default?: unknown
  enum?: unknown[]
  const?: unknown
  /** option → Chinese name (the schemas' `.meta({ enumLabels })`) */
  enumLabels?: Record<string, string>
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  propertyNames?: JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  anyOf?: JsonSchema[]
}

export type FieldKind = 'object' | 'record' | 'array' | 'number' | 'integer' | 'string' | 'boolean' | 'enum' | 'nullable' | 'choice' | 'const' | 'unknown'

export interface RecordRow {
  key: string
  value: unknown
}

const isNull = (s: JsonSchema) => s.type === 'null'
const isStringy = (s: JsonSchema) => s.type === 'string' || (s.enum?.every(v => typeof v === 'string') ?? false) || typeof s.const === 'string'

/** The widget a schema node gets. `choice`: a union of strings (e.g. a pattern or ''), typed as text. */
export function kindOf(schema: JsonSchema): FieldKind {
  if (schema.anyOf) {
    const others = schema.anyOf.filter(s => !isNull(s))
    if (others.length === 1 && others.length < schema.anyOf.length) return 'nullable'
    return others.length === schema.anyOf.length && others.every(isStringy) ? 'choice' : 'unknown'
  }
  if (schema.enum) return 'enum'
  if (schema.const !== undefined) return 'const'
  switch (schema.type) {
    case 'object':
      if (schema.properties) return 'object'
      return typeof schema.additionalProperties === 'object' ? 'record' : 'object'
    case 'array':
      return schema.items ? 'array' : 'unknown'
    case 'number':
    case 'integer':
    case 'string':
    case 'boolean':
      return schema.type
    default:
      return 'unknown'
  }
}

/** The non-null alternative of a nullable node. */
export const innerOf = (schema: JsonSchema): JsonSchema => schema.anyOf?.find(s => !isNull(s)) ?? {}
/** A record's value schema. */
export const valueSchemaOf = (schema: JsonSchema): JsonSchema => (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {})

/** Where a node's texts are: zod puts `.meta()` given after `.nullable()` on the union, given before on the inner schema. */
function texts(schema: JsonSchema): JsonSchema {
  return !schema.title && !schema.description && kindOf(schema) === 'nullable' ? innerOf(schema) : schema
}

/** The field's Chinese label: `title`, else `description` (`.describe()`), else the fallback (the property name). */
export function labelOf(schema: JsonSchema, fallback: string): string {
  const t = texts(schema)
  return t.title || t.description || fallback
}

/** The hint under a field: its description when the title is the label. */
export function hintOf(schema: JsonSchema): string | undefined {
  const t = texts(schema)
  return t.title && t.description ? t.description : undefined
}

/** An enum option's Chinese name (`enumLabels`), else the option itself. */
export const optionLabel = (schema: JsonSchema, option: unknown): string => schema.enumLabels?.[String(option)] ?? String(option)

export const joinPath = (path: string, segment: string | number): string => (path ? `${path}.${segment}` : String(segment))

export const isRequired = (schema: JsonSchema, property: string): boolean => schema.required?.includes(property) ?? false

/** The draft of `value` (undefined: the node's default, else empty). */
export function toDraft(schema: JsonSchema, value: unknown): unknown {
  if (value === undefined && schema.default !== undefined) value = schema.default
  switch (kindOf(schema)) {
    case 'nullable':
      return value === null || value === undefined ? null : toDraft(innerOf(schema), value)
    case 'object': {
      const given = value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
      const props = schema.properties ?? {}
      return Object.fromEntries(Object.keys(props).map(k => [k, toDraft(props[k], given[k])]))
    }
    case 'record': {
      const given = value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
      return Object.entries(given).map(([key, v]): RecordRow => ({ key, value: toDraft(valueSchemaOf(schema), v) }))
    }
    case 'array': {
      const given = Array.isArray(value) ? value : []
      const rows = given.map(v => toDraft(schema.items!, v))
      while (rows.length < (schema.minItems ?? 0)) rows.push(toDraft(schema.items!, undefined))
      return rows
    }
    case 'number':
    case 'integer':
      return typeof value === 'number' ? String(value) : ''
    case 'string':
    case 'choice':
    case 'enum':
      return typeof value === 'string' ? value : ''
    case 'boolean':
      return value === true
    case 'const':
      return schema.const
    default:
      return value
  }
}

/** What a new array row, record entry or a nullable switched on starts from. */
export const newDraft = (schema: JsonSchema): unknown => toDraft(schema, undefined)

/**
 * The value the set action takes. An optional property left empty ('' or an empty number) is left
 * out (the function applies its default); text that is not a number stays text (validation says so).
 */
export function toWire(schema: JsonSchema, draft: unknown): unknown {
  switch (kindOf(schema)) {
    case 'nullable':
      return draft === null ? null : toWire(innerOf(schema), draft)
    case 'object': {
      const d = (draft ?? {}) as Record<string, unknown>
      const out: Record<string, unknown> = {}
      for (const [k, prop] of Object.entries(schema.properties ?? {})) {
        const v = toWire(prop, d[k])
        if ((v === undefined || v === '') && !isRequired(schema, k)) continue
        out[k] = v
      }
      return out
    }
    case 'record':
      return Object.fromEntries(((draft ?? []) as RecordRow[]).map(r => [r.key.trim(), toWire(valueSchemaOf(schema), r.value)]))
    case 'array':
      return ((draft ?? []) as unknown[]).map(d => toWire(schema.items!, d))
    case 'number':
    case 'integer': {
      const text = String(draft ?? '').trim()
      if (!text) return undefined
      const n = Number(text)
      return Number.isFinite(n) ? n : text
    }
    case 'boolean':
      return draft === true
    default:
      return draft
  }
}
