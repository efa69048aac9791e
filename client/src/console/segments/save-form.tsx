import { Button, Input, Text, View } from '@tarojs/components'

export interface SaveMeta {
  segmentId: string
  name: string
}

/** What is wrong, by field (`segmentId`, `name`) or about the whole save (`form`). */
export type SaveErrors = Partial<Record<'segmentId' | 'name' | 'form', string>>

/** 保存: the segment's 编号 (its id, lower-case letters, digits, _ and -) and 名称; the function checks both. */
export default function SaveForm(props: { meta: SaveMeta; errors: SaveErrors; busy: boolean; editing: boolean; onChange: (meta: SaveMeta) => void; onSave: () => void }) {
  const { meta, errors } = props
  return (
    <View id='segments-save' className='card segments-save'>
      <Text className='segments-section-title'>{props.editing ? '保存修改' : '保存为人群'}</Text>
      <View className='m360-field'>
        <Text className='m360-field-label'>编号</Text>
        <Input
          id='segments-save-id'
          className='m360-field-input'
          value={meta.segmentId}
          maxlength={40}
          placeholder='如 sleeping-gold（小写字母、数字、_、-）'
          onInput={e => props.onChange({ ...meta, segmentId: e.detail.value })}
        />
      </View>
      {errors.segmentId ? (
        <Text id='segments-save-id-error' className='error-text'>
          {errors.segmentId}
        </Text>
      ) : null}
      <View className='m360-field'>
        <Text className='m360-field-label'>名称</Text>
        <Input
          id='segments-save-name'
          className='m360-field-input'
          value={meta.name}
          maxlength={30}
          placeholder='如：沉睡的金卡会员'
          onInput={e => props.onChange({ ...meta, name: e.detail.value })}
        />
      </View>
      {errors.name ? (
        <Text id='segments-save-name-error' className='error-text'>
          {errors.name}
        </Text>
      ) : null}
      {errors.form ? (
        <Text id='segments-save-error' className='error-text'>
          {errors.form}
        </Text>
      ) : null}
      <Button id='segments-save-submit' className='btn-primary segments-save-button' size='mini' disabled={props.busy || undefined} onClick={props.onSave}>
        {props.busy ? '保存中' : '保存'}
      </Button>
    </View>
  )
}
