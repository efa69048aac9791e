import { useEffect, useState } from 'react'
import { Button, Input, Picker, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Member360 } from '../../../../types/console'
import type { TierDef } from '../../../../types/tiers'
import { consoleApi } from '../../services/console'
import { failText } from '../../services/errors'
import { shanghaiDateText } from '../../utils/format'
import { REASON_MAX, endOfShanghaiDay, errorOf, reasonError, shanghaiToday } from './form-utils'

type Ladder = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; tiers: TierDef[] }

/**
 * 等级保底: a tier of the ladder (`getTierLadder`) the member never drops below, until the end of a
 * Shanghai day or with no end; with a reason (audited). A floor in force can be 取消.
 */
export default function TierFloorForm(props: { memberNo: string; current: Member360['tierManual']; onDone: () => void; onCancel: () => void }) {
  const [ladder, setLadder] = useState<Ladder>({ status: 'loading' })
  const [tierId, setTierId] = useState<string | null>(props.current?.tierId ?? null)
  const [until, setUntil] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const today = shanghaiToday()

  const load = async () => {
    setLadder({ status: 'loading' })
    try {
      const res = await consoleApi.getTierLadder()
      if (res.ok) setLadder({ status: 'ready', tiers: res.data.rules.tiers })
      else setLadder({ status: 'error', message: failText(res) })
    } catch (err) {
      setLadder({ status: 'error', message: errorOf(err) })
    }
  }
  useEffect(() => {
    void load()
  }, [])

  const run = async (call: () => ReturnType<typeof consoleApi.clearMemberTier>, done: string) => {
    setBusy(true)
    setError('')
    try {
      const res = await call()
      if (!res.ok) return setError(failText(res))
      void Taro.showToast({ title: done, icon: 'success' })
      props.onDone()
    } catch (err) {
      setError(errorOf(err))
    } finally {
      setBusy(false)
    }
  }

  const submit = () => {
    if (!tierId) return setError('请选择保底等级')
    if (until && until < today) return setError('截止日期不能早于今天')
    const bad = reasonError(reason)
    if (bad) return setError(bad)
    void run(() => consoleApi.setTierFloor({ memberNo: props.memberNo, tierId, until: until ? endOfShanghaiDay(until) : null, reason: reason.trim() }), '已设置等级保底')
  }

  const clear = () => {
    const bad = reasonError(reason, '取消原因')
    if (bad) return setError(bad)
    void run(() => consoleApi.clearMemberTier({ memberNo: props.memberNo, reason: reason.trim() }), '已取消保底')
  }

  return (
    <View id='m360-tier-form' className='m360-form'>
      {ladder.status === 'loading' ? <Text className='muted'>加载等级…</Text> : null}
      {ladder.status === 'error' ? (
        <View>
          <Text id='m360-tier-load-error' className='error-text'>
            {ladder.message}
          </Text>
          <Button id='m360-tier-retry' size='mini' onClick={() => void load()}>
            重试
          </Button>
        </View>
      ) : null}
      {ladder.status === 'ready' ? (
        <View id='m360-tier-options' className='console-chips' role='radiogroup'>
          {ladder.tiers.map(t => (
            <View
              key={t.tierId}
              id={`m360-tier-option-${t.tierId}`}
              className={`console-chip ${tierId === t.tierId ? 'console-chip-on' : ''}`}
              role='radio'
              aria-checked={tierId === t.tierId ? 'true' : 'false'}
              onClick={() => {
                setTierId(t.tierId)
                setError('')
              }}
            >
              {t.name}
            </View>
          ))}
        </View>
      ) : null}
      <View className='m360-field'>
        <Text className='m360-field-label'>截止</Text>
        <Picker id='m360-tier-until' mode='date' value={until || today} start={today} onChange={e => setUntil(String(e.detail.value))}>
          <Text id='m360-tier-until-text'>{until ? `${until}（含当天）` : '不限期（点此选择日期）'}</Text>
        </Picker>
        {until ? (
          <Text id='m360-tier-until-clear' className='m360-untag' onClick={() => setUntil('')}>
            不限期
          </Text>
        ) : null}
      </View>
      <View className='m360-field'>
        <Text className='m360-field-label'>原因</Text>
        <Input
          id='m360-tier-reason'
          className='m360-field-input'
          value={reason}
          maxlength={REASON_MAX}
          placeholder='如：大客户协议（记入审计）'
          onInput={e => {
            setReason(e.detail.value)
            setError('')
          }}
        />
      </View>
      {props.current ? (
        <Text className='m360-item-sub'>
          当前{props.current.mode === 'floor' ? '保底' : '指定'}：{props.current.tierName}
          {props.current.until ? `，至 ${shanghaiDateText(props.current.until)}` : '，不限期'}
        </Text>
      ) : null}
      {error ? (
        <Text id='m360-tier-error' className='error-text'>
          {error}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id='m360-tier-submit' className='m360-action btn-primary' size='mini' disabled={busy || ladder.status !== 'ready' || undefined} onClick={submit}>
          {busy ? '保存中' : '设置保底'}
        </Button>
        {props.current ? (
          <Button id='m360-tier-clear' className='m360-action' size='mini' disabled={busy || undefined} onClick={clear}>
            取消保底
          </Button>
        ) : null}
        <Button id='m360-tier-cancel' className='m360-action' size='mini' onClick={props.onCancel}>
          关闭
        </Button>
      </View>
    </View>
  )
}
