import { Button, Input, Text, View } from '@tarojs/components'
import { UNDO_WINDOW_MINUTES } from '../components/coupon-rules'
import '../staff.css'

interface Props {
  open: boolean
  reason: string
  undoing: boolean
  error: string
  onOpen: () => void
  onReason: (value: string) => void
  onCancel: () => void
  onSubmit: () => void
}

/** 撤销核销: a button, then the reason (required) with 取消 / 确认撤销. */
export default function UndoForm({ open, reason, undoing, error, onOpen, onReason, onCancel, onSubmit }: Props) {
  if (!open) {
    return (
      <View className='refund-form'>
        <Button id='writeoff-undo-open' className='refund-open' size='mini' onClick={onOpen}>
          撤销核销
        </Button>
        <Text className='muted'>{UNDO_WINDOW_MINUTES} 分钟内可撤销</Text>
      </View>
    )
  }
  return (
    <View className='refund-form refund-form-open'>
      <View className='refund-field'>
        <Text className='refund-label'>撤销原因</Text>
        <Input
          id='writeoff-undo-reason'
          className='refund-input'
          maxlength={100}
          placeholder='必填，如：顾客取消、核销错券'
          disabled={undoing || undefined}
          value={reason}
          onInput={e => onReason(e.detail.value)}
        />
      </View>
      {error ? (
        <View id='writeoff-undo-error' className='error-text refund-error'>
          {error}
        </View>
      ) : null}
      <View className='refund-actions'>
        <Button id='writeoff-undo-cancel' className='refund-cancel' size='mini' disabled={undoing || undefined} onClick={onCancel}>
          取消
        </Button>
        <Button id='writeoff-undo-submit' className='refund-submit' size='mini' disabled={undoing || undefined} onClick={onSubmit}>
          {undoing ? '撤销中…' : '确认撤销'}
        </Button>
      </View>
    </View>
  )
}
