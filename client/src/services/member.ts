import type { MemberOutputs, ProfilePatch } from '../../../types/member'
import type { CouponState } from '../../../types/coupons'
import type { Result } from '../../../types/result'
import type { TaskId } from '../../../types/tasks'
import type { ReminderKind } from '../../../types/reminders'
import { callFunction } from './cloud'
import { consentStore } from '../components/privacy-consent.store'

type Out<K extends keyof MemberOutputs> = Promise<Result<MemberOutputs[K]>>

/** The `member` cloud function's actions (contracts in types/member.ts). */
export const memberApi = {
  /**
   * `inviteCode`: the inviter's member number from a shared card; `scene`: a 渠道码's launch scene
   * (both count only for a member this call creates).
   */
  async login(inviteCode?: string, scene?: string): Out<'login'> {
    const event = { action: 'login', ...(inviteCode ? { inviteCode } : {}), ...(scene ? { scene } : {}) }
    const res = await callFunction<MemberOutputs['login']>('member', event)
    // whether to ask for consent before avatar / phone / clipboard (components/privacy-consent.tsx)
    if (res.ok && res.data.privacy) consentStore.setState(res.data.privacy)
    return res
  },
  getProfile(): Out<'getProfile'> {
    return callFunction('member', { action: 'getProfile' })
  },
  updateProfile(patch: ProfilePatch): Out<'updateProfile'> {
    return callFunction('member', { action: 'updateProfile', patch })
  },
  getPoints(): Out<'getPoints'> {
    return callFunction('member', { action: 'getPoints' })
  },
  pointsHistory(offset: number, limit: number): Out<'pointsHistory'> {
    return callFunction('member', { action: 'pointsHistory', offset, limit })
  },
  /** 消费记录: the member's purchases (till, online / POS, imported history), newest first, with the total. */
  myPurchases(offset: number, limit: number): Out<'myPurchases'> {
    return callFunction('member', { action: 'myPurchases', offset, limit })
  },
  /** The member's tier card: tier, growth value, progress to the next tier, a pending downgrade. */
  myTier(): Out<'myTier'> {
    return callFunction('member', { action: 'myTier' })
  },
  recommendations(limit = 6): Out<'recommendations'> {
    return callFunction('member', { action: 'recommendations', limit })
  },
  /** views and clicks, batched; `requestId` makes a resend harmless */
  track(requestId: string, events: Array<{ type: 'view' | 'click'; productId: string; source?: string }>): Out<'track'> {
    return callFunction('member', { action: 'track', requestId, events })
  },
  getCodeKey(): Out<'getCodeKey'> {
    return callFunction('member', { action: 'getCodeKey' })
  },
  /** H5 / local only: a fake SMS code (the emulator answers it as `devCode`). */
  requestPhoneCode(phone: string): Out<'requestPhoneCode'> {
    return callFunction('member', { action: 'requestPhoneCode', phone })
  },
  /** weapp: the code from `<Button openType="getPhoneNumber">`, exchanged server-side. */
  bindPhone(wxCode: string): Out<'bindPhone'> {
    return callFunction('member', { action: 'bindPhone', wxCode })
  },
  bindPhoneBySms(phone: string, smsCode: string): Out<'bindPhoneBySms'> {
    return callFunction('member', { action: 'bindPhoneBySms', phone, smsCode })
  },
  exportMyData(): Out<'exportMyData'> {
    return callFunction('member', { action: 'exportMyData' })
  },
  deleteMyAccount(): Out<'deleteMyAccount'> {
    return callFunction('member', { action: 'deleteMyAccount', confirm: true })
  },
  /** 用户隐私保护指引 and the member's consent (use loadPrivacyGuide in components/privacy-consent.tsx: it keeps the answer). */
  privacyPolicy(): Out<'privacyPolicy'> {
    return callFunction('member', { action: 'privacyPolicy' })
  },
  /** `version`: the guide the member was shown; an older one is FAILED_PRECONDITION. */
  agreePrivacy(version: string): Out<'agreePrivacy'> {
    return callFunction('member', { action: 'agreePrivacy', version })
  },
  withdrawPrivacy(): Out<'withdrawPrivacy'> {
    return callFunction('member', { action: 'withdrawPrivacy' })
  },

  /** `credited: false` when today was already checked in (nothing credited twice). */
  checkIn(): Out<'checkIn'> {
    return callFunction('member', { action: 'checkIn' })
  },
  checkinCalendar(): Out<'checkinCalendar'> {
    return callFunction('member', { action: 'checkinCalendar' })
  },
  /** `day`: YYYY-MM-DD, one of the calendar's `makeup.missedDays`. */
  makeUpCheckin(day: string, payWith: 'points' | 'card'): Out<'makeUpCheckin'> {
    return callFunction('member', { action: 'makeUpCheckin', day, payWith })
  },
  claimCenter(): Out<'claimCenter'> {
    return callFunction('member', { action: 'claimCenter' })
  },
  /** `requestId`: one per tap, reused on retry: the same id never issues twice. */
  claimCoupon(templateId: string, requestId: string): Out<'claimCoupon'> {
    return callFunction('member', { action: 'claimCoupon', templateId, requestId })
  },
  myCoupons(state: CouponState, offset: number, limit: number): Out<'myCoupons'> {
    return callFunction('member', { action: 'myCoupons', state, offset, limit })
  },
  couponDetail(couponId: string): Out<'couponDetail'> {
    return callFunction('member', { action: 'couponDetail', couponId })
  },
  pointsMall(): Out<'pointsMall'> {
    return callFunction('member', { action: 'pointsMall' })
  },
  /** `requestId`: one per exchange, reused on retry: points are never spent twice. */
  exchangeCoupon(templateId: string, requestId: string): Out<'exchangeCoupon'> {
    return callFunction('member', { action: 'exchangeCoupon', templateId, requestId })
  },
  tasks(): Out<'tasks'> {
    return callFunction('member', { action: 'tasks' })
  },
  claimTaskReward(taskId: TaskId): Out<'claimTaskReward'> {
    return callFunction('member', { action: 'claimTaskReward', taskId })
  },
  myInvites(): Out<'myInvites'> {
    return callFunction('member', { action: 'myInvites' })
  },

  /** 提醒设置: each reminder kind with the member's choice, and the templates to offer next (`askTemplateIds`). */
  reminderPreferences(): Out<'reminderPreferences'> {
    return callFunction('member', { action: 'reminderPreferences' })
  },
  /**
   * `result`: exactly what Taro.requestSubscribeMessage resolved with (template id → accept / reject /
   * ban / filter; errMsg is ignored). `requestId`: one per subscribe dialog, reused on retry: an accept is
   * never counted twice.
   */
  reportSubscribe(requestId: string, result: Record<string, string>): Out<'reportSubscribe'> {
    return callFunction('member', { action: 'reportSubscribe', requestId, result })
  },
  setReminderPreference(kind: ReminderKind, on: boolean): Out<'setReminderPreference'> {
    return callFunction('member', { action: 'setReminderPreference', kind, on })
  },

  /** 净推荐值: whether to ask now, and about which recent purchase (`ask: false` with the reason otherwise). */
  /** 生日礼: the birthday week (open or next), whether this year's gift is claimed, what it is. */
  birthdayGift(): Out<'birthdayGift'> {
    return callFunction('member', { action: 'birthdayGift' })
  },
  /** Once per birthday year, during the birthday week (else NOT_BIRTHDAY_WEEK). */
  claimBirthdayGift(): Out<'claimBirthdayGift'> {
    return callFunction('member', { action: 'claimBirthdayGift' })
  },
  npsPrompt(): Out<'npsPrompt'> {
    return callFunction('member', { action: 'npsPrompt' })
  },
  /** `score` 0–10, `comment` up to NPS_COMMENT_MAX (types/nps.ts); a resend for the same purchase comes back `replayed`. */
  submitNps(purchaseId: string, score: number, comment: string): Out<'submitNps'> {
    return callFunction('member', { action: 'submitNps', purchaseId, score, comment })
  },
  /** 以后再说: counts as asked (no question for NPS_COOLDOWN_DAYS). */
  dismissNps(purchaseId: string): Out<'dismissNps'> {
    return callFunction('member', { action: 'dismissNps', purchaseId })
  },
  /** 不再询问 (`true`), until turned back on (`false`). */
  setNpsOptOut(optOut: boolean): Out<'setNpsOptOut'> {
    return callFunction('member', { action: 'setNpsOptOut', optOut })
  },

  /** 添加专属顾问 (WeCom): the advisor's contact-me code, or the store's staff's (`advisor` null: none on WeCom). */
  myAdvisor(): Out<'myAdvisor'> {
    return callFunction('member', { action: 'myAdvisor' })
  },
}
