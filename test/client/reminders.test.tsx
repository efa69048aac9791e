import { act, fireEvent, render, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import RemindersPage from '../../client/src/pages/reminders/index'
import CheckinPage from '../../client/src/pages/checkin/index'
import ClaimPage from '../../client/src/pages/claim/index'
import ProfilePage from '../../client/src/pages/profile/index'
import { askForReminders, forgetReminderAsk, loadReminderAsk, reminderAskIds } from '../../client/src/utils/subscribe'
import { deferred, member, ok } from './fixtures'
import { calendar, checkinResult, coupon, offer } from './coupon-fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'
import { REMINDER_KINDS, REMINDER_LABELS, isMarketing, type ReminderKind, type ReminderPreferenceView, type ReminderPreferencesView } from '../../types/reminders'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble(async () => ''))

const call = callFunction as jest.MockedFunction<typeof callFunction>
const subscribeMock = Taro.requestSubscribeMessage as jest.Mock
const byId = (id: string) => document.getElementById(id)
const toggleOf = (kind: ReminderKind) => byId(`reminder-switch-${kind}`) as HTMLInputElement
const REQUEST_ID = /^[\w-]{8,64}$/

const T_COUPON = 'tmpl-coupon-expiring'
const T_STREAK = 'tmpl-streak-at-risk'

function item(kind: ReminderKind, overrides: Partial<ReminderPreferenceView> = {}): ReminderPreferenceView {
  const marketing = isMarketing(kind)
  const on = overrides.on ?? !marketing
  const quota = overrides.quota ?? 0
  const blocker = overrides.blocker !== undefined ? overrides.blocker : !on ? '需要先订阅一次' : quota < 1 ? '需要先订阅一次' : null
  return { kind, ...REMINDER_LABELS[kind], marketing, on, quota, canSend: blocker === null, blocker, ...overrides }
}

/** Every kind: service kinds on, marketing kinds off (never subscribed); coupon reminders have one grant. */
function view(overrides: Partial<Record<ReminderKind, Partial<ReminderPreferenceView>>> = {}, askTemplateIds = [T_COUPON, T_STREAK]): ReminderPreferencesView {
  const base: Partial<Record<ReminderKind, Partial<ReminderPreferenceView>>> = { coupon_expiring: { quota: 1 }, tier_review: { blocker: '暂未开放' } }
  return { items: REMINDER_KINDS.map(k => item(k, { ...base[k], ...overrides[k] })), askTemplateIds }
}

const weapp = () => {
  process.env.TARO_ENV = 'weapp'
}

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  subscribeMock.mockReset()
  subscribeMock.mockImplementation(async (option: { tmplIds: string[] }) => ({
    errMsg: 'requestSubscribeMessage:ok',
    ...Object.fromEntries(option.tmplIds.map(id => [id, 'accept'])),
  }))
  forgetReminderAsk()
  delete process.env.TARO_ENV
})

afterAll(() => {
  delete process.env.TARO_ENV
})

async function renderPage() {
  render(<RemindersPage />)
  await waitFor(() => expect(byId('reminder-coupon_expiring')).toBeInTheDocument())
}

