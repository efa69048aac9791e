/**
 * Consent to the 用户隐私保护指引 before avatar / phone / clipboard: WeChat's onNeedPrivacyAuthorization
 * answered by the page's dialog (agree with the button id, disagree), a page without the dialog
 * sending the member to the guide page, the app's own check (requirePrivacyConsent, PrivacyGate)
 * when the member's record is missing or out of date, the guide page, and 撤回同意.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { setGetPhoneNumberResult } from './doubles/components'
import { callFunction } from '../../client/src/services/cloud'
import { memberApi } from '../../client/src/services/member'
import { CONSENT_NEEDED_TEXT, PrivacyConsent, registerPrivacyAuthorization, requirePrivacyConsent } from '../../client/src/components/privacy-consent'
import { consentStore, type WechatResolve } from '../../client/src/components/privacy-consent.store'
import PhonePage from '../../client/src/pages/phone/index'
import ProfilePage from '../../client/src/pages/profile/index'
import PrivacyPage from '../../client/src/pages/privacy/index'
import PrivacyPolicyPage from '../../client/src/pages/privacy-policy/index'
import type { ConsentOutputs, PrivacyPolicy } from '../../types/consent'
import type { Result } from '../../types/result'
import { member, ok } from './fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())
// the components double taps only through onClick: an agreePrivacyAuthorization button reports its own event, as on weapp
jest.mock('@tarojs/components', () => {
  const actual = jest.requireActual('./doubles/components')
  return {
    ...actual,
    Button: (props: any) => actual.Button(props.openType === 'agreePrivacyAuthorization' ? { ...props, onClick: (e: unknown) => props.onAgreePrivacyAuthorization?.(e) } : props),
  }
})

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)

const POLICY: PrivacyPolicy = {
  version: '2026-03',
  title: '会员隐私指引',
  summary: '我们处理你的昵称、头像、手机号和消费记录，用于提供会员服务。',
  sections: [
    { heading: '我们收集的信息', body: '手机号：确认会员身份。\n消费记录：计算积分。' },
    { heading: '你的权利', body: '你可以导出、删除数据或撤回同意。' },
  ],
}
type Guide = ConsentOutputs['privacyPolicy']
const guide = (over: Partial<Guide> = {}): Guide => ({ policy: POLICY, updatedAt: '2026-03-01T02:00:00.000Z', consent: null, withdrawnAt: null, upToDate: false, ...over })
const agreed = guide({ consent: { version: POLICY.version, agreedAt: '2026-03-05T06:05:00.000Z' }, upToDate: true })
const agreeAnswer = ok({ consent: { version: POLICY.version, agreedAt: '2026-03-10T02:00:00.000Z' }, upToDate: true as const, replayed: false })

function backend(more: Handlers = {}) {
  routeCalls(call, {
    'member.privacyPolicy': ok(guide()),
    'member.agreePrivacy': agreeAnswer,
    'member.getProfile': ok({ member: member() }),
    'member.requestPhoneCode': ok({ sent: true, expiresInSeconds: 300, devCode: '246810' }),
    ...more,
  })
}

let wechatListener: (resolve: WechatResolve, info: { referrer: string }) => void
beforeAll(() => {
  ;(Taro as any).onNeedPrivacyAuthorization = jest.fn()
  registerPrivacyAuthorization()
  registerPrivacyAuthorization() // once, however often the app launches
  expect((Taro as any).onNeedPrivacyAuthorization).toHaveBeenCalledTimes(1)
  wechatListener = (Taro as any).onNeedPrivacyAuthorization.mock.calls[0][0]
})

beforeEach(() => {
  call.mockReset()
  consentStore.reset()
  delete process.env.TARO_ENV
  setGetPhoneNumberResult({ errMsg: 'getPhoneNumber:ok', code: 'wx-phone-code' })
})

/** WeChat asks, as when a privacy API is called before the member agreed in WeChat. */
function wechatAsks(referrer = 'button.getPhoneNumber') {
  const resolve = jest.fn()
  act(() => wechatListener(resolve, { referrer }))
  return resolve
}

