import { Input, Picker, Text, View } from '@tarojs/components'
import { FIELD_DEFS, enumOptions, fieldDef, isListOp, opText, opsFor, splitList, withField, withOp, type ConditionDraft, type Option } from './rule-draft'

/**
 * One condition: 字段 (picker), 条件 (picker) and the value — chips for known codes (one for 是/不是,
 * several for 是其中之一/都不是), 是/否 for 有记录, else typed (a list comma-separated).
 */
export default function ConditionRow(props: {
  index: number
  condition: ConditionDraft
  tiers: readonly Option[]
  error?: string
  canRemove: boolean
  onChange: (c: ConditionDraft) => void
  onRemove: () => void
}) {
  const { index, condition: c, onChange } = props
  const id = `segments-cond-${index}`
  const def = fieldDef(c.field)
  const ops = opsFor(c.field, c.op)
  const options = enumOptions(c.field, props.tiers)
  const list = isListOp(c.op)
  const picked = list ? splitList(c.text) : [c.text]

  const toggle = (value: string) => {
    if (!list) return onChange({ ...c, text: value })
    const next = picked.includes(value) ? picked.filter(v => v !== value) : [...picked, value]
    onChange({ ...c, text: next.join(',') })
  }

  let editor
  if (c.op === 'exists') {
    editor = (
      <View className='segments-chips'>
        {[
          { value: 'true', label: '是' },
          { value: 'false', label: '否' },
        ].map(o => (
          <View key={o.value} id={`${id}-opt-${o.value}`} className={`segments-chip ${c.text === o.value ? 'segments-chip-on' : ''}`} onClick={() => onChange({ ...c, text: o.value })}>
            {o.label}
          </View>
        ))}
      </View>
    )
  } else if (def.kind === 'enum' && options.length) {
    editor = (
      <View className='segments-chips'>
        {options.map(o => (
          <View key={o.value} id={`${id}-opt-${o.value}`} className={`segments-chip ${picked.includes(o.value) ? 'segments-chip-on' : ''}`} onClick={() => toggle(o.value)}>
            {o.label}
          </View>
        ))}
      </View>
    )
  } else {
    const placeholder = def.kind === 'date' ? '天数（30 即 30 天前）或日期 2024-03-01' : list ? '多个值用逗号分隔' : def.kind === 'money' ? '金额（元）' : (def.hint ?? '请输入')
    editor = (
      <Input
        id={`${id}-value`}
        className='segments-value-input'
        value={c.text}
        maxlength={list ? 1000 : 64}
        type={def.kind === 'number' || def.kind === 'money' ? 'digit' : 'text'}
        placeholder={placeholder}
        onInput={e => onChange({ ...c, text: e.detail.value })}
      />
    )
  }

  return (
    <View id={id} className='segments-cond'>
      <View className='segments-cond-line'>
        <Picker
          id={`${id}-field`}
          mode='selector'
          range={FIELD_DEFS.map(d => d.label)}
          value={FIELD_DEFS.findIndex(d => d.field === c.field)}
          onChange={e => onChange(withField(c, FIELD_DEFS[Number(e.detail.value)].field))}
        >
          <View className='segments-picker'>{def.label} ▾</View>
        </Picker>
        <Picker id={`${id}-op`} mode='selector' range={ops.map(op => opText(c.field, op))} value={ops.indexOf(c.op)} onChange={e => onChange(withOp(c, ops[Number(e.detail.value)]))}>
          <View className='segments-picker'>{opText(c.field, c.op)} ▾</View>
        </Picker>
        {props.canRemove ? (
          <Text id={`${id}-remove`} className='segments-cond-remove' aria-label='删除条件' onClick={props.onRemove}>
            ×
          </Text>
        ) : null}
      </View>
      {editor}
      {props.error ? (
        <Text id={`${id}-error`} className='error-text'>
          {props.error}
        </Text>
      ) : null}
    </View>
  )
}