describe('提醒设置', () => {
  it('lists every kind with its label, description, switch, 营销消息 mark and why it cannot be sent', async () => {
    routeCalls(call, { 'member.reminderPreferences': ok(view()) })
    await renderPage()

    expect(eventsFor(call, 'member.reminderPreferences')).toEqual([{ action: 'reminderPreferences' }])
    for (const kind of REMINDER_KINDS) {
      expect(byId(`reminder-${kind}`)).toHaveTextContent(REMINDER_LABELS[kind].label)
      expect(byId(`reminder-${kind}`)).toHaveTextContent(REMINDER_LABELS[kind].description)
      expect(toggleOf(kind).checked).toBe(!isMarketing(kind))
      if (isMarketing(kind)) expect(byId(`reminder-marketing-${kind}`)).toHaveTextContent('营销消息')
      else expect(byId(`reminder-marketing-${kind}`)).toBeNull()
    }
    // sendable: no note; no grant: 需要先订阅一次; not configured: 暂未开放
    expect(byId('reminder-blocker-coupon_expiring')).toBeNull()
    expect(byId('reminder-blocker-points_expiring')).toHaveTextContent('需要先订阅一次')
    expect(byId('reminder-blocker-birthday')).toHaveTextContent('需要先订阅一次')
    expect(byId('reminder-blocker-tier_review')).toHaveTextContent('暂未开放')
    expect(byId('reminders-marketing-note')).toHaveTextContent('营销类提醒')
    expect(byId('reminders-marketing-note')).toHaveTextContent('可随时')
    expect(byId('reminders-marketing-note')).toHaveTextContent('生日福利')
    // the weekly cap is the server's business: no number is promised here
    expect(document.body).not.toHaveTextContent('每周最多')
  })

  it('shows a load failure with a retry', async () => {
    routeCalls(call, { 'member.reminderPreferences': failure('INTERNAL', '服务繁忙') })
    render(<RemindersPage />)
    await waitFor(() => expect(byId('reminders-error')).toHaveTextContent('服务繁忙'))
    routeCalls(call, { 'member.reminderPreferences': ok(view()) })
    fireEvent.click(byId('reminders-retry')!)
    await waitFor(() => expect(byId('reminder-birthday')).toBeInTheDocument())
  })

  it('a switch saves at once with setReminderPreference, showing the new state while saving', async () => {
    const answer = deferred<Result<ReminderPreferencesView>>()
    routeCalls(call, { 'member.reminderPreferences': ok(view()), 'member.setReminderPreference': () => answer.promise })
    await renderPage()

    fireEvent.click(toggleOf('points_expiring'))
    expect(eventsFor(call, 'member.setReminderPreference')).toEqual([{ action: 'setReminderPreference', kind: 'points_expiring', on: false }])
    expect(toggleOf('points_expiring').checked).toBe(false)
    expect(toggleOf('points_expiring')).toBeDisabled()

    await act(async () => answer.resolve(ok(view({ points_expiring: { on: false, blocker: '已关闭' } }))))
    expect(toggleOf('points_expiring').checked).toBe(false)
    expect(toggleOf('points_expiring')).not.toBeDisabled()
    expect(byId('reminder-blocker-points_expiring')).toHaveTextContent('已关闭')
    // 已关闭 is undone with the switch, not by subscribing
    expect(byId('reminder-subscribe-points_expiring')).toBeNull()
  })

  it('puts the switch back and says why when saving is refused', async () => {
    routeCalls(call, { 'member.reminderPreferences': ok(view()), 'member.setReminderPreference': failure('INTERNAL', '服务繁忙') })
    await renderPage()

    fireEvent.click(toggleOf('birthday'))
    expect(toggleOf('birthday').checked).toBe(true)
    await waitFor(() => expect(toggleOf('birthday').checked).toBe(false))
    expect(byId('reminders-save-error')).toHaveTextContent('设置失败：服务繁忙')
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '设置失败：服务繁忙' }))
    expect(toggleOf('birthday')).not.toBeDisabled()
  })

  it('puts the switch back after a network error', async () => {
    routeCalls(call, {
      'member.reminderPreferences': ok(view()),
      'member.setReminderPreference': () => Promise.reject(new Error('timeout')),
    })
    await renderPage()

    fireEvent.click(toggleOf('coupon_expiring'))
    expect(toggleOf('coupon_expiring').checked).toBe(false)
    await waitFor(() => expect(toggleOf('coupon_expiring').checked).toBe(true))
    expect(byId('reminders-save-error')).toHaveTextContent('设置失败：timeout')
  })

  it('on weapp, 订阅 opens WeChat’s dialog with askTemplateIds in the tap and reports the answers with a requestId', async () => {
    weapp()
    const after = view({ points_expiring: { quota: 1, blocker: null }, birthday: { on: true, quota: 1, blocker: null } }, [T_STREAK])
    routeCalls(call, {
      'member.reminderPreferences': ok(view()),
      'member.reportSubscribe': ok({ ...after, replayed: false }),
    })
    await renderPage()
    expect(byId('reminder-subscribe-coupon_expiring')).toBeNull()
    expect(byId('reminder-subscribe-tier_review')).toBeNull() // 暂未开放: nothing to subscribe to

    fireEvent.click(byId('reminder-subscribe-birthday')!)
    // synchronously inside the tap: WeChat refuses the dialog after anything asynchronous
    expect(subscribeMock).toHaveBeenCalledTimes(1)
    expect(subscribeMock).toHaveBeenCalledWith({ tmplIds: [T_COUPON, T_STREAK] })

    await waitFor(() => expect(eventsFor(call, 'member.reportSubscribe')).toHaveLength(1))
    expect(eventsFor(call, 'member.reportSubscribe')[0]).toEqual({
      action: 'reportSubscribe',
      requestId: expect.stringMatching(REQUEST_ID),
      result: { errMsg: 'requestSubscribeMessage:ok', [T_COUPON]: 'accept', [T_STREAK]: 'accept' },
    })
    // the server's new view is shown: birthday is on now and can be sent
    await waitFor(() => expect(toggleOf('birthday').checked).toBe(true))
    expect(byId('reminder-blocker-birthday')).toBeNull()
    expect(byId('reminder-blocker-points_expiring')).toBeNull()
  })

  it('on H5 there is no 订阅 button (the dialog exists only in WeChat)', async () => {
    process.env.TARO_ENV = 'h5'
    routeCalls(call, { 'member.reminderPreferences': ok(view()) })
    await renderPage()
    expect(byId('reminder-subscribe-birthday')).toBeNull()
    expect(byId('reminder-blocker-birthday')).toHaveTextContent('请在微信小程序中订阅')
  })

  it('is reached from the profile page', async () => {
    routeCalls(call, { 'member.getProfile': ok({ member: member() }) })
    render(<ProfilePage />)
    await waitFor(() => expect(byId('profile-reminders-entry')).toBeInTheDocument())
    expect(byId('profile-reminders-entry')).toHaveTextContent('提醒设置')
    fireEvent.click(byId('profile-reminders-entry')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/reminders/index' })
  })
})

