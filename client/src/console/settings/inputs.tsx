/** The 设置 form's leaf widgets: number, text, switch, picker, and what the form cannot edit. */
import type { ReactNode } from 'react'
import { Input, Picker, Switch, Text, View } from '@tarojs/components'
import { hintOf, kindOf, optionLabel, type JsonSchema } from './json-schema'

export interface FieldProps {
  schema: JsonSchema
  /** the draft (json-schema.ts) */
  value: unknown
  onChange: (next: unknown) => void
  /** the value path errors name (`storeMultipliers.x`) */
  path: string
  /** the DOM id (stable: array rows and record entries by position) */
  id: string
  /** '' when the surrounding row already names it */
  label: string
  required: boolean
  errors: ReadonlyMap<string, string[]>
}

/** A field's messages, under it. */
export function FieldErrors({ id, messages }: { id: string; messages: readonly string[] | undefined }) {
  if (!messages?.length) return null
  return (
    <Text id={`${id}-error`} className='error-text settings-error'>
      {messages.join('；')}
    </Text>
  )
}

/** Label, control, hint and errors of one leaf field. */
export function FieldShell(props: FieldProps & { children: ReactNode }) {
  const hint = hintOf(props.schema)
  return (
    <View className='settings-field' data-path={props.path}>
      {props.label ? (
        <Text className='settings-label'>
          {props.label}
          {props.required ? '' : '（选填）'}
        </Text>
      ) : null}
      <View className='settings-control'>
        {props.children}
        {hint ? <Text className='settings-hint'>{hint}</Text> : null}
        <FieldErrors id={props.id} messages={props.errors.get(props.path)} />
      </View>
    </View>
  )
}

const BIG = 1e15

function rangeText(s: JsonSchema): string {
  const min = s.minimum ?? s.exclusiveMinimum
  const max = s.maximum !== undefined && s.maximum < BIG ? s.maximum : undefined
  if (min !== undefined && max !== undefined) return `${min}–${max}`
  if (min !== undefined) return `≥ ${min}`
  return max !== undefined ? `≤ ${max}` : ''
}

export function NumberField(props: FieldProps) {
  const s = props.schema
  // the number keypads have no minus sign
  const type = s.minimum !== undefined && s.minimum >= 0 ? (s.type === 'integer' ? 'number' : 'digit') : 'text'
  return (
    <FieldShell {...props}>
      <Input id={props.id} className='settings-input' type={type} value={String(props.value ?? '')} placeholder={rangeText(s)} onInput={e => props.onChange(e.detail.value)} />
    </FieldShell>
  )
}

/** Text; a union of strings (a pattern or '') too: the schema's alternatives are checked on save. */
export function TextField(props: FieldProps) {
  const s = props.schema
  const placeholder = s.format === 'date-time' ? '如 2026-11-11T00:00:00+08:00' : kindOf(s) === 'choice' ? '' : s.maxLength ? `最多 ${s.maxLength} 字` : ''
  return (
    <FieldShell {...props}>
      <Input id={props.id} className='settings-input' value={String(props.value ?? '')} maxlength={s.maxLength ?? 140} placeholder={placeholder} onInput={e => props.onChange(e.detail.value)} />
    </FieldShell>
  )
}

export function BooleanField(props: FieldProps) {
  return (
    <FieldShell {...props}>
      <Switch id={props.id} checked={props.value === true} color='#b8860b' onChange={e => props.onChange(!!e.detail.value)} />
    </FieldShell>
  )
}

/** An enum: a picker of the Chinese names (`enumLabels`), the code beside each. */
export function EnumField(props: FieldProps) {
  const options = props.schema.enum ?? []
  const names = options.map(o => (optionLabel(props.schema, o) === String(o) ? String(o) : `${optionLabel(props.schema, o)}（${String(o)}）`))
  const index = options.indexOf(props.value)
  return (
    <FieldShell {...props}>
      <Picker id={props.id} mode='selector' range={names} value={Math.max(0, index)} onChange={e => props.onChange(options[Number(e.detail.value)])}>
        <View id={`${props.id}-text`} className={`settings-picker ${index < 0 ? 'muted' : ''}`}>
          {index < 0 ? '请选择' : names[index]}
        </View>
      </Picker>
    </FieldShell>
  )
}

/** What the form cannot edit is kept as it is (saved unchanged). */
export function ReadOnlyField(props: FieldProps) {
  return (
    <FieldShell {...props}>
      <Text id={props.id} className='settings-readonly muted'>
        {JSON.stringify(props.value) ?? '—'}（此项请在云开发控制台修改）
      </Text>
    </FieldShell>
  )
}
