/**
 * Arrays (rows with 添加 / 删除 / 上移, within minItems–maxItems) and records (key → value rows) of
 * the 设置 form. Children render through `Field` (the dispatcher), passed in to keep the modules acyclic.
 */
import type { ComponentType } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { hintOf, joinPath, labelOf, newDraft, valueSchemaOf, type RecordRow } from './json-schema'
import { FieldErrors, type FieldProps } from './inputs'

type WithField = FieldProps & { Field: ComponentType<FieldProps> }

/** A fieldset's title, hint and own errors (a refinement on the whole array or record lands here). */
export function Legend(props: FieldProps) {
  const hint = hintOf(props.schema)
  return (
    <View className='settings-legend-box'>
      {props.label ? <Text className='settings-legend'>{props.label}</Text> : null}
      {hint ? <Text className='settings-hint'>{hint}</Text> : null}
      <FieldErrors id={props.id} messages={props.errors.get(props.path)} />
    </View>
  )
}

export function ArrayField(props: WithField) {
  const { schema, Field } = props
  const rows = (props.value ?? []) as unknown[]
  const items = schema.items ?? {}
  const itemLabel = labelOf(items, '项')
  const fixed = schema.minItems !== undefined && schema.minItems === schema.maxItems
  const canAdd = !fixed && (schema.maxItems === undefined || rows.length < schema.maxItems)
  const canRemove = !fixed && rows.length > (schema.minItems ?? 0)
  const set = (next: unknown[]) => props.onChange(next)
  return (
    <View id={props.id} className='settings-fieldset'>
      <Legend {...props} />
      {rows.length === 0 ? <Text className='settings-hint'>暂无，点「添加」新增</Text> : null}
      {rows.map((row, i) => (
        <View key={i} id={`${props.id}-${i}-row`} className='settings-row'>
          <Field
            schema={items}
            value={row}
            onChange={v => set(rows.map((r, j) => (j === i ? v : r)))}
            path={joinPath(props.path, i)}
            id={`${props.id}-${i}`}
            label={`${itemLabel} ${i + 1}`}
            required
            errors={props.errors}
          />
          <View className='settings-row-actions'>
            {i > 0 ? (
              <Button id={`${props.id}-${i}-up`} className='settings-mini' size='mini' onClick={() => set([...rows.slice(0, i - 1), row, rows[i - 1], ...rows.slice(i + 1)])}>
                上移
              </Button>
            ) : null}
            {canRemove ? (
              <Button id={`${props.id}-${i}-remove`} className='settings-mini settings-danger' size='mini' onClick={() => set(rows.filter((_r, j) => j !== i))}>
                删除
              </Button>
            ) : null}
          </View>
        </View>
      ))}
      {canAdd ? (
        <Button id={`${props.id}-add`} className='settings-mini settings-add' size='mini' onClick={() => set([...rows, newDraft(items)])}>
          添加{itemLabel}
        </Button>
      ) : null}
    </View>
  )
}

export function RecordField(props: WithField) {
  const { Field } = props
  const rows = (props.value ?? []) as RecordRow[]
  const keySchema = props.schema.propertyNames ?? {}
  const values = valueSchemaOf(props.schema)
  const keyLabel = labelOf(keySchema, '键')
  const valueLabel = labelOf(values, '值')
  const set = (next: RecordRow[]) => props.onChange(next)
  const setRow = (i: number, row: RecordRow) => set(rows.map((r, j) => (j === i ? row : r)))
  return (
    <View id={props.id} className='settings-fieldset'>
      <Legend {...props} />
      {rows.length === 0 ? <Text className='settings-hint'>暂无，点「添加」新增</Text> : null}
      {rows.map((row, i) => (
        <View key={i} id={`${props.id}-${i}-row`} className='settings-row settings-kv'>
          <View className='settings-field'>
            <Text className='settings-label'>{keyLabel}</Text>
            <Input
              id={`${props.id}-${i}-key`}
              className='settings-input'
              value={row.key}
              maxlength={keySchema.maxLength ?? 64}
              placeholder={keyLabel}
              onInput={e => setRow(i, { ...row, key: e.detail.value })}
            />
          </View>
          <Field
            schema={values}
            value={row.value}
            onChange={v => setRow(i, { ...row, value: v })}
            path={row.key.trim() ? joinPath(props.path, row.key.trim()) : `${props.path}.#${i}`}
            id={`${props.id}-${i}-value`}
            label={valueLabel}
            required
            errors={props.errors}
          />
          <View className='settings-row-actions'>
            <Button id={`${props.id}-${i}-remove`} className='settings-mini settings-danger' size='mini' onClick={() => set(rows.filter((_r, j) => j !== i))}>
              删除
            </Button>
          </View>
        </View>
      ))}
      <Button id={`${props.id}-add`} className='settings-mini settings-add' size='mini' onClick={() => set([...rows, { key: '', value: newDraft(values) }])}>
        添加{keyLabel}
      </Button>
    </View>
  )
}