describe('weapp: WeChat asks (onNeedPrivacyAuthorization)', () => {
  it('the page’s dialog shows the guide’s summary; 同意 resolves WeChat with the button id and records the consent', async () => {
    backend({ 'member.privacyPolicy': ok(guide({ upToDate: true, consent: agreed.consent })) })
    render(<PhonePage />)
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('未绑定'))
    const resolve = wechatAsks()
    expect(byId('privacy-consent')).toBeInTheDocument()
    await waitFor(() => expect(byId('privacy-consent-summary')).toHaveTextContent(POLICY.summary))
    expect(byId('privacy-consent-agree')).toHaveAttribute('data-open-type', 'agreePrivacyAuthorization')
    expect(resolve).toHaveBeenCalledWith({ event: 'exposureAuthorization' })

    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeNull())
    expect(resolve).toHaveBeenLastCalledWith({ event: 'agree', buttonId: 'privacy-consent-agree' })
    expect(eventsFor(call, 'member.agreePrivacy')).toEqual([{ action: 'agreePrivacy', version: POLICY.version }])
  })

  it('拒绝 resolves disagree; the phone button then fails and the page explains, nothing crashes', async () => {
    backend({ 'member.privacyPolicy': ok(agreed) })
    render(<PhonePage />)
    const resolve = wechatAsks()
    fireEvent.click(byId('privacy-consent-disagree')!)
    expect(resolve).toHaveBeenLastCalledWith({ event: 'disagree' })
    expect(byId('privacy-consent')).toBeNull()
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '未同意隐私保护指引，相关功能暂不可用' }))
    expect(eventsFor(call, 'member.agreePrivacy')).toHaveLength(0)

    setGetPhoneNumberResult({ errMsg: 'getPhoneNumber:fail privacy permission is not authorized' })
    fireEvent.click(byId('phone-wx')!)
    expect(await screen.findByText(CONSENT_NEEDED_TEXT)).toHaveAttribute('id', 'phone-error')
    expect(eventsFor(call, 'member.bindPhone')).toHaveLength(0)
  })

  it('a page without the dialog sends the member to the guide page, whose bar answers and goes back', async () => {
    backend()
    const resolve = wechatAsks('setClipboardData')
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy-policy/index' })
    expect(resolve).not.toHaveBeenCalled()

    render(<PrivacyPolicyPage />)
    expect(await screen.findByText('你的权利')).toBeInTheDocument()
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(resolve).toHaveBeenCalledWith({ event: 'agree', buttonId: 'privacy-consent-agree' }))
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalled())
    expect(eventsFor(call, 'member.agreePrivacy')).toEqual([{ action: 'agreePrivacy', version: POLICY.version }])
    expect(byId('privacy-policy-consent')).toHaveTextContent('你已于 2026-03-10 10:00 同意本版本')
  })

  it('leaving the guide page without answering declines (WeChat’s call does not hang)', async () => {
    backend()
    const resolve = wechatAsks('setClipboardData')
    const { unmount } = render(<PrivacyPolicyPage />)
    await screen.findByText('你的权利')
    unmount()
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' })
    expect(consentStore.snapshot().request).toBeNull()
  })
})

