/**
 * The 设置 form's own checks, from what the JSON Schema says (ranges, lengths, patterns, required,
 * item counts, record keys), in Chinese and before anything is sent; and where each issue is shown.
 * Refinements are not in the schema: the set action checks them and its issues are placed the same way.
 */
import { innerOf, isRequired, joinPath, kindOf, valueSchemaOf, type JsonSchema, type RecordRow } from './json-schema'

export interface FieldIssue {
  /** dotted, from the value's root: `storeMultipliers.x`, `promotions.0.end`; '' is the whole form */
  path: string
  message: string
}

const EXAMPLE_INSTANT = '2026-11-11T00:00:00+08:00'
/** z.number().int() has no maximum of its own: JSON Schema gets MAX_SAFE_INTEGER, not worth saying */
const NO_LIMIT = Number.MAX_SAFE_INTEGER

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text)
  } catch {
    // a pattern this engine cannot compile: the function decides
    return true
  }
}

function numberIssue(schema: JsonSchema, draft: unknown, required: boolean): string | null {
  const text = String(draft ?? '').trim()
  if (!text) return required ? '请填写' : null
  const n = Number(text)
  if (!Number.isFinite(n)) return '请输入数字'
  if (schema.type === 'integer' && !Number.isInteger(n)) return '请输入整数'
  if (schema.minimum !== undefined && n < schema.minimum) return `不能小于 ${schema.minimum}`
  if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum) return `须大于 ${schema.exclusiveMinimum}`
  if (schema.maximum !== undefined && schema.maximum < NO_LIMIT && n > schema.maximum) return `不能大于 ${schema.maximum}`
  if (schema.exclusiveMaximum !== undefined && n >= schema.exclusiveMaximum) return `须小于 ${schema.exclusiveMaximum}`
  return null
}

function stringIssue(schema: JsonSchema, text: string, required: boolean): string | null {
  if (!text && !required) return null
  if (schema.const !== undefined) return text === schema.const ? null : '取值不正确'
  if (schema.enum) return schema.enum.includes(text) ? null : '请选择'
  if (schema.minLength !== undefined && text.length < schema.minLength) return text ? `至少 ${schema.minLength} 个字` : '请填写'
  if (schema.maxLength !== undefined && text.length > schema.maxLength) return `最多 ${schema.maxLength} 个字`
  if (schema.pattern && !matches(schema.pattern, text)) {
    if (!text) return '请填写'
    return schema.format === 'date-time' ? `时间格式应为 ${EXAMPLE_INSTANT}` : '格式不正确'
  }
  return null
}

/** Every issue the schema can tell about the draft (empty: nothing the form can see is wrong). */
export function validateDraft(schema: JsonSchema, draft: unknown, path = '', required = true): FieldIssue[] {
  const at = (message: string | null, where = path): FieldIssue[] => (message ? [{ path: where, message }] : [])
  switch (kindOf(schema)) {
    case 'nullable':
      return draft === null ? [] : validateDraft(innerOf(schema), draft, path, true)
    case 'object': {
      const d = (draft ?? {}) as Record<string, unknown>
      return Object.entries(schema.properties ?? {}).flatMap(([k, prop]) => validateDraft(prop, d[k], joinPath(path, k), isRequired(schema, k)))
    }
    case 'record': {
      const rows = (draft ?? []) as RecordRow[]
      const keys = rows.map(r => r.key.trim())
      const keySchema = schema.propertyNames ?? {}
      return rows.flatMap((row, i) => {
        const key = keys[i]
        if (!key) return at('有一行的键没有填写')
        const where = joinPath(path, key)
        const keyProblem = keys.indexOf(key) !== i ? '重复' : stringIssue(keySchema, key, true)
        return [...at(keyProblem && `键「${key}」${keyProblem}`, where), ...validateDraft(valueSchemaOf(schema), row.value, where, true)]
      })
    }
    case 'array': {
      const rows = (draft ?? []) as unknown[]
      const count =
        schema.minItems !== undefined && rows.length < schema.minItems
          ? `至少 ${schema.minItems} 项`
          : schema.maxItems !== undefined && rows.length > schema.maxItems
            ? `最多 ${schema.maxItems} 项`
            : null
      return [...at(count), ...rows.flatMap((d, i) => validateDraft(schema.items!, d, joinPath(path, i), true))]
    }
    case 'number':
    case 'integer':
      return at(numberIssue(schema, draft, required))
    case 'string':
    case 'enum':
    case 'const':
      return at(stringIssue(schema, String(draft ?? ''), required))
    case 'choice': {
      const text = String(draft ?? '')
      if (!text && !required) return []
      return at(schema.anyOf!.some(alt => !stringIssue(alt, text, true)) ? null : text ? '格式不正确' : '请填写')
    }
    default:
      return []
  }
}

/** Every path the form shows a field (or fieldset) for. */
export function fieldPaths(schema: JsonSchema, draft: unknown, path = '', out = new Set<string>()): Set<string> {
  out.add(path)
  switch (kindOf(schema)) {
    case 'nullable':
      if (draft !== null) fieldPaths(innerOf(schema), draft, path, out)
      break
    case 'object':
      for (const [k, prop] of Object.entries(schema.properties ?? {})) fieldPaths(prop, ((draft ?? {}) as Record<string, unknown>)[k], joinPath(path, k), out)
      break
    case 'record':
      for (const row of (draft ?? []) as RecordRow[]) if (row.key.trim()) fieldPaths(valueSchemaOf(schema), row.value, joinPath(path, row.key.trim()), out)
      break
    case 'array':
      ;((draft ?? []) as unknown[]).forEach((d, i) => fieldPaths(schema.items!, d, joinPath(path, i), out))
      break
  }
  return out
}

/**
 * Each issue at the field it names, or at the nearest field above it (a refinement on an array
 * lands on the array, one on the whole document on the form). Path → messages, without repeats.
 */
export function placeIssues(schema: JsonSchema, draft: unknown, issues: readonly FieldIssue[]): Map<string, string[]> {
  const shown = fieldPaths(schema, draft)
  const placed = new Map<string, string[]>()
  for (const issue of issues) {
    let path = issue.path
    while (path && !shown.has(path)) path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : ''
    const list = placed.get(path) ?? []
    if (!list.includes(issue.message)) list.push(issue.message)
    placed.set(path, list)
  }
  return placed
}

/** The function's issue paths name the event field first (`rules.storeMultipliers.x`): the form's start after it. */
export function fromEventPaths(field: string, issues: ReadonlyArray<{ path: string; message: string }>): FieldIssue[] {
  return issues.map(i => ({ path: i.path === field ? '' : i.path.startsWith(`${field}.`) ? i.path.slice(field.length + 1) : i.path, message: i.message }))
}
