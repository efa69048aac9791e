import { useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { consoleApi, type AdjustPointsAnswer } from '../../services/console'
import { failText } from '../../services/errors'
import { newRequestId } from '../../utils/request-id'
import { DELTA_MAX, REASON_MAX, errorOf, reasonError } from './form-utils'

/**
 * 调整积分: a signed whole number (扣减 with a minus) and a reason (audited). One requestId per
 * submission, reused when the same delta and reason are sent again (a retry books once).
 */
export default function AdjustPointsForm(props: { memberNo: string; balance: number; onDone: (answer: AdjustPointsAnswer) => void; onCancel: () => void }) {
  const [delta, setDelta] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const pending = useRef<{ key: string; id: string } | null>(null)

  const submit = async () => {
    const text = delta.trim()
    const n = Number(text)
    if (!/^[+-]?\d+$/.test(text) || n === 0) return setError('请输入非 0 的整数积分，扣减请用负数（如 -50）')
    if (Math.abs(n) > DELTA_MAX) return setError(`单次调整不能超过 ${DELTA_MAX} 积分`)
    if (n < 0 && -n > props.balance) return setError(`扣减不能超过当前可用积分 ${props.balance}`)
    const bad = reasonError(reason, '调整原因')
    if (bad) return setError(bad)
    const why = reason.trim()
    const key = `${n}|${why}`
    if (pending.current?.key !== key) pending.current = { key, id: newRequestId('adj') }
    setBusy(true)
    setError('')
    try {
      const res = await consoleApi.adjustPoints({ memberNo: props.memberNo, delta: n, reason: why, requestId: pending.current.id })
      if (!res.ok) return setError(failText(res))
      pending.current = null
      void Taro.showToast({ title: `已调整，余额 ${res.data.balance}`, icon: 'success' })
      props.onDone(res.data)
    } catch (err) {
      setError(errorOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View id='m360-adjust-form' className='m360-form'>
      <View className='m360-field'>
        <Text className='m360-field-label'>积分</Text>
        <Input
          id='m360-adjust-delta'
          className='m360-field-input'
          value={delta}
          maxlength={8}
          placeholder={`如 100 或 -50（可用 ${props.balance}）`}
          onInput={e => {
            setDelta(e.detail.value)
            setError('')
          }}
        />
      </View>
      <View className='m360-field'>
        <Text className='m360-field-label'>原因</Text>
        <Input
          id='m360-adjust-reason'
          className='m360-field-input'
          value={reason}
          maxlength={REASON_MAX}
          placeholder='如：客诉补偿（记入审计）'
          onInput={e => {
            setReason(e.detail.value)
            setError('')
          }}
        />
      </View>
      {error ? (
        <Text id='m360-adjust-error' className='error-text'>
          {error}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id='m360-adjust-submit' className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={() => void submit()}>
          {busy ? '提交中' : '确认调整'}
        </Button>
        <Button id='m360-adjust-cancel' className='m360-action' size='mini' onClick={props.onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}
