import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { StaffOutputs } from '../../../../types/staff'
import { needsSignIn, redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { staffApi } from '../../services/staff'
import { PageError, PageLoading } from '../../components/page-state'
import StaffDenied from '../components/denied'
import { isDenied, till, tillErrorText, type ServedMember } from '../till'
import '../staff.css'

type Me = { status: 'loading' } | { status: 'denied' } | { status: 'error'; message: string } | { status: 'ready'; me: StaffOutputs['me'] }

const CODE_RE = /^\d{18}$/
const PHONE_RE = /^1[3-9]\d{9}$/

/** Scanning the member code, typing it, or finding the member by phone: who is being served. */
export default function ScanPage() {
  const isH5 = process.env.TARO_ENV === 'h5'
  const [me, setMe] = useState<Me>(() => {
    const cached = till.me()
    return cached ? { status: 'ready', me: cached } : { status: 'loading' }
  })
  const [served, setServed] = useState<ServedMember | null>(() => till.served())
  const [code, setCode] = useState('')
  const [phone, setPhone] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const busyRef = useRef(false)

  const loadMe = useCallback(async () => {
    if (needsSignIn()) {
      redirectToSignIn()
      return
    }
    setMe(s => (s.status === 'ready' ? s : { status: 'loading' }))
    try {
      const res = await staffApi.me()
      if (res.ok) {
        till.setMe(res.data)
        setMe({ status: 'ready', me: res.data })
      } else if (isDenied(res)) {
        till.setMe(null)
        setMe({ status: 'denied' })
      } else {
        setMe({ status: 'error', message: failText(res) })
      }
    } catch (err) {
      setMe({ status: 'error', message: err instanceof Error ? err.message : '加载失败，请重试' })
    }
  }, [])

  useEffect(() => {
    void loadMe()
  }, [loadMe])

  // back from the result page (继续收银): the till may have been cleared
  useDidShow(() => {
    setServed(till.served())
  })

  const identify = async (
    call: () => ReturnType<typeof staffApi.verifyCode>,
    via: ServedMember['via'],
    refOf: (m: ServedMember['member']) => ServedMember['ref'],
  ) => {
    if (busyRef.current) return
    busyRef.current = true
    setBusy(true)
    setError('')
    try {
      const res = await call()
      if (!res.ok) {
        if (isDenied(res)) setMe({ status: 'denied' })
        setError(tillErrorText(res))
        return
      }
      const next: ServedMember = { member: res.data.member, ref: refOf(res.data.member), via }
      till.serve(next)
      setServed(next)
      setCode('')
      setPhone('')
    } catch (err) {
      setError(err instanceof Error ? err.message : '网络异常，请重试')
    } finally {
      busyRef.current = false
      setBusy(false)
    }
  }

  const lookupCode = (raw: string) => {
    const value = raw.replace(/\s+/g, '')
    if (!CODE_RE.test(value)) {
      setError('会员码为 18 位数字，请核对')
      return
    }
    // the purchase names the member by this code again: the server checks it once more and uses it up
    void identify(() => staffApi.verifyCode(value), 'code', () => ({ code: value }))
  }

  const lookupPhone = () => {
    const value = phone.trim()
    if (!PHONE_RE.test(value)) {
      setError('请输入 11 位手机号')
      return
    }
    void identify(() => staffApi.findMemberByPhone(value), 'phone', m => ({ memberNo: m.memberNo }))
  }

  /** weapp only: the camera. (H5's scanCode is a stub that may "succeed" without scanning.) */
  const scan = async () => {
    if (busyRef.current) return
    setError('')
    try {
      const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] })
      const text = (res.result ?? '').trim()
      if (!text) {
        setError('没有识别到会员码，请重试')
        return
      }
      lookupCode(text)
    } catch (err) {
      const msg = typeof err === 'object' && err && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : ''
      if (/cancel/i.test(msg)) return
      setError(`扫码失败${msg ? `（${msg}）` : ''}，可手动输入会员码`)
    }
  }

  if (me.status === 'denied') return <StaffDenied />
  if (me.status === 'loading') {
    return <PageLoading id='till-loading' />
  }
  if (me.status === 'error') {
    return <PageError id='till-load-error' retryId='till-retry' message={me.message} onRetry={() => void loadMe()} />
  }

  return (
    <View className='page'>
      <View id='till-store' className='card till-store'>
        <View>
          <Text className='till-section-title'>{me.me.storeName}</Text>
          <Text className='muted'>店员：{me.me.name}</Text>
        </View>
        <Button id='till-today-entry' className='till-header-button' size='mini' onClick={() => void Taro.navigateTo({ url: '/staff/today/index' })}>
          今日流水
        </Button>
      </View>

      {served ? (
        <View id='till-member' className='card'>
          <Text id='till-member-nickname' className='till-member-name'>{served.member.nickname}</Text>
          <View className='till-member-line'>
            <Text className='muted'>会员号</Text>
            <Text id='till-member-no'>{served.member.memberNo}</Text>
          </View>
          <View className='till-member-line'>
            <Text className='muted'>手机号</Text>
            <Text id='till-member-phone'>{served.member.maskedPhone || '未绑定'}</Text>
          </View>
          <View className='till-member-line'>
            <Text className='muted'>等级</Text>
            <Text id='till-member-tier'>{served.member.tierName}</Text>
          </View>
          <View className='till-member-line'>
            <Text className='muted'>积分</Text>
            <Text id='till-member-points'>{served.member.points}</Text>
          </View>
          <View className='till-member-line'>
            <Text className='muted'>可用优惠券</Text>
            <Text id='till-member-coupons'>{served.member.availableCoupons} 张</Text>
          </View>
          <View className='till-actions'>
            <Button id='till-purchase' className='btn-primary' onClick={() => void Taro.navigateTo({ url: '/staff/purchase/index' })}>
              录入消费
            </Button>
            <Button
              id='till-clear'
              className='till-secondary'
              onClick={() => {
                till.clear()
                setServed(null)
                setError('')
              }}
            >
              换一位会员
            </Button>
          </View>
        </View>
      ) : (
        <View className='card'>
          <Text className='till-section-title'>识别会员</Text>
          {!isH5 ? (
            <Button id='till-scan' className='btn-primary' disabled={busy || undefined} onClick={() => void scan()}>
              扫描会员码
            </Button>
          ) : null}
          <View className='till-field'>
            <Input
              id='till-code-input'
              className='till-input'
              type={isH5 ? 'text' : 'number'}
              maxlength={24}
              placeholder='输入 18 位会员码'
              value={code}
              onInput={e => setCode(e.detail.value)}
              onConfirm={e => lookupCode(String(e.detail.value ?? code))}
            />
            <Button id='till-code-submit' className='till-field-button' size='mini' disabled={busy || undefined} onClick={() => lookupCode(code)}>
              确认
            </Button>
          </View>
          <View className='till-field'>
            <Input
              id='till-phone-input'
              className='till-input'
              type='number'
              maxlength={11}
              placeholder='按手机号查找'
              value={phone}
              onInput={e => setPhone(e.detail.value)}
            />
            <Button id='till-phone-submit' className='till-field-button' size='mini' disabled={busy || undefined} onClick={lookupPhone}>
              查找
            </Button>
          </View>
          {busy ? <Text id='till-busy' className='muted'>查询中…</Text> : null}
        </View>
      )}

      {error ? (
        <View id='till-error' className='error-text till-error'>
          {error}
        </View>
      ) : null}
    </View>
  )
}
