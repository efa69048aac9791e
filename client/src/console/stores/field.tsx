import { Input, Text, View } from '@tarojs/components'

/** One labelled input of the 门店与店员 forms, its error under it (`<id>-error`). */
export default function StoresField(props: {
  id: string
  label: string
  value: string
  placeholder?: string
  maxlength: number
  error?: string
  disabled?: boolean
  onInput: (value: string) => void
}) {
  return (
    <View className='stores-field'>
      <View className='m360-field'>
        <Text className='m360-field-label'>{props.label}</Text>
        <Input
          id={props.id}
          className='m360-field-input'
          value={props.value}
          maxlength={props.maxlength}
          placeholder={props.placeholder}
          disabled={props.disabled}
          onInput={e => props.onInput(e.detail.value)}
        />
      </View>
      {props.error ? (
        <Text id={`${props.id}-error`} className='error-text stores-error'>
          {props.error}
        </Text>
      ) : null}
    </View>
  )
}
