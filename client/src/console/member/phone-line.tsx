import { useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import type { Member360 } from '../../../../types/console'
import { consoleApi } from '../../services/console'
import { failText } from '../../services/errors'
import { REASON_MAX, REASON_MIN, errorOf } from './form-utils'

/** 显示: the full phone after the operator gives a reason (audited by the function). */
export default function PhoneLine({ view }: { view: Member360 }) {
  const { member, can } = view
  const [phone, setPhone] = useState<string | null>(null)
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    const text = reason.trim()
    if (text.length < REASON_MIN) {
      setError(`请写明查看原因（至少 ${REASON_MIN} 个字）`)
      return
    }
    setBusy(true)
    setError('')
    try {
      const res = await consoleApi.revealPhone(member.memberNo, text)
      if (res.ok) {
        setPhone(res.data.phone)
        setAsking(false)
      } else setError(failText(res))
    } catch (err) {
      setError(errorOf(err))
    } finally {
      setBusy(false)
    }
  }

  if (!member.hasPhone) {
    return (
      <View className='m360-phone'>
        <Text id='m360-phone' className='muted'>
          未绑定手机号
        </Text>
      </View>
    )
  }
  return (
    <View>
      <View className='m360-phone'>
        <Text id='m360-phone'>{phone ?? member.maskedPhone ?? '—'}</Text>
        {can.revealPhone && !phone && !asking ? (
          <Button id='m360-reveal' className='m360-reveal' size='mini' onClick={() => setAsking(true)}>
            显示
          </Button>
        ) : null}
      </View>
      {asking ? (
        <View id='m360-reveal-form' className='m360-form'>
          <View className='m360-field'>
            <Text className='m360-field-label'>查看原因</Text>
            <Input
              id='m360-reveal-reason'
              className='m360-field-input'
              value={reason}
              maxlength={REASON_MAX}
              placeholder='如：客户来电核实身份（记入审计）'
              onInput={e => {
                setReason(e.detail.value)
                setError('')
              }}
            />
          </View>
          {error ? (
            <Text id='m360-reveal-error' className='error-text'>
              {error}
            </Text>
          ) : null}
          <View className='m360-actions'>
            <Button id='m360-reveal-submit' className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={() => void submit()}>
              {busy ? '查询中' : '确认显示'}
            </Button>
            <Button id='m360-reveal-cancel' className='m360-action' size='mini' onClick={() => setAsking(false)}>
              取消
            </Button>
          </View>
        </View>
      ) : null}
    </View>
  )
}
