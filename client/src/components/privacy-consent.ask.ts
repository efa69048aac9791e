/**
 * The consent requests behind the dialog (privacy-consent.tsx): WeChat's onNeedPrivacyAuthorization,
 * the app's own requirePrivacyConsent(), loading the guide, and the dialog's two answers.
 */
import { useSyncExternalStore } from 'react'
import Taro from '@tarojs/taro'
import type { Result } from '../../../types/result'
import { failText } from '../services/errors'
import { memberApi } from '../services/member'
import { consentStore, type ConsentSnapshot, type PrivacyGuide, type WechatResolve } from './privacy-consent.store'

export const PRIVACY_POLICY_URL = '/pages/privacy-policy/index'
export const AGREE_BUTTON_ID = 'privacy-consent-agree'
/** What a page says when the member declined (the feature is not used, nothing else changes). */
export const CONSENT_NEEDED_TEXT = '需要先同意《用户隐私保护指引》才能使用此功能'

const isH5 = () => process.env.TARO_ENV === 'h5'

export function useConsentSnapshot(): ConsentSnapshot {
  return useSyncExternalStore(consentStore.subscribe, consentStore.snapshot, consentStore.snapshot)
}

let guideLoading: Promise<Result<PrivacyGuide>> | null = null

/** member.privacyPolicy, kept in the store; concurrent callers share one call. Never throws. */
export function loadPrivacyGuide(): Promise<Result<PrivacyGuide>> {
  if (guideLoading) return guideLoading
  guideLoading = (async (): Promise<Result<PrivacyGuide>> => {
    try {
      const res = await memberApi.privacyPolicy()
      if (res.ok) consentStore.setGuide(res.data)
      return res
    } catch (err) {
      return { ok: false, code: 'INTERNAL', message: err instanceof Error ? err.message : '隐私保护指引加载失败' }
    } finally {
      guideLoading = null
    }
  })()
  return guideLoading
}

function ask(asker: { wechat?: WechatResolve; waiter?: (agreed: boolean) => void }): void {
  const isNew = consentStore.open(asker)
  if (consentStore.hasActiveDialog()) {
    // tell WeChat its request is being shown (optional in its contract, counted by the platform)
    asker.wechat?.({ event: 'exposureAuthorization' })
  } else if (isNew) {
    void Promise.resolve(Taro.navigateTo({ url: PRIVACY_POLICY_URL })).catch(() => consentStore.settle(false))
  }
}

let registered = false
/** app.ts, once: WeChat's privacy check answers through our dialog (weapp only; H5 has no such hook). */
export function registerPrivacyAuthorization(): void {
  const taro = Taro as unknown as { onNeedPrivacyAuthorization?: (listener: (resolve: WechatResolve) => void) => void }
  if (registered || isH5() || typeof taro.onNeedPrivacyAuthorization !== 'function') return
  registered = true
  taro.onNeedPrivacyAuthorization(resolve => ask({ wechat: resolve }))
}

/**
 * Before a personal-data feature: true at once when the member agreed to the current guide, else
 * after the dialog's answer. When the record cannot be read (offline, signed out) it answers true:
 * the feature's own server call cannot succeed then either, and on weapp WeChat's check still applies.
 */
export async function requirePrivacyConsent(): Promise<boolean> {
  if (!consentStore.snapshot().state) await loadPrivacyGuide()
  const state = consentStore.snapshot().state
  if (!state || state.upToDate) return true
  return new Promise<boolean>(resolve => ask({ waiter: resolve }))
}

/**
 * A personal-data call (phone binding, a new avatar or nickname) that the server refused with
 * PRIVACY_CONSENT_REQUIRED — its record says no: never agreed, withdrawn, or an older guide than what
 * the app knew — asks with the same dialog and, after 同意, sends the same request once more. Declined
 * (or refused again), the answer is the server's refusal, which says why.
 */
export async function withPrivacyConsent<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  const first = await call()
  if (first.ok || first.code !== 'PRIVACY_CONSENT_REQUIRED') return first
  // what the app knew was stale: read the member's record again (the gates cover their controls again)
  await loadPrivacyGuide()
  const agreed = await new Promise<boolean>(resolve => ask({ waiter: resolve }))
  return agreed ? call() : first
}

/** The dialog's 同意: WeChat first (right after the tap, as it requires), then the member's record. */
export async function agree(): Promise<string | null> {
  consentStore.agreeWithWechat(AGREE_BUTTON_ID)
  let version = consentStore.snapshot().guide?.policy.version ?? consentStore.snapshot().state?.version
  if (!version) {
    const loaded = await loadPrivacyGuide()
    if (!loaded.ok) return failText(loaded)
    version = loaded.data.policy.version
  }
  try {
    const res = await memberApi.agreePrivacy(version)
    if (!res.ok) {
      // the guide changed while it was read: show the new one
      if (res.code === 'FAILED_PRECONDITION') await loadPrivacyGuide()
      return failText(res)
    }
    const guide = consentStore.snapshot().guide
    if (guide) consentStore.setGuide({ ...guide, consent: res.data.consent, upToDate: true })
    else consentStore.setState({ version, upToDate: true })
    consentStore.settle(true)
    return null
  } catch (err) {
    return err instanceof Error ? err.message : '提交失败，请重试'
  }
}

export function disagree(): void {
  consentStore.settle(false)
  void Taro.showToast({ title: '未同意隐私保护指引，相关功能暂不可用', icon: 'none' })
}
