/**
 * A form generated from a JSON Schema: object → fieldset, number/integer → number input (min/max),
 * string → input (maxLength; pattern checked on save), boolean → switch, enum → picker, array →
 * rows with 添加/删除, record → key/value rows, nullable → a 设置 switch over the inner field.
 * Labels are the schema's titles/descriptions; each field shows the messages for its path.
 * Ids: `<idPrefix>-<property>-<row>-…` (array rows and record entries by position).
 */
import { Switch, Text, View } from '@tarojs/components'
import { innerOf, isRequired, joinPath, kindOf, labelOf, newDraft, type JsonSchema } from './json-schema'
import { ArrayField, Legend, RecordField } from './collections'
import { BooleanField, EnumField, FieldErrors, FieldShell, NumberField, ReadOnlyField, TextField, type FieldProps } from './inputs'

function ObjectField(props: FieldProps) {
  const d = (props.value ?? {}) as Record<string, unknown>
  const properties = props.schema.properties ?? {}
  const fields = Object.entries(properties).map(([k, s]) => (
    <SchemaField
      key={k}
      schema={s}
      value={d[k]}
      onChange={v => props.onChange({ ...d, [k]: v })}
      path={joinPath(props.path, k)}
      id={`${props.id}-${k}`}
      label={labelOf(s, k)}
      required={isRequired(props.schema, k)}
      errors={props.errors}
    />
  ))
  // the root has no frame: the page shows its title and its errors
  if (!props.path) return <View id={props.id}>{fields}</View>
  return (
    <View id={props.id} className={props.label ? 'settings-fieldset' : 'settings-group'}>
      <Legend {...props} />
      {fields}
    </View>
  )
}

/** null or the inner field: 设置 switches between them (cycleDays, quietHours, a coupon template …). */
function NullableField(props: FieldProps) {
  const set = props.value !== null && props.value !== undefined
  const inner = innerOf(props.schema)
  return (
    <View className='settings-nullable'>
      <FieldShell {...props} errors={set ? new Map() : props.errors}>
        <View className='settings-switch-line'>
          <Switch id={`${props.id}-set`} checked={set} color='#b8860b' onChange={e => props.onChange(e.detail.value ? newDraft(inner) : null)} />
          <Text className='muted'>{set ? '已设置' : '不设置'}</Text>
        </View>
      </FieldShell>
      {set ? <SchemaField {...props} schema={inner} label='' /> : null}
    </View>
  )
}

/** One field of any kind. */
export function SchemaField(props: FieldProps) {
  switch (kindOf(props.schema)) {
    case 'object':
      return <ObjectField {...props} />
    case 'record':
      return <RecordField {...props} Field={SchemaField} />
    case 'array':
      return <ArrayField {...props} Field={SchemaField} />
    case 'nullable':
      return <NullableField {...props} />
    case 'number':
    case 'integer':
      return <NumberField {...props} />
    case 'string':
    case 'choice':
      return <TextField {...props} />
    case 'boolean':
      return <BooleanField {...props} />
    case 'enum':
      return <EnumField {...props} />
    case 'const':
      return (
        <FieldShell {...props}>
          <Text id={props.id}>{String(props.value)}</Text>
        </FieldShell>
      )
    default:
      return <ReadOnlyField {...props} />
  }
}

/** The whole form; `errors` by path ('' = the form as a whole, shown first). */
export default function SchemaForm(props: { schema: JsonSchema; value: unknown; onChange: (next: unknown) => void; errors: ReadonlyMap<string, string[]>; idPrefix: string }) {
  return (
    <View className='settings-form'>
      <FieldErrors id={props.idPrefix} messages={props.errors.get('')} />
      <SchemaField schema={props.schema} value={props.value} onChange={props.onChange} path='' id={props.idPrefix} label='' required errors={props.errors} />
    </View>
  )
}
