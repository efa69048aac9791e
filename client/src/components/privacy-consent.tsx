/**
 * Consent to the 用户隐私保护指引 before personal-data APIs (avatar, nickname, phone number, clipboard).
 *
 * weapp: WeChat calls the listener registered once in app.ts (`Taro.onNeedPrivacyAuthorization`)
 * when a privacy API needs consent; the `PrivacyConsent` dialog of the page showing answers it — its
 * 同意 is an `openType='agreePrivacyAuthorization'` button (WeChat checks that the button was tapped),
 * 拒绝 answers `disagree` and the API fails. WeChat keeps its own record, which a withdrawal here
 * cannot reset, so on both platforms `requirePrivacyConsent()` (and `PrivacyGate`) also ask when the
 * member's own record (member.privacyPolicy / login) is missing or names an older guide. A request
 * made where no dialog is showing opens the guide page, whose bottom bar answers it. The server refuses
 * phone binding and a new avatar or nickname without the member's record (PRIVACY_CONSENT_REQUIRED):
 * `withPrivacyConsent(call)` then asks and sends the request again.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow } from '@tarojs/taro'
import { consentStore } from './privacy-consent.store'
import { AGREE_BUTTON_ID, PRIVACY_POLICY_URL, agree, disagree, loadPrivacyGuide, requirePrivacyConsent, useConsentSnapshot } from './privacy-consent.ask'
import './privacy-consent.css'

export {
  AGREE_BUTTON_ID,
  CONSENT_NEEDED_TEXT,
  PRIVACY_POLICY_URL,
  loadPrivacyGuide,
  registerPrivacyAuthorization,
  requirePrivacyConsent,
  useConsentSnapshot,
  withPrivacyConsent,
} from './privacy-consent.ask'

const isH5 = () => process.env.TARO_ENV === 'h5'

/**
 * The consent dialog; put one on every page that uses avatar, nickname, phone or clipboard. `variant='bar'`:
 * the guide page's bottom bar (the text is the page). `onSettled`: after this dialog answered.
 */
export function PrivacyConsent({ variant = 'modal', onSettled }: { variant?: 'modal' | 'bar'; onSettled?: (agreed: boolean) => void }) {
  const snap = useConsentSnapshot()
  const token = useRef(Symbol('privacy-consent'))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  useEffect(() => {
    const me = token.current
    consentStore.dialogShown(me)
    return () => {
      consentStore.dialogHidden(me)
      const request = consentStore.snapshot().request
      // leaving with the question open: a modal's page is gone, and the guide page was this request's
      // only answer unless it was opened from a showing dialog (which shows it again)
      if (request && !consentStore.hasActiveDialog() && (variant === 'modal' || !request.hosted)) consentStore.settle(false)
    }
  }, [variant])
  useDidShow(() => consentStore.dialogShown(token.current))
  useDidHide(() => consentStore.dialogHidden(token.current))

  const open = !!snap.request
  useEffect(() => {
    if (open && !snap.guide) void loadPrivacyGuide()
    if (!open) setError('')
  }, [open, snap.guide])

  if (!open) return null
  const policy = snap.guide?.policy

  const onAgree = async () => {
    if (busy) return
    setBusy(true)
    setError('')
    const failed = await agree()
    setBusy(false)
    if (failed) setError(failed)
    else onSettled?.(true)
  }
  const onDisagree = () => {
    disagree()
    onSettled?.(false)
  }

  const agreeButton = isH5() ? (
    <Button id={AGREE_BUTTON_ID} className='btn-primary privacy-consent-button' disabled={busy || undefined} onClick={() => void onAgree()}>
      {busy ? '提交中…' : '同意'}
    </Button>
  ) : (
    <Button id={AGREE_BUTTON_ID} className='btn-primary privacy-consent-button' openType='agreePrivacyAuthorization' disabled={busy || undefined} onAgreePrivacyAuthorization={() => void onAgree()}>
      {busy ? '提交中…' : '同意'}
    </Button>
  )

  const body = (
    <View id='privacy-consent' className={`privacy-consent privacy-consent-${variant}`}>
      <Text className='privacy-consent-title'>{policy?.title ?? '用户隐私保护指引'}</Text>
      {variant === 'modal' ? (
        <Text id='privacy-consent-summary' className='privacy-consent-summary'>
          {policy?.summary ?? '加载中…'}
        </Text>
      ) : null}
      {variant === 'modal' ? (
        <Text id='privacy-consent-link' className='privacy-consent-link' onClick={() => void Taro.navigateTo({ url: PRIVACY_POLICY_URL })}>
          阅读完整的《{policy?.title ?? '用户隐私保护指引'}》›
        </Text>
      ) : (
        <Text className='privacy-consent-summary muted'>请阅读以上指引，同意后才能使用头像、昵称、手机号、剪贴板等功能。</Text>
      )}
      {error ? (
        <Text id='privacy-consent-error' className='error-text privacy-consent-error'>
          {error}
        </Text>
      ) : null}
      <View className='privacy-consent-actions'>
        <Button id='privacy-consent-disagree' className='privacy-consent-button' disabled={busy || undefined} onClick={onDisagree}>
          拒绝
        </Button>
        {agreeButton}
      </View>
    </View>
  )
  return variant === 'modal' ? <View className='privacy-consent-mask'>{body}</View> : body
}

/**
 * Covers `children` (a chooseAvatar / getPhoneNumber button, an avatar file input, the nickname field) while the member's
 * consent is known to be missing or out of date: a tap asks first. After 同意 the real control is
 * there; `onAllowed` may continue (default: a hint to tap again), `onRefused` explain.
 */
export function PrivacyGate({ id, children, onAllowed, onRefused }: { id: string; children: ReactNode; onAllowed?: () => void; onRefused?: () => void }) {
  const { state } = useConsentSnapshot()
  useEffect(() => {
    if (!consentStore.snapshot().state) void loadPrivacyGuide()
  }, [])
  if (!state || state.upToDate) return <>{children}</>
  const onTap = async () => {
    if (!(await requirePrivacyConsent())) return onRefused?.()
    if (onAllowed) onAllowed()
    else void Taro.showToast({ title: '已同意，请再点一次', icon: 'none' })
  }
  return (
    <View className='privacy-gate'>
      {children}
      <View id={id} className='privacy-gate-cover' onClick={() => void onTap()} />
    </View>
  )
}