describe('the member’s own record (both platforms)', () => {
  it('H5: requirePrivacyConsent shows the dialog when consent is missing and resolves true after 同意', async () => {
    process.env.TARO_ENV = 'h5'
    backend()
    render(<PrivacyConsent />)
    let answer: boolean | undefined
    await act(async () => {
      void requirePrivacyConsent().then(a => (answer = a))
    })
    await waitFor(() => expect(byId('privacy-consent-summary')).toHaveTextContent(POLICY.summary))
    expect(byId('privacy-consent-agree')).not.toHaveAttribute('data-open-type')
    expect(answer).toBeUndefined()
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(answer).toBe(true))
    expect(eventsFor(call, 'member.agreePrivacy')).toEqual([{ action: 'agreePrivacy', version: POLICY.version }])
    // known now: no second question, no second call
    await expect(requirePrivacyConsent()).resolves.toBe(true)
    expect(eventsFor(call, 'member.privacyPolicy')).toHaveLength(1)
  })

  it('H5 phone: the code is sent only after 同意; 拒绝 explains and sends nothing', async () => {
    process.env.TARO_ENV = 'h5'
    backend()
    render(<PhonePage />)
    fireEvent.change(byId('phone-input')!, { target: { value: '13800138000' } })
    fireEvent.click(byId('phone-send-code')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    fireEvent.click(byId('privacy-consent-disagree')!)
    expect(await screen.findByText(CONSENT_NEEDED_TEXT)).toHaveAttribute('id', 'phone-error')
    expect(eventsFor(call, 'member.requestPhoneCode')).toHaveLength(0)

    fireEvent.click(byId('phone-send-code')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(eventsFor(call, 'member.requestPhoneCode')).toEqual([{ action: 'requestPhoneCode', phone: '13800138000' }]))
    expect(byId('phone-error')).toBeNull()
  })

  it('a guide updated while it was read: the stale agree is refused, the new summary shown, agreeing again works', async () => {
    process.env.TARO_ENV = 'h5'
    const newer = { ...POLICY, version: '2026-04', summary: '新版指引：增加了满意度评价的说明，请重新阅读。' }
    let current = POLICY
    backend({
      'member.privacyPolicy': () => ok(guide({ policy: current })),
      'member.agreePrivacy': e =>
        e.version === current.version
          ? agreeAnswer
          : { ...failure('FAILED_PRECONDITION', '隐私保护指引已更新为 2026-04 版，请阅读新版本后再同意'), issues: [{ path: 'version', message: '当前版本为 2026-04' }] },
    })
    render(<PrivacyConsent />)
    let answer: boolean | undefined
    await act(async () => {
      void requirePrivacyConsent().then(a => (answer = a))
    })
    await waitFor(() => expect(byId('privacy-consent-summary')).toHaveTextContent(POLICY.summary))
    current = newer
    fireEvent.click(byId('privacy-consent-agree')!)
    expect(await screen.findByText(/隐私保护指引已更新为 2026-04 版/)).toHaveAttribute('id', 'privacy-consent-error')
    await waitFor(() => expect(byId('privacy-consent-summary')).toHaveTextContent(newer.summary))
    expect(answer).toBeUndefined()
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(answer).toBe(true))
    expect(eventsFor(call, 'member.agreePrivacy').map(e => e.version)).toEqual([POLICY.version, '2026-04'])
  })

  it('weapp profile: a missing consent covers the avatar button; a tap asks, and after 同意 the real button is there', async () => {
    backend()
    render(<ProfilePage />)
    await waitFor(() => expect(byId('profile-avatar-consent')).toBeInTheDocument())
    fireEvent.click(byId('profile-avatar-consent')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(byId('profile-avatar-consent')).toBeNull())
    expect(byId('profile-avatar')).toHaveAttribute('data-open-type', 'chooseAvatar')
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已同意，请再点一次' }))
  })

  it('login’s answer is enough: an up-to-date member is not asked and no guide is fetched', async () => {
    routeCalls(call, { 'member.login': ok({ member: member(), created: false, roles: { admin: false, manager: null, staff: null }, privacy: { version: POLICY.version, upToDate: true } }) })
    await memberApi.login()
    await expect(requirePrivacyConsent()).resolves.toBe(true)
    expect(eventsFor(call, 'member.privacyPolicy')).toHaveLength(0)
  })
})

describe('the nickname field (a WeChat privacy API: <input type="nickname">)', () => {
  const nickname = () => byId('profile-nickname') as HTMLInputElement

  it('H5: a missing consent covers the field; a tap asks, and after 同意 the cursor is in the field', async () => {
    process.env.TARO_ENV = 'h5'
    backend()
    render(<ProfilePage />)
    await waitFor(() => expect(byId('profile-nickname-consent')).toBeInTheDocument())
    expect(nickname()).toHaveAttribute('data-type', 'text')
    fireEvent.click(byId('profile-nickname-consent')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    expect(document.activeElement).not.toBe(nickname())
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(byId('profile-nickname-consent')).toBeNull())
    expect(eventsFor(call, 'member.agreePrivacy')).toEqual([{ action: 'agreePrivacy', version: POLICY.version }])
    expect(document.activeElement).toBe(nickname())
  })

  it('weapp: the same cover over the nickname input; 拒绝 explains and leaves the field covered', async () => {
    backend()
    render(<ProfilePage />)
    await waitFor(() => expect(byId('profile-nickname-consent')).toBeInTheDocument())
    expect(nickname()).toHaveAttribute('data-type', 'nickname')
    fireEvent.click(byId('profile-nickname-consent')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    fireEvent.click(byId('privacy-consent-disagree')!)
    expect(await screen.findByText(CONSENT_NEEDED_TEXT)).toHaveAttribute('id', 'profile-error')
    expect(byId('profile-nickname-consent')).toBeInTheDocument()
    expect(eventsFor(call, 'member.agreePrivacy')).toHaveLength(0)
  })

  it('weapp: WeChat’s own request from the nickname input is answered by the profile page’s dialog', async () => {
    backend({ 'member.privacyPolicy': ok(agreed) })
    render(<ProfilePage />)
    await waitFor(() => expect(nickname()).toBeInTheDocument())
    expect(byId('profile-nickname-consent')).toBeNull() // the member's record is up to date: no cover
    const resolve = wechatAsks('input.nickname')
    expect(byId('privacy-consent')).toBeInTheDocument()
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(resolve).toHaveBeenLastCalledWith({ event: 'agree', buttonId: 'privacy-consent-agree' }))
  })
})

