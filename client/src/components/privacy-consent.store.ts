/**
 * What the app knows about the member's consent to the 用户隐私保护指引, and the one consent request
 * open at a time (WeChat's onNeedPrivacyAuthorization and the app's own requirePrivacyConsent() share
 * it: one dialog answers both). Plain module state with subscribers; no service calls here, so
 * services/member.ts can record what `login` says without an import cycle.
 */
import type { ConsentOutputs, PrivacyState } from '../../../types/consent'

/** WeChat's resolve (Taro.onNeedPrivacyAuthorization's first argument). */
export type WechatResolve = (option: { event: 'exposureAuthorization' | 'agree' | 'disagree'; buttonId?: string }) => void

export type PrivacyGuide = ConsentOutputs['privacyPolicy']

export interface ConsentRequest {
  /** WeChat's privacy API calls waiting for the answer */
  wechat: WechatResolve[]
  /** requirePrivacyConsent() calls waiting (true: agreed) */
  waiters: Array<(agreed: boolean) => void>
  /** a page with the dialog was showing when it was asked (else it went to the guide page) */
  hosted: boolean
}

export interface ConsentSnapshot {
  /** null: not known yet (not signed in, or the guide could not be read) */
  state: PrivacyState | null
  guide: PrivacyGuide | null
  request: ConsentRequest | null
}

let snapshot: ConsentSnapshot = { state: null, guide: null, request: null }
const listeners = new Set<() => void>()
/** dialogs on pages that are showing now (useDidShow / useDidHide) */
const activeDialogs = new Set<symbol>()

function update(patch: Partial<ConsentSnapshot>): void {
  snapshot = { ...snapshot, ...patch }
  listeners.forEach(l => l())
}

export const consentStore = {
  snapshot: (): ConsentSnapshot => snapshot,
  subscribe(listener: () => void): () => void {
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
    }
  },

  /** From `login`, `agreePrivacy` or `withdrawPrivacy`. */
  setState(state: PrivacyState): void {
    update({ state })
  },
  /** From `privacyPolicy`: the guide, and the state it implies. */
  setGuide(guide: PrivacyGuide): void {
    update({ guide, state: { version: guide.policy.version, upToDate: guide.upToDate } })
  },

  dialogShown(token: symbol): void {
    activeDialogs.add(token)
  },
  dialogHidden(token: symbol): void {
    activeDialogs.delete(token)
  },
  hasActiveDialog: (): boolean => activeDialogs.size > 0,

  /** Joins the open request or opens one; true when it is new. */
  open(asker: { wechat?: WechatResolve; waiter?: (agreed: boolean) => void }): boolean {
    const current = snapshot.request
    const request: ConsentRequest = {
      wechat: [...(current?.wechat ?? []), ...(asker.wechat ? [asker.wechat] : [])],
      waiters: [...(current?.waiters ?? []), ...(asker.waiter ? [asker.waiter] : [])],
      hosted: current ? current.hosted : activeDialogs.size > 0,
    }
    update({ request })
    return !current
  },

  /** Tells WeChat the member agreed (after the agreePrivacyAuthorization button); app waiters keep waiting for the record. */
  agreeWithWechat(buttonId: string): void {
    const request = snapshot.request
    if (!request?.wechat.length) return
    const wechat = request.wechat
    update({ request: { ...request, wechat: [] } })
    wechat.forEach(resolve => resolve({ event: 'agree', buttonId }))
  },

  /**
   * Answers everyone waiting and closes the request. An agreement leaves open any WeChat call that
   * asked meanwhile: WeChat accepts `agree` only right after a tap on the agree button.
   */
  settle(agreed: boolean): void {
    const request = snapshot.request
    if (!request) return
    const wechatLeft = agreed && request.wechat.length > 0
    update({ request: wechatLeft ? { ...request, waiters: [] } : null })
    if (!agreed) request.wechat.forEach(resolve => resolve({ event: 'disagree' }))
    request.waiters.forEach(waiter => waiter(agreed))
  },

  /** Tests only: forget everything. */
  reset(): void {
    activeDialogs.clear()
    snapshot = { state: null, guide: null, request: null }
    listeners.forEach(l => l())
  },
}