describe('askForReminders', () => {
  it('does nothing on H5: no dialog, no request', async () => {
    process.env.TARO_ENV = 'h5'
    routeCalls(call, {})
    await expect(askForReminders([T_COUPON])).resolves.toBeUndefined()
    await expect(askForReminders()).resolves.toBeUndefined()
    await expect(loadReminderAsk()).resolves.toEqual([])
    expect(subscribeMock).not.toHaveBeenCalled()
    expect(call).not.toHaveBeenCalled()
  })

  it('swallows a refused dialog (fail callback) and reports nothing', async () => {
    weapp()
    routeCalls(call, {})
    subscribeMock.mockRejectedValueOnce({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.', errCode: 10005 })
    await expect(askForReminders([T_COUPON])).resolves.toBeUndefined()
    expect(subscribeMock).toHaveBeenCalledWith({ tmplIds: [T_COUPON] })
    expect(call).not.toHaveBeenCalled()
  })

  it('reports a reject like any answer, and never throws when the report fails', async () => {
    weapp()
    routeCalls(call, { 'member.reportSubscribe': failure('INVALID_ARGUMENT', 'bad') })
    subscribeMock.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', [T_COUPON]: 'reject' })
    const onView = jest.fn()
    await expect(askForReminders([T_COUPON], onView)).resolves.toBeUndefined()
    expect(eventsFor(call, 'member.reportSubscribe')).toEqual([
      { action: 'reportSubscribe', requestId: expect.stringMatching(REQUEST_ID), result: { errMsg: 'requestSubscribeMessage:ok', [T_COUPON]: 'reject' } },
    ])
    expect(onView).not.toHaveBeenCalled()
  })

  it('retries a report whose outcome is unknown with the same requestId; the next dialog gets a new one', async () => {
    weapp()
    let n = 0
    routeCalls(call, {
      'member.reportSubscribe': () => {
        n++
        if (n === 1) return Promise.reject(new Error('timeout'))
        if (n === 2) return failure('INTERNAL', 'busy')
        return ok({ ...view(), replayed: n > 3 })
      },
    })
    await askForReminders([T_COUPON])
    const first = eventsFor(call, 'member.reportSubscribe').map(e => e.requestId)
    expect(first).toHaveLength(3)
    expect(new Set(first).size).toBe(1)

    await askForReminders([T_COUPON])
    const all = eventsFor(call, 'member.reportSubscribe').map(e => e.requestId)
    expect(all).toHaveLength(4)
    expect(all[3]).not.toBe(first[0])
  })

  it('without ids it uses the templates loaded ahead of the tap, else fetches them; none: no dialog', async () => {
    weapp()
    routeCalls(call, { 'member.reminderPreferences': ok(view({}, [T_STREAK])), 'member.reportSubscribe': ok({ ...view({}, []), replayed: false }) })
    await askForReminders()
    expect(eventsFor(call, 'member.reminderPreferences')).toHaveLength(1)
    expect(subscribeMock).toHaveBeenCalledWith({ tmplIds: [T_STREAK] })
    // the report's view says nothing more to offer
    expect(reminderAskIds()).toEqual([])
    await askForReminders()
    expect(subscribeMock).toHaveBeenCalledTimes(1)
    expect(eventsFor(call, 'member.reminderPreferences')).toHaveLength(1)

    await expect(loadReminderAsk()).resolves.toEqual([T_STREAK])
    subscribeMock.mockClear()
    // remembered: asked at once, inside the tap
    void askForReminders()
    expect(subscribeMock).toHaveBeenCalledWith({ tmplIds: [T_STREAK] })
  })

  it('asks nothing for an empty list and survives a failed load', async () => {
    weapp()
    routeCalls(call, { 'member.reminderPreferences': () => Promise.reject(new Error('offline')) })
    await expect(askForReminders([])).resolves.toBeUndefined()
    await expect(askForReminders()).resolves.toBeUndefined()
    expect(subscribeMock).not.toHaveBeenCalled()
  })
})

describe('natural moments', () => {
  const reminderHandlers = (): Handlers => ({
    'member.reminderPreferences': ok(view()),
    'member.reportSubscribe': ok({ ...view({}, [T_STREAK]), replayed: false }),
  })

  it('签到: after a successful check-in, 开启提醒 opens the dialog in its tap and reports the answers', async () => {
    weapp()
    routeCalls(call, { 'member.checkinCalendar': ok(calendar()), 'member.checkIn': ok(checkinResult()), ...reminderHandlers() })
    render(<CheckinPage />)
    const button = () => byId('checkin-button') as HTMLButtonElement
    await waitFor(() => expect(button()).not.toBeDisabled())
    await waitFor(() => expect(eventsFor(call, 'member.reminderPreferences')).toHaveLength(1))
    expect(byId('checkin-remind')).toBeNull() // not before the check-in

    fireEvent.click(button())
    await waitFor(() => expect(byId('checkin-remind')).toBeInTheDocument())
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '签到成功 +5 积分' }))
    expect(subscribeMock).not.toHaveBeenCalled()

    fireEvent.click(byId('checkin-remind-button')!)
    expect(subscribeMock).toHaveBeenCalledWith({ tmplIds: [T_COUPON, T_STREAK] })
    await waitFor(() => expect(eventsFor(call, 'member.reportSubscribe')).toHaveLength(1))
    expect(eventsFor(call, 'member.reportSubscribe')[0]).toEqual(
      expect.objectContaining({ requestId: expect.stringMatching(REQUEST_ID), result: expect.objectContaining({ [T_COUPON]: 'accept', [T_STREAK]: 'accept' }) }),
    )
    expect(byId('checkin-remind')).toBeNull()
    expect(button()).toHaveTextContent('今日已签到')
  })

  it('签到: a failed check-in offers nothing; on H5 nothing is loaded or offered', async () => {
    weapp()
    routeCalls(call, { 'member.checkinCalendar': ok(calendar()), 'member.checkIn': failure('INTERNAL', '服务繁忙'), ...reminderHandlers() })
    const { unmount } = render(<CheckinPage />)
    await waitFor(() => expect((byId('checkin-button') as HTMLButtonElement).disabled).toBe(false))
    fireEvent.click(byId('checkin-button')!)
    await waitFor(() => expect(byId('checkin-action-error')).toHaveTextContent('服务繁忙'))
    expect(byId('checkin-remind')).toBeNull()
    unmount()

    call.mockReset()
    process.env.TARO_ENV = 'h5'
    routeCalls(call, { 'member.checkinCalendar': ok(calendar()), 'member.checkIn': ok(checkinResult()) })
    render(<CheckinPage />)
    await waitFor(() => expect((byId('checkin-button') as HTMLButtonElement).disabled).toBe(false))
    fireEvent.click(byId('checkin-button')!)
    await waitFor(() => expect(byId('checkin-button')).toHaveTextContent('今日已签到'))
    expect(byId('checkin-remind')).toBeNull()
    expect(eventsFor(call, 'member.reminderPreferences')).toHaveLength(0)
  })

  it('领券: after a successful claim, 提醒我 opens the dialog in its tap and reports the answers', async () => {
    weapp()
    routeCalls(call, {
      'member.claimCenter': ok({ offers: [offer()] }),
      'member.claimCoupon': ok({ coupon: coupon({ couponId: 'cp_9' }), replayed: false }),
      ...reminderHandlers(),
    })
    render(<ClaimPage />)
    await waitFor(() => expect(byId('claim-spring-20')).not.toBeDisabled())
    await waitFor(() => expect(eventsFor(call, 'member.reminderPreferences')).toHaveLength(1))
    expect(byId('claim-remind-spring-20')).toBeNull()

    fireEvent.click(byId('claim-spring-20')!)
    await waitFor(() => expect(byId('claim-message-spring-20')).toHaveTextContent('领取成功'))
    expect(byId('claim-remind-spring-20')).toBeInTheDocument()
    expect(subscribeMock).not.toHaveBeenCalled()

    fireEvent.click(byId('claim-remind-button-spring-20')!)
    expect(subscribeMock).toHaveBeenCalledWith({ tmplIds: [T_COUPON, T_STREAK] })
    await waitFor(() => expect(eventsFor(call, 'member.reportSubscribe')).toHaveLength(1))
    expect(eventsFor(call, 'member.reportSubscribe')[0]).toEqual(expect.objectContaining({ requestId: expect.stringMatching(REQUEST_ID) }))
    expect(byId('claim-remind-spring-20')).toBeNull()
  })

  it('领券: a refused dialog leaves the page as it was', async () => {
    weapp()
    subscribeMock.mockRejectedValueOnce({ errMsg: 'requestSubscribeMessage:fail cancel' })
    routeCalls(call, {
      'member.claimCenter': ok({ offers: [offer()] }),
      'member.claimCoupon': ok({ coupon: coupon({ couponId: 'cp_9' }), replayed: false }),
      ...reminderHandlers(),
    })
    render(<ClaimPage />)
    await waitFor(() => expect(byId('claim-spring-20')).not.toBeDisabled())
    await waitFor(() => expect(eventsFor(call, 'member.reminderPreferences')).toHaveLength(1))
    fireEvent.click(byId('claim-spring-20')!)
    await waitFor(() => expect(byId('claim-remind-button-spring-20')).toBeInTheDocument())
    fireEvent.click(byId('claim-remind-button-spring-20')!)
    await act(async () => {})
    expect(eventsFor(call, 'member.reportSubscribe')).toHaveLength(0)
    expect(byId('claim-message-spring-20')).toHaveTextContent('领取成功')
  })
})
