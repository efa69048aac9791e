/**
 * 生日礼 card (components/birthday-gift-card), the 联系客服 buttons (components/contact-button) on
 * 首页 and 我的券, the 渠道码 scene sent with member.login, and 报表 → 拉新归因.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro, { setRouterParams } from './doubles/taro'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import BirthdayGiftCard, { giftText, monthDayText } from '../../client/src/components/birthday-gift-card'
import ContactButton from '../../client/src/components/contact-button'
import IndexPage from '../../client/src/pages/index/index'
import CouponsPage from '../../client/src/pages/coupons/index'
import AttributionSection, { attributionTable } from '../../client/src/console/reports/attribution-section'
import { member, ok, tierProgress } from './fixtures'
import { denied, eventsFor, failure, routeCalls, type Handlers } from './backend'
import type { BirthdayGiftView } from '../../types/birthday'
import type { AttributionOutputs } from '../../types/attribution'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id)

function view(overrides: Partial<BirthdayGiftView> = {}): BirthdayGiftView {
  return {
    enabled: true,
    hasBirthday: true,
    week: { year: 2026, day: '2026-07-15', from: '2026-07-12', to: '2026-07-18' },
    open: true,
    claimedAt: null,
    gift: { points: 200, couponName: '生日 20 元券' },
    ...overrides,
  }
}

const env = process.env.TARO_ENV
beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  delete process.env.TARO_ENV
})
afterAll(() => {
  process.env.TARO_ENV = env
})

describe('生日礼 card', () => {
  test('texts', () => {
    expect(monthDayText('2026-07-05')).toBe('7 月 5 日')
    expect(giftText({ points: 200, couponName: '生日券' })).toBe('200 积分 + 生日券')
    expect(giftText({ points: 0, couponName: '生日券' })).toBe('生日券')
    expect(giftText({ points: 50, couponName: null })).toBe('50 积分')
  })

  test('in the birthday week: claims once, then says 已领取 and refreshes the points', async () => {
    const claimed = view({ claimedAt: '2026-07-13T02:00:00.000Z' })
    routeCalls(call, {
      'member.birthdayGift': ok(view()),
      'member.claimBirthdayGift': ok({ gift: claimed, pointsAwarded: 200, coupon: null, balance: 320 }),
    })
    const onClaimed = jest.fn()
    render(<BirthdayGiftCard signedInKey={1} onClaimed={onClaimed} />)
    expect(await screen.findByText('领取生日礼')).toHaveAttribute('id', 'birthday-gift-claim')
    expect(byId('birthday-gift-week')).toHaveTextContent('生日周 7 月 12 日 – 7 月 18 日')
    expect(byId('birthday-gift-content')).toHaveTextContent('200 积分 + 生日 20 元券')
    fireEvent.click(byId('birthday-gift-claim')!)
    fireEvent.click(byId('birthday-gift-claim')!)
    expect(await screen.findByText('已领取，券已放入卡包')).toBeInTheDocument()
    expect(eventsFor(call, 'member.claimBirthdayGift')).toHaveLength(1)
    expect(byId('birthday-gift-claim')).toBeNull()
    expect(onClaimed).toHaveBeenCalledTimes(1)
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '生日礼已到账' }))
  })

  test('a refusal shows the server’s message and keeps the button', async () => {
    routeCalls(call, {
      'member.birthdayGift': ok(view()),
      'member.claimBirthdayGift': failure('NOT_BIRTHDAY_WEEK', '生日礼在生日周（2026-07-12 至 2026-07-18）可领取'),
    })
    render(<BirthdayGiftCard signedInKey={1} />)
    fireEvent.click(await screen.findByText('领取生日礼'))
    expect(await screen.findByText('生日礼在生日周（2026-07-12 至 2026-07-18）可领取')).toHaveAttribute('id', 'birthday-gift-error')
    expect(byId('birthday-gift-claim')).not.toBeNull()
  })

  test('claimed already: no button', async () => {
    routeCalls(call, { 'member.birthdayGift': ok(view({ claimedAt: '2026-07-12T02:00:00.000Z', gift: { points: 100, couponName: null } })) })
    render(<BirthdayGiftCard signedInKey={1} />)
    expect(await screen.findByText('已领取，积分已到账')).toBeInTheDocument()
    expect(byId('birthday-gift-claim')).toBeNull()
  })

  test('no birthday yet: a line to fill it in, leading to 编辑资料', async () => {
    routeCalls(call, { 'member.birthdayGift': ok(view({ hasBirthday: false, week: null, open: false })) })
    render(<BirthdayGiftCard signedInKey={1} />)
    expect(await screen.findByText('填写生日，生日当周可领 200 积分 + 生日 20 元券')).toBeInTheDocument()
    fireEvent.click(byId('birthday-gift-profile')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/profile/index' })
  })

  test.each([
    ['outside the week', ok(view({ open: false }))],
    ['no gift offered', ok(view({ enabled: false }))],
    ['a failed call', failure('INTERNAL', 'boom')],
  ])('nothing for %s, and nothing before sign-in', async (_label, answer) => {
    routeCalls(call, { 'member.birthdayGift': answer })
    const { container, rerender } = render(<BirthdayGiftCard signedInKey={0} />)
    expect(call).not.toHaveBeenCalled()
    rerender(<BirthdayGiftCard signedInKey={1} />)
    await waitFor(() => expect(eventsFor(call, 'member.birthdayGift')).toHaveLength(1))
    expect(container).toBeEmptyDOMElement()
  })
})

describe('联系客服', () => {
  test('the mini-program: WeChat’s contact button', () => {
    process.env.TARO_ENV = 'weapp'
    render(<ContactButton id='x-contact' />)
    expect(byId('x-contact')).toHaveAttribute('data-open-type', 'contact')
    expect(byId('x-contact')).toHaveTextContent('联系客服')
  })

  test('H5: a note instead (no customer-service session in a browser)', () => {
    process.env.TARO_ENV = 'h5'
    render(<ContactButton id='x-contact' />)
    expect(byId('x-contact')).toBeNull()
    expect(byId('x-contact-note')).toHaveTextContent('在线客服请在微信小程序中使用')
  })
})

describe('首页 and 我的券', () => {
  const home: Handlers = {
    'member.login': ok({ member: member(), created: false }),
    'member.getPoints': ok({ balance: 120, expiring: null }),
    'member.myTier': ok(tierProgress()),
    'member.recommendations': ok({ items: [] }),
    'member.npsPrompt': ok({ ask: null }),
    'member.birthdayGift': ok(view()),
    'staff.me': denied,
  }

  test('the home page shows the birthday card and the contact button, and sends the launch scene with login', async () => {
    process.env.TARO_ENV = 'weapp'
    setRouterParams({ scene: 'c%3Dc0123456789ab' })
    routeCalls(call, home)
    render(<IndexPage />)
    expect(await screen.findByText('领取生日礼')).toBeInTheDocument()
    expect(byId('home-contact')).toHaveAttribute('data-open-type', 'contact')
    expect(eventsFor(call, 'member.login')).toEqual([{ action: 'login', scene: 'c%3Dc0123456789ab' }])
  })

  test('a scene the contract refuses never keeps the member out: signed in again without it', async () => {
    setRouterParams({ scene: 'x'.repeat(100) })
    routeCalls(call, { ...home, 'member.login': (e: Record<string, unknown>) => (e.scene ? failure('INVALID_ARGUMENT', 'bad') : ok({ member: member(), created: false })) })
    render(<IndexPage />)
    await screen.findByText('小爱')
    expect(eventsFor(call, 'member.login')).toEqual([{ action: 'login', scene: 'x'.repeat(100) }, { action: 'login' }])
  })

  test('我的券 has the contact button', async () => {
    process.env.TARO_ENV = 'weapp'
    routeCalls(call, { 'member.myCoupons': ok({ items: [], hasMore: false, counts: { available: 0, used: 0, expired: 0 } }) })
    render(<CouponsPage />)
    expect(await screen.findByText('还没有可使用的券')).toBeInTheDocument()
    expect(byId('coupons-contact')).toHaveAttribute('data-open-type', 'contact')
  })
})

describe('报表 → 拉新归因', () => {
  const row = { key: 'c0123456789ab', name: '陈一鸣', newMembers: 2, buyers: 1, value90Fen: 14_000, avgValue90Fen: 7_000, openWindows: 2 }
  const report: AttributionOutputs['attributionReport'] = {
    from: '2026-03-01',
    to: '2026-03-15',
    joined: 4,
    attributed: 3,
    byChannel: [{ ...row, kind: 'staff' }],
    byStore: [{ ...row, key: 'store_a', name: '静安店' }],
    byStaff: [row],
  }
  const channels: AttributionOutputs['listChannels'] = {
    channels: [
      {
        channelId: 'c0123456789ab',
        kind: 'staff',
        name: '陈一鸣',
        storeId: 'store_a',
        storeName: '静安店',
        staffName: '陈一鸣',
        campaignId: null,
        scene: 'c=c0123456789ab',
        page: 'pages/index/index',
        createdAt: '2026-03-01T00:00:00.000Z',
        url: 'https://files.test/code.png',
      },
    ],
    expiresAt: '2026-03-01T00:10:00.000Z',
  }

  test('the table figures', () => {
    expect(attributionTable('t', '店员', [row]).rows[0].cells).toEqual(['陈一鸣', '2', '1', '￥140.00', '￥70.00', '2'])
  })

  test('shows the groupings and prints a code (the mini-program opens the image to save)', async () => {
    process.env.TARO_ENV = 'weapp'
    ;(Taro as unknown as { previewImage: jest.Mock }).previewImage = jest.fn(async () => ({ errMsg: 'previewImage:ok' }))
    routeCalls(call, { 'admin.attributionReport': ok(report), 'admin.listChannels': ok(channels) })
    render(<AttributionSection from='2026-03-01' to='2026-03-15' />)
    expect(await screen.findByText('陈一鸣（店员码）')).toBeInTheDocument()
    expect(eventsFor(call, 'admin.attributionReport')).toEqual([{ action: 'attributionReport', from: '2026-03-01', to: '2026-03-15' }])
    expect(byId('reports-attribution-joined')).toHaveTextContent('4')
    expect(byId('reports-attribution-attributed')).toHaveTextContent('3')
    expect(byId('reports-table-attr-store')).toHaveTextContent('静安店')
    fireEvent.click(byId('attr-print-c0123456789ab')!)
    expect((Taro as unknown as { previewImage: jest.Mock }).previewImage).toHaveBeenCalledWith({ urls: ['https://files.test/code.png'] })
  })

  test('H5 prints a card with the code and its names', async () => {
    process.env.TARO_ENV = 'h5'
    const print = jest.fn()
    window.print = print
    jest.useFakeTimers()
    try {
      routeCalls(call, { 'admin.attributionReport': ok(report), 'admin.listChannels': ok(channels) })
      render(<AttributionSection from='2026-03-01' to='2026-03-15' />)
      await waitFor(() => expect(byId('attr-print-c0123456789ab')).not.toBeNull())
      fireEvent.click(byId('attr-print-c0123456789ab')!)
      expect(byId('attr-poster')).toHaveTextContent('陈一鸣')
      expect(byId('attr-poster')).toHaveTextContent('静安店 · 陈一鸣')
      jest.advanceTimersByTime(500)
      expect(print).toHaveBeenCalled()
    } finally {
      jest.useRealTimers()
    }
  })

  test('a store manager: 仅品牌管理员可见', async () => {
    routeCalls(call, { 'admin.attributionReport': denied, 'admin.listChannels': denied })
    render(<AttributionSection from='2026-03-01' to='2026-03-15' />)
    expect(await screen.findByText('仅品牌管理员可见')).toBeInTheDocument()
  })
})
