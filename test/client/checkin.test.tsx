import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction, needsSignIn, redirectToSignIn } from '../../client/src/services/cloud'
import CheckinPage from '../../client/src/pages/checkin/index'
import { monthCells, nextBonusText } from '../../client/src/pages/checkin/calendar'
import { deferred, ok } from './fixtures'
import { calendar, checkedCalendar, checkinResult } from './coupon-fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'
import type { MemberOutputs } from '../../types/member'
import type { Result } from '../../types/result'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)
const day = (d: string) => byId(`checkin-day-${d}`)!
const button = () => byId('checkin-button') as HTMLButtonElement

function backend(more: Handlers = {}) {
  routeCalls(call, { 'member.checkinCalendar': ok(calendar()), ...more })
}

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  ;(redirectToSignIn as jest.Mock).mockClear()
})

describe('签到日历', () => {
  it("shows this month's grid with checked, made-up, missed, today and future days, the streak, today's points and the next bonus", async () => {
    backend()
    render(<CheckinPage />)
    await waitFor(() => expect(byId('checkin-calendar')).toBeInTheDocument())

    expect(eventsFor(call, 'member.checkinCalendar')).toEqual([{ action: 'checkinCalendar' }])
    expect(byId('checkin-streak')).toHaveTextContent('1')
    expect(byId('checkin-today-points')).toHaveTextContent('5')
    // not checked today: today's check-in is the first of the 6 still needed for the day-7 bonus
    expect(byId('checkin-next-bonus')).toHaveTextContent('再签 6 天可得 20 积分')
    expect(day('2024-03-01')).toHaveAttribute('data-kind', 'checked')
    expect(day('2024-03-02')).toHaveAttribute('data-kind', 'makeup')
    expect(day('2024-03-02')).toHaveTextContent('补')
    expect(day('2024-03-03')).toHaveAttribute('data-kind', 'makeable')
    expect(day('2024-03-04')).toHaveAttribute('data-kind', 'checked')
    expect(day('2024-03-05')).toHaveAttribute('data-kind', 'today')
    expect(day('2024-03-06')).toHaveAttribute('data-kind', 'future')
    expect(day('2024-03-31')).toBeInTheDocument()
    expect(byId('checkin-day-2024-03-32')).toBeNull()
    // 2024-03-01 is a Friday: five blanks before it in a week starting on Sunday
    expect(document.querySelectorAll('.checkin-blank')).toHaveLength(5 + (42 - 5 - 31))
    expect(byId('checkin-makeup-info')).toHaveTextContent('本月还可补签 1 次')
    expect(button()).not.toBeDisabled()
    expect(button()).toHaveTextContent('签到')
  })

  it('month grid and bonus text helpers', () => {
    expect(monthCells('2024-02')).toHaveLength(35) // Thursday start, 29 days
    expect(monthCells('2024-02').filter(Boolean)).toHaveLength(29)
    expect(nextBonusText(checkedCalendar({ nextBonus: { day: 7, points: 20, inDays: 5 } }))).toBe('再签 5 天可得 20 积分')
    expect(nextBonusText(calendar({ nextBonus: null }))).toBe('')
  })

  it('checks in once however often the button is tapped, then disables it and toasts the points', async () => {
    const answer = deferred<Result<MemberOutputs['checkIn']>>()
    backend({ 'member.checkIn': () => answer.promise })
    render(<CheckinPage />)
    await waitFor(() => expect(button()).not.toBeDisabled())

    // a double tap: both taps land before React re-renders the button as disabled
    act(() => {
      button().click()
      button().click()
    })
    fireEvent.click(button())
    expect(button()).toBeDisabled()
    expect(button()).toHaveTextContent('签到中')
    await act(async () => answer.resolve(ok(checkinResult())))

    expect(eventsFor(call, 'member.checkIn')).toEqual([{ action: 'checkIn' }])
    expect(button()).toBeDisabled()
    expect(button()).toHaveTextContent('今日已签到')
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '签到成功 +5 积分' }))
    expect(byId('checkin-streak')).toHaveTextContent('2')
    expect(byId('checkin-balance')).toHaveTextContent('125')
    expect(byId('checkin-next-bonus')).toHaveTextContent('再签 5 天可得 20 积分')
    expect(day('2024-03-05')).toHaveAttribute('data-kind', 'checked')

    // H5 buttons still fire while disabled: nothing more is sent
    fireEvent.click(button())
    await act(async () => {})
    expect(eventsFor(call, 'member.checkIn')).toHaveLength(1)
  })

  it('shows the streak bonus in what today gave', async () => {
    backend({ 'member.checkIn': ok(checkinResult({ points: 25, bonus: 20 })) })
    render(<CheckinPage />)
    await waitFor(() => expect(button()).not.toBeDisabled())
    fireEvent.click(button())
    await waitFor(() => expect(byId('checkin-earned')).toHaveTextContent('今日获得 25 积分（含连续签到奖励 20）'))
  })

  it('a repeat check-in (already checked elsewhere) credits nothing and says so', async () => {
    backend({ 'member.checkIn': ok(checkinResult({ credited: false })) })
    render(<CheckinPage />)
    await waitFor(() => expect(button()).not.toBeDisabled())
    fireEvent.click(button())
    await waitFor(() => expect(button()).toBeDisabled())
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '今天已签到' }))
  })

  it('is disabled from the start when today is already checked', async () => {
    backend({ 'member.checkinCalendar': ok(checkedCalendar({ todayPoints: 5 })) })
    render(<CheckinPage />)
    await waitFor(() => expect(button()).toBeDisabled())
    expect(button()).toHaveTextContent('今日已签到')
    expect(screen.getByText('今日已得积分')).toBeInTheDocument()
    fireEvent.click(button())
    expect(eventsFor(call, 'member.checkIn')).toHaveLength(0)
  })

  it('a failed check-in shows the error and can be tried again', async () => {
    let n = 0
    backend({ 'member.checkIn': () => (++n === 1 ? Promise.reject(new Error('网络断开')) : ok(checkinResult())) })
    render(<CheckinPage />)
    await waitFor(() => expect(button()).not.toBeDisabled())
    fireEvent.click(button())
    await waitFor(() => expect(byId('checkin-action-error')).toHaveTextContent('签到失败：网络断开'))
    expect(button()).not.toBeDisabled()
    fireEvent.click(button())
    await waitFor(() => expect(button()).toHaveTextContent('今日已签到'))
    expect(byId('checkin-action-error')).toBeNull()
    expect(eventsFor(call, 'member.checkIn')).toHaveLength(2)
  })

  it('shows a load error with retry', async () => {
    backend({ 'member.checkinCalendar': failure('INTERNAL', '数据库暂时不可用') })
    render(<CheckinPage />)
    expect(await screen.findByText('数据库暂时不可用')).toBeInTheDocument()
    backend()
    fireEvent.click(byId('checkin-retry')!)
    await waitFor(() => expect(byId('checkin-calendar')).toBeInTheDocument())
  })

  it('goes to sign-in without a session (H5)', async () => {
    ;(needsSignIn as jest.Mock).mockReturnValue(true)
    render(<CheckinPage />)
    await waitFor(() => expect(redirectToSignIn).toHaveBeenCalled())
    expect(call).not.toHaveBeenCalled()
  })
})