describe('the server refuses without the member’s consent (PRIVACY_CONSENT_REQUIRED)', () => {
  const refusal = failure('PRIVACY_CONSENT_REQUIRED', '请先阅读并同意《会员隐私指引》，再使用头像、昵称和手机号功能')
  /** The server's side: `gate(answer)` answers the refusal until the member agreed through agreePrivacy, then `answer`. */
  const serverRecord = () => {
    let agreedYet = false
    return {
      consent: {
        'member.privacyPolicy': () => ok(agreedYet ? agreed : guide()),
        'member.agreePrivacy': () => {
          agreedYet = true
          return agreeAnswer
        },
      },
      gate: (answer: () => Result<unknown>) => () => (agreedYet ? answer() : refusal),
    }
  }

  it('profile: the save is refused (the app thought the consent was current), the dialog asks, after 同意 the same patch is sent again and saved', async () => {
    routeCalls(call, { 'member.login': ok({ member: member(), created: false, roles: { admin: false, manager: null, staff: null }, privacy: { version: POLICY.version, upToDate: true } }) })
    await memberApi.login() // e.g. withdrawn on another device since: the app does not know
    const g = serverRecord()
    backend({
      ...g.consent,
      'member.updateProfile': g.gate(() => ok({ member: member({ nickname: '小爱同学' }) })),
    })
    render(<ProfilePage />)
    await waitFor(() => expect(byId('profile-nickname')).toBeInTheDocument())
    expect(byId('profile-nickname-consent')).toBeNull()
    fireEvent.change(byId('profile-nickname')!, { target: { value: '小爱同学' } })
    fireEvent.click(byId('profile-save')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    expect(eventsFor(call, 'member.updateProfile')).toHaveLength(1)
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存' })))
    expect(eventsFor(call, 'member.updateProfile')).toEqual([
      { action: 'updateProfile', patch: { nickname: '小爱同学' } },
      { action: 'updateProfile', patch: { nickname: '小爱同学' } },
    ])
  })

  it('profile: 拒绝 shows the server’s reason and sends nothing more', async () => {
    const g = serverRecord()
    backend({ ...g.consent, 'member.updateProfile': g.gate(() => ok({ member: member() })) })
    consentStore.setState({ version: POLICY.version, upToDate: true })
    render(<ProfilePage />)
    await waitFor(() => expect(byId('profile-nickname')).toBeInTheDocument())
    fireEvent.change(byId('profile-nickname')!, { target: { value: '新昵称' } })
    fireEvent.click(byId('profile-save')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    fireEvent.click(byId('privacy-consent-disagree')!)
    expect(await screen.findByText(refusal.message)).toHaveAttribute('id', 'profile-error')
    expect(eventsFor(call, 'member.updateProfile')).toHaveLength(1)
  })

  it('weapp phone: bindPhone refused, the dialog asks, after 同意 the same button code is sent again', async () => {
    const g = serverRecord()
    backend({
      ...g.consent,
      'member.bindPhone': g.gate(() => ok({ member: member({ phone: '13812345678' }) })),
    })
    consentStore.setState({ version: POLICY.version, upToDate: true })
    render(<PhonePage />)
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('未绑定'))
    fireEvent.click(byId('phone-wx')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('13812345678'))
    expect(eventsFor(call, 'member.bindPhone')).toEqual([
      { action: 'bindPhone', wxCode: 'wx-phone-code' },
      { action: 'bindPhone', wxCode: 'wx-phone-code' },
    ])
  })

  it('H5 phone: the SMS binding refused, agreed, sent again with the same code', async () => {
    process.env.TARO_ENV = 'h5'
    const g = serverRecord()
    backend({
      ...g.consent,
      'member.bindPhoneBySms': g.gate(() => ok({ member: member({ phone: '13800138000' }) })),
    })
    consentStore.setState({ version: POLICY.version, upToDate: true })
    render(<PhonePage />)
    fireEvent.change(byId('phone-input')!, { target: { value: '13800138000' } })
    fireEvent.change(byId('phone-sms-input')!, { target: { value: '246810' } })
    fireEvent.click(byId('phone-submit')!)
    await waitFor(() => expect(byId('privacy-consent')).toBeInTheDocument())
    fireEvent.click(byId('privacy-consent-agree')!)
    await waitFor(() => expect(byId('phone-current')).toHaveTextContent('13800138000'))
    expect(eventsFor(call, 'member.bindPhoneBySms').map(e => e.smsCode)).toEqual(['246810', '246810'])
  })
})

describe('pages', () => {
  it('the guide page shows the sections, version and consent from member.privacyPolicy', async () => {
    backend({ 'member.privacyPolicy': ok(agreed) })
    render(<PrivacyPolicyPage />)
    await waitFor(() => expect(byId('privacy-policy-title')).toHaveTextContent('会员隐私指引'))
    expect(byId('privacy-policy-version')).toHaveTextContent('版本 2026-03 · 更新于 2026-03-01 10:00')
    expect(byId('privacy-policy-summary')).toHaveTextContent(POLICY.summary)
    expect(byId('privacy-policy-section-0')).toHaveTextContent('我们收集的信息手机号：确认会员身份。消费记录：计算积分。')
    expect(byId('privacy-policy-section-1')).toHaveTextContent('你的权利')
    expect(byId('privacy-policy-consent')).toHaveTextContent('你已于 2026-03-05 14:05 同意本版本')
    expect(byId('privacy-consent')).toBeNull() // nothing asked: no bar
  })

  it('隐私与账号: shows the consent; 撤回同意 asks first, then withdraws, and the next clipboard use asks again', async () => {
    backend({
      'member.privacyPolicy': ok(agreed),
      'member.withdrawPrivacy': ok({ consent: null, upToDate: false as const, withdrawnAt: '2026-03-11T02:00:00.000Z', changed: true }),
    })
    render(<PrivacyPage />)
    await waitFor(() => expect(byId('privacy-consent-status')).toHaveTextContent('已同意 2026-03 版（2026-03-05 14:05）'))

    Taro.showModal.mockResolvedValueOnce({ errMsg: 'showModal:ok', confirm: false, cancel: true })
    fireEvent.click(byId('privacy-withdraw')!)
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '撤回同意' })))
    expect(eventsFor(call, 'member.withdrawPrivacy')).toHaveLength(0)

    fireEvent.click(byId('privacy-withdraw')!)
    await waitFor(() => expect(byId('privacy-consent-status')).toHaveTextContent('已于 2026-03-11 10:00 撤回同意'))
    expect(eventsFor(call, 'member.withdrawPrivacy')).toEqual([{ action: 'withdrawPrivacy' }])
    expect(byId('privacy-withdraw')).toBeNull()

    let answer: boolean | undefined
    await act(async () => {
      void requirePrivacyConsent().then(a => (answer = a))
    })
    expect(byId('privacy-consent')).toBeInTheDocument()
    fireEvent.click(byId('privacy-consent-disagree')!)
    await waitFor(() => expect(answer).toBe(false))
  })

  it('隐私与账号: a failed withdrawal keeps the consent and says why', async () => {
    backend({ 'member.privacyPolicy': ok(agreed), 'member.withdrawPrivacy': failure('INTERNAL', '服务繁忙，请稍后再试') })
    render(<PrivacyPage />)
    await waitFor(() => expect(byId('privacy-withdraw')).toBeInTheDocument())
    fireEvent.click(byId('privacy-withdraw')!)
    expect(await screen.findByText('服务繁忙，请稍后再试')).toHaveAttribute('id', 'privacy-consent-card-error')
    expect(byId('privacy-consent-status')).toHaveTextContent('已同意 2026-03 版')
  })
})
