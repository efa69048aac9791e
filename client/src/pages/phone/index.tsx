import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { CONSENT_NEEDED_TEXT, PrivacyConsent, PrivacyGate, requirePrivacyConsent, withPrivacyConsent } from '../../components/privacy-consent'
import './index.css'

/** Seconds before 获取验证码 may be pressed again. */
const RESEND_SECONDS = 60
const PHONE_RE = /^1[3-9]\d{9}$/

function goBack() {
  if (Taro.getCurrentPages().length > 1) {
    Taro.navigateBack().catch(() => Taro.reLaunch({ url: '/pages/index/index' }))
  } else {
    void Taro.reLaunch({ url: '/pages/index/index' })
  }
}

/**
 * weapp: WeChat's getPhoneNumber button hands a one-time code that `member.bindPhone` exchanges
 * server-side. H5 (no WeChat): the number is typed and confirmed with a (local, fake) SMS code.
 */
export default function PhonePage() {
  const isH5 = process.env.TARO_ENV === 'h5'
  const [current, setCurrent] = useState<string | null | undefined>(undefined)
  const [phone, setPhone] = useState('')
  const [smsCode, setSmsCode] = useState('')
  const [devCode, setDevCode] = useState('')
  /** when 获取验证码 may be pressed again (ms epoch); the seconds shown are derived from the clock */
  const [cooldownUntil, setCooldownUntil] = useState(0)
  const [cooldown, setCooldown] = useState(0)
  const [sending, setSending] = useState(false)
  const [binding, setBinding] = useState(false)
  const [error, setError] = useState('')
  const [done, setDone] = useState(false)
  const bindingRef = useRef(false)
  const sendingRef = useRef(false)

  useEffect(() => {
    void memberApi
      .getProfile()
      .then(res => setCurrent(res.ok ? res.data.member.phone : null))
      .catch(() => setCurrent(null))
  }, [])

  useEffect(() => {
    if (!cooldownUntil) return
    const tick = () => {
      const left = Math.max(0, Math.ceil((cooldownUntil - Date.now()) / 1000))
      setCooldown(left)
      if (left === 0) setCooldownUntil(0)
    }
    tick()
    const timer = setInterval(tick, 1000)
    return () => clearInterval(timer)
  }, [cooldownUntil])

  const bind = useCallback(async (call: () => ReturnType<typeof memberApi.bindPhone>) => {
    if (bindingRef.current) return
    bindingRef.current = true
    setBinding(true)
    setError('')
    try {
      // the server's consent record says no (withdrawn elsewhere, a new guide): ask, then the same code again
      const res = await withPrivacyConsent(call)
      if (!res.ok) {
        setError(failText(res))
        return
      }
      setCurrent(res.data.member.phone)
      setDone(true)
      void Taro.showToast({ title: '绑定成功', icon: 'success' })
      setTimeout(goBack, 800)
    } catch (err) {
      setError(err instanceof Error ? err.message : '绑定失败，请重试')
    } finally {
      bindingRef.current = false
      setBinding(false)
    }
  }, [])

  const onWxPhone = (e: { detail: { code?: string; errMsg?: string } }) => {
    const { code, errMsg = '' } = e.detail ?? {}
    if (!code) {
      // WeChat fails a privacy API the member declined in the consent dialog with "privacy permission is not authorized"
      if (/privacy/i.test(errMsg)) setError(CONSENT_NEEDED_TEXT)
      else setError(/deny|cancel/i.test(errMsg) ? '你已取消授权，未绑定手机号' : `无法获取微信手机号${errMsg ? `（${errMsg}）` : ''}`)
      return
    }
    void bind(() => memberApi.bindPhone(code))
  }

  const sendCode = async () => {
    if (sendingRef.current || cooldown > 0) return
    const p = phone.trim()
    if (!PHONE_RE.test(p)) {
      setError('请输入 11 位手机号')
      return
    }
    sendingRef.current = true
    setSending(true)
    setError('')
    try {
      // the number goes to the server: consent to the 用户隐私保护指引 first
      if (!(await requirePrivacyConsent())) {
        setError(CONSENT_NEEDED_TEXT)
        return
      }
      const res = await withPrivacyConsent(() => memberApi.requestPhoneCode(p))
      if (!res.ok) {
        setError(failText(res))
        return
      }
      setCooldown(RESEND_SECONDS)
      setCooldownUntil(Date.now() + RESEND_SECONDS * 1000)
      setDevCode(res.data.devCode ?? '')
      void Taro.showToast({ title: '验证码已发送', icon: 'none' })
    } catch (err) {
      setError(err instanceof Error ? err.message : '发送失败，请重试')
    } finally {
      sendingRef.current = false
      setSending(false)
    }
  }

  const submitSms = async () => {
    const p = phone.trim()
    const c = smsCode.trim()
    if (!PHONE_RE.test(p)) {
      setError('请输入 11 位手机号')
      return
    }
    if (!/^\d{6}$/.test(c)) {
      setError('请输入 6 位验证码')
      return
    }
    if (!(await requirePrivacyConsent())) {
      setError(CONSENT_NEEDED_TEXT)
      return
    }
    void bind(() => memberApi.bindPhoneBySms(p, c))
  }

  return (
    <View className='page'>
      <View className='card'>
        <Text className='muted'>当前手机号</Text>
        <View id='phone-current' className='phone-current'>
          {current === undefined ? '加载中…' : current || '未绑定'}
        </View>
        <Text className='muted'>手机号仅用于会员身份识别，店员看到的是打码后的号码。</Text>
      </View>

      {isH5 ? (
        <View className='card'>
          <View className='phone-field'>
            <Text className='phone-label'>手机号</Text>
            <Input id='phone-input' className='phone-input' type='number' maxlength={11} placeholder='请输入 11 位手机号' value={phone} onInput={e => setPhone(e.detail.value)} />
          </View>
          <View className='phone-field'>
            <Text className='phone-label'>验证码</Text>
            <Input id='phone-sms-input' className='phone-input' type='number' maxlength={6} placeholder='6 位验证码' value={smsCode} onInput={e => setSmsCode(e.detail.value)} />
            <Button id='phone-send-code' className='phone-send-code' size='mini' disabled={sending || cooldown > 0 || undefined} onClick={() => void sendCode()}>
              {sending ? '发送中…' : cooldown > 0 ? `${cooldown} 秒后重新获取` : '获取验证码'}
            </Button>
          </View>
          {devCode ? (
            <View id='phone-dev-code' className='phone-dev-code'>
              本地演示验证码：{devCode}
            </View>
          ) : null}
        </View>
      ) : null}

      {error ? (
        <View id='phone-error' className='error-text phone-error'>
          {error}
        </View>
      ) : null}

      {isH5 ? (
        <Button id='phone-submit' className='btn-primary' disabled={binding || done || undefined} onClick={() => void submitSms()}>
          {binding ? '绑定中…' : '绑定手机号'}
        </Button>
      ) : (
        <PrivacyGate id='phone-consent' onRefused={() => setError(CONSENT_NEEDED_TEXT)}>
          <Button id='phone-wx' className='btn-primary' openType='getPhoneNumber' disabled={binding || done || undefined} onGetPhoneNumber={onWxPhone}>
            {binding ? '绑定中…' : '微信手机号快捷绑定'}
          </Button>
        </PrivacyGate>
      )}

      <PrivacyConsent />
    </View>
  )
}