describe('补签', () => {
  it('tapping a missed day offers points (cost shown) or a make-up card (count shown); paying with points fills the day', async () => {
    const after = calendar({
      checkedDays: ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04'],
      makeupDays: ['2024-03-02', '2024-03-03'],
      streak: 4,
      makeup: { enabled: true, remainingThisMonth: 0, costPoints: 20, cards: 1, missedDays: [] },
    })
    backend({ 'member.makeUpCheckin': ok({ day: '2024-03-03', paidWith: 'points', cost: 20, balance: 100, calendar: after }) })
    render(<CheckinPage />)
    await waitFor(() => expect(byId('checkin-calendar')).toBeInTheDocument())

    // checked and future days offer nothing
    fireEvent.click(day('2024-03-04'))
    fireEvent.click(day('2024-03-06'))
    expect(byId('makeup-panel')).toBeNull()

    fireEvent.click(day('2024-03-03'))
    expect(byId('makeup-panel')).toHaveTextContent('补签 3月3日')
    expect(byId('makeup-with-points')).toHaveTextContent('用 20 积分补签')
    expect(byId('makeup-with-card')).toHaveTextContent('用补签卡补签（剩 1 张）')

    fireEvent.click(byId('makeup-with-points')!)
    fireEvent.click(byId('makeup-with-points')!)
    await waitFor(() => expect(byId('makeup-panel')).toBeNull())
    expect(eventsFor(call, 'member.makeUpCheckin')).toEqual([{ action: 'makeUpCheckin', day: '2024-03-03', payWith: 'points' }])
    expect(day('2024-03-03')).toHaveAttribute('data-kind', 'makeup')
    expect(byId('checkin-streak')).toHaveTextContent('4')
    expect(byId('checkin-balance')).toHaveTextContent('100')
    expect(byId('checkin-makeup-info')).toHaveTextContent('本月补签次数已用完')
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '补签成功，扣除 20 积分' }))
  })

  it('pays with a make-up card', async () => {
    const after = calendar({ checkedDays: ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04'], makeupDays: ['2024-03-02', '2024-03-03'] })
    backend({ 'member.makeUpCheckin': ok({ day: '2024-03-03', paidWith: 'card', cost: 1, balance: 120, calendar: after }) })
    render(<CheckinPage />)
    await waitFor(() => expect(byId('checkin-calendar')).toBeInTheDocument())
    fireEvent.click(day('2024-03-03'))
    fireEvent.click(byId('makeup-with-card')!)
    await waitFor(() => expect(byId('makeup-panel')).toBeNull())
    expect(eventsFor(call, 'member.makeUpCheckin')).toEqual([{ action: 'makeUpCheckin', day: '2024-03-03', payWith: 'card' }])
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '补签成功，已使用 1 张补签卡' }))
  })

  it('without cards the card option is disabled and says 0', async () => {
    backend({ 'member.checkinCalendar': ok(calendar({ makeup: { enabled: true, remainingThisMonth: 1, costPoints: 20, cards: 0, missedDays: ['2024-03-03'] } })) })
    render(<CheckinPage />)
    await waitFor(() => expect(byId('checkin-calendar')).toBeInTheDocument())
    fireEvent.click(day('2024-03-03'))
    expect(byId('makeup-with-card')).toBeDisabled()
    expect(byId('makeup-with-card')).toHaveTextContent('剩 0 张')
  })

  it.each([
    ['LIMIT_REACHED', 'points', '每月最多补签 2 次，本月已用完', '本月补签次数已用完'],
    ['INSUFFICIENT_POINTS', 'points', 'insufficient', '积分不足：补签一次需要 20 积分'],
    ['FAILED_PRECONDITION', 'card', '没有可用的补签卡', '无法补签：没有可用的补签卡'],
  ] as const)('shows %s in Chinese and refreshes the calendar', async (code, payWith, message, text) => {
    backend({ 'member.makeUpCheckin': failure(code, message) })
    render(<CheckinPage />)
    await waitFor(() => expect(byId('checkin-calendar')).toBeInTheDocument())
    fireEvent.click(day('2024-03-03'))
    fireEvent.click(byId(payWith === 'points' ? 'makeup-with-points' : 'makeup-with-card')!)
    await waitFor(() => expect(byId('makeup-error')).toHaveTextContent(text))
    expect(byId('makeup-panel')).toBeInTheDocument()
    await waitFor(() => expect(eventsFor(call, 'member.checkinCalendar')).toHaveLength(2))
  })

  it('does not offer make-ups when they are off', async () => {
    backend({ 'member.checkinCalendar': ok(calendar({ makeup: { enabled: false, remainingThisMonth: 0, costPoints: 20, cards: 0, missedDays: [] } })) })
    render(<CheckinPage />)
    await waitFor(() => expect(byId('checkin-calendar')).toBeInTheDocument())
    expect(day('2024-03-03')).toHaveAttribute('data-kind', 'missed')
    fireEvent.click(day('2024-03-03'))
    expect(byId('makeup-panel')).toBeNull()
    expect(byId('checkin-makeup-info')).toHaveTextContent('暂未开放补签')
  })
})
