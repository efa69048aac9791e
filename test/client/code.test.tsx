import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { installCanvas } from './doubles/canvas'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import CodePage from '../../client/src/pages/code/index'
import { memberCode } from '../../domain/member-code'
import { qrMatrix } from '../../client/src/utils/qr'
import { ok } from './fixtures'
import { eventsFor, failure, routeCalls } from './backend'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
// 2024-03-05T02:00:10Z: 10 s into a 30 s step, so 20 s until the next code
const T0 = new Date('2024-03-05T02:00:10.000Z')
/** getCodeKey's answer (the server's clock agrees with the device's), and what the device keeps of it */
const KEY = { memberNo: '1000000001', key: 'a'.repeat(64), keyVersion: 1, stepSeconds: 30, serverTime: T0.toISOString() }
const stored = ({ serverTime: _t, ...k }: typeof KEY, clockOffsetMs = 0) => ({ ...k, clockOffsetMs })

const digits = () => document.getElementById('member-code-digits')!
let canvas: ReturnType<typeof installCanvas>

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
  delete process.env.TARO_ENV
  jest.useFakeTimers({ now: T0 })
  canvas = installCanvas()
})

afterEach(() => {
  canvas.restore()
  jest.useRealTimers()
})

describe('会员码', () => {
  it('computes the 18-digit code from the key and the clock, grouped for reading, and caches the key', async () => {
    routeCalls(call, { 'member.getCodeKey': ok(KEY) })
    render(<CodePage />)
    await waitFor(() => expect(digits()).toBeInTheDocument())

    const code = memberCode(KEY.key, KEY.memberNo, T0)
    expect(code).toMatch(/^1000000001\d{8}$/)
    expect(digits()).toHaveAttribute('data-code', code)
    expect(digits().textContent).toBe(code.replace(/(\d{4})(?=\d)/g, '$1 '))
    expect(document.getElementById('member-code-countdown')).toHaveTextContent('20 秒后自动刷新')
    expect(Taro.setStorageSync).toHaveBeenCalledWith('member.codeKey', stored(KEY))
    expect(eventsFor(call, 'member.getCodeKey')).toHaveLength(1)
  })

  it('draws the QR code of the current code on the weapp Canvas 2D node', async () => {
    routeCalls(call, { 'member.getCodeKey': ok(KEY) })
    render(<CodePage />)
    const el = await waitFor(() => {
      const c = document.getElementById('member-code-qr')
      expect(c).toBeInTheDocument()
      return c as HTMLCanvasElement
    })
    expect(el).toHaveAttribute('data-type', '2d')
    await act(async () => {
      jest.advanceTimersByTime(10)
    })
    const ctx = canvas.contextOf(el)!
    expect(ctx).toBeDefined()
    // 220 CSS px × pixel ratio 2
    expect(el.width).toBe(440)
    const code = memberCode(KEY.key, KEY.memberNo, T0)
    const dark = ctx.rects.filter(r => r.fill === '#000000')
    expect(dark.length).toBeGreaterThan(20)
    // the first dark rectangle is the top-left finder pattern's top row: 7 modules wide
    const m = qrMatrix(code)
    const cell = Math.floor(440 / (m.size + 8))
    expect(dark[0].w).toBe(7 * cell)
  })

  it('refreshes the code on the next step and counts down every second', async () => {
    routeCalls(call, { 'member.getCodeKey': ok(KEY) })
    render(<CodePage />)
    await waitFor(() => expect(digits()).toBeInTheDocument())
    const first = digits().getAttribute('data-code')

    act(() => {
      jest.advanceTimersByTime(5000)
    })
    expect(document.getElementById('member-code-countdown')).toHaveTextContent('15 秒后自动刷新')
    expect(digits()).toHaveAttribute('data-code', first)

    act(() => {
      jest.advanceTimersByTime(15_000)
    })
    const next = memberCode(KEY.key, KEY.memberNo, new Date(T0.getTime() + 20_000))
    expect(next).not.toBe(first)
    expect(digits()).toHaveAttribute('data-code', next)
    expect(document.getElementById('member-code-countdown')).toHaveTextContent('30 秒后自动刷新')
    // the key is fetched once: rotating codes need no server
    expect(eventsFor(call, 'member.getCodeKey')).toHaveLength(1)
  })

  it('still shows a valid code from the cached key when getCodeKey fails (offline)', async () => {
    Taro.setStorageSync('member.codeKey', stored(KEY))
    routeCalls(call, { 'member.getCodeKey': () => Promise.reject(new Error('request:fail timeout')) })
    render(<CodePage />)
    expect(digits()).toHaveAttribute('data-code', memberCode(KEY.key, KEY.memberNo, T0))
    expect(await screen.findByText(/网络不可用，已使用保存在本机的会员码/)).toHaveAttribute('id', 'member-code-offline')
    expect(digits()).toHaveAttribute('data-code', memberCode(KEY.key, KEY.memberNo, T0))
    expect(document.getElementById('member-code-error')).toBeNull()
  })

  it('without a cached key a failed getCodeKey is an error with retry', async () => {
    routeCalls(call, { 'member.getCodeKey': failure('INTERNAL', '服务暂时不可用') })
    render(<CodePage />)
    expect(await screen.findByText('服务暂时不可用')).toHaveAttribute('id', 'member-code-error-message')
    routeCalls(call, { 'member.getCodeKey': ok(KEY) })
    fireEvent.click(document.getElementById('member-code-retry')!)
    await waitFor(() => expect(digits()).toHaveAttribute('data-code', memberCode(KEY.key, KEY.memberNo, T0)))
  })

  it('the refresh button fetches the key again (e.g. after the key was rotated)', async () => {
    routeCalls(call, { 'member.getCodeKey': ok(KEY) })
    render(<CodePage />)
    await waitFor(() => expect(digits()).toBeInTheDocument())
    const rotated = { ...KEY, key: 'b'.repeat(64), keyVersion: 2 }
    routeCalls(call, { 'member.getCodeKey': ok(rotated) })
    fireEvent.click(document.getElementById('member-code-refresh')!)
    await waitFor(() => expect(digits()).toHaveAttribute('data-code', memberCode(rotated.key, rotated.memberNo, T0)))
    expect(Taro.setStorageSync).toHaveBeenLastCalledWith('member.codeKey', stored(rotated))
    expect(eventsFor(call, 'member.getCodeKey')).toHaveLength(2)
  })

  it('a phone whose clock is 7 minutes slow shows the code of the server’s time, and keeps the correction offline', async () => {
    const server = new Date(T0.getTime() + 7 * 60_000)
    routeCalls(call, { 'member.getCodeKey': ok({ ...KEY, serverTime: server.toISOString() }) })
    const { unmount } = render(<CodePage />)
    await waitFor(() => expect(digits()).toHaveAttribute('data-code', memberCode(KEY.key, KEY.memberNo, server)))
    expect(memberCode(KEY.key, KEY.memberNo, server)).not.toBe(memberCode(KEY.key, KEY.memberNo, T0))
    // the countdown runs on the server's time too (7 min later is still 10 s into a step)
    expect(document.getElementById('member-code-countdown')).toHaveTextContent('20 秒后自动刷新')
    // corrected by 7 min, less half the (fake) round trip
    const saved = (Taro.setStorageSync as jest.Mock).mock.calls.filter(([k]) => k === 'member.codeKey').at(-1)![1]
    expect(saved).toEqual(stored(KEY, saved.clockOffsetMs))
    expect(Math.abs(saved.clockOffsetMs - 7 * 60_000)).toBeLessThan(1000)
    unmount()

    // next time offline: the saved correction still applies
    routeCalls(call, { 'member.getCodeKey': () => Promise.reject(new Error('request:fail timeout')) })
    render(<CodePage />)
    expect(await screen.findByText(/网络不可用/)).toBeInTheDocument()
    expect(digits()).toHaveAttribute('data-code', memberCode(KEY.key, KEY.memberNo, server))
  })

  it('weapp: raises the screen brightness while shown and restores the member’s own on leave', async () => {
    routeCalls(call, { 'member.getCodeKey': ok(KEY) })
    const { unmount } = render(<CodePage />)
    await waitFor(() => expect(Taro.setScreenBrightness).toHaveBeenCalledWith({ value: 1 }))
    expect(await screen.findByText('已为你调高屏幕亮度，便于店员扫码')).toBeInTheDocument()
    unmount()
    expect(Taro.setScreenBrightness).toHaveBeenLastCalledWith({ value: 0.4 })
  })

  it('H5: a hint only, no brightness API, and the QR code drawn on a <canvas>', async () => {
    process.env.TARO_ENV = 'h5'
    Object.defineProperty(window, 'devicePixelRatio', { value: 1, configurable: true })
    routeCalls(call, { 'member.getCodeKey': ok(KEY) })
    render(<CodePage />)
    await waitFor(() => expect(digits()).toBeInTheDocument())
    expect(document.getElementById('member-code-brightness-hint')).toHaveTextContent('扫码时请调高屏幕亮度')
    expect(Taro.setScreenBrightness).not.toHaveBeenCalled()
    const el = document.getElementById('member-code-qr') as HTMLCanvasElement
    expect(el.tagName).toBe('CANVAS')
    expect(el.width).toBe(220)
    expect(canvas.contextOf(el)!.rects.some(r => r.fill === '#000000')).toBe(true)
  })

  it('H5 without a session goes to sign-in', async () => {
    ;(needsSignIn as jest.Mock).mockReturnValue(true)
    const { redirectToSignIn } = jest.requireMock('../../client/src/services/cloud')
    render(<CodePage />)
    await waitFor(() => expect(redirectToSignIn).toHaveBeenCalled())
    expect(call).not.toHaveBeenCalled()
  })
})
