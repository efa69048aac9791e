/** Client helpers: QR matrix and drawing, money in fen, request ids, display formats, and the hooks pages load data with. */
import { act, renderHook, waitFor } from '@testing-library/react'
import { needsSignIn, redirectToSignIn } from '../../client/src/services/cloud'
import { usePageLoad } from '../../client/src/utils/use-page-load'
import { usePagedList } from '../../client/src/utils/use-paged-list'
import type { Result } from '../../types/result'
import { deferred, ok } from './fixtures'
import { denied, failure } from './backend'
import { drawQr, qrMatrix } from '../../client/src/utils/qr'
import { fenToYuanText, formatFen, parseYuan } from '../../client/src/utils/money'
import { newRequestId } from '../../client/src/utils/request-id'
import { groupDigits, shanghaiDateTimeText, signedPoints } from '../../client/src/utils/format'
import { darkModules, recordingContext } from './doubles/canvas'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

describe('qr.ts', () => {
  it('an 18-digit member code is a version-1 symbol (21 × 21) at error correction M', () => {
    const m = qrMatrix('100000000112345678')
    expect(m.version).toBe(1)
    expect(m.size).toBe(21)
    expect(m.rows).toHaveLength(21)
    m.rows.forEach(r => expect(r).toHaveLength(21))
  })

  it.each(['https://example.com/member/1000000001?code=12345678', 'x'.repeat(200), '1'.repeat(500)])('the matrix size is 4 × version + 17 (%#)', text => {
    const m = qrMatrix(text)
    expect(m.size).toBe(4 * m.version + 17)
    expect(m.rows).toHaveLength(m.size)
    expect(m.version).toBeGreaterThan(1)
  })

  it('has the three finder patterns (7 × 7 dark rings) in the corners', () => {
    const { rows, size } = qrMatrix('100000000112345678')
    for (const [r0, c0] of [
      [0, 0],
      [0, size - 7],
      [size - 7, 0],
    ]) {
      for (let i = 0; i < 7; i++) {
        expect(rows[r0][c0 + i]).toBe(true)
        expect(rows[r0 + 6][c0 + i]).toBe(true)
        expect(rows[r0 + i][c0]).toBe(true)
        expect(rows[r0 + i][c0 + 6]).toBe(true)
      }
      expect(rows[r0 + 1][c0 + 1]).toBe(false)
      expect(rows[r0 + 3][c0 + 3]).toBe(true)
    }
  })

  it('a higher error correction level needs at least as large a symbol', () => {
    const text = 'member-code:1000000001:12345678:' + 'z'.repeat(40)
    expect(qrMatrix(text, 'H').version).toBeGreaterThanOrEqual(qrMatrix(text, 'L').version)
  })

  it('drawQr paints exactly the dark modules, whole pixels per module, with a quiet zone', () => {
    const m = qrMatrix('100000000112345678')
    const ctx = recordingContext()
    const cell = drawQr(ctx, m, 440)
    expect(cell).toBe(Math.floor(440 / (21 + 8)))
    // background first, white, covering the canvas
    expect(ctx.rects[0]).toEqual({ x: 0, y: 0, w: 440, h: 440, fill: '#ffffff' })
    const offset = Math.floor((440 - cell * 21) / 2)
    expect(offset).toBeGreaterThanOrEqual(4 * cell)
    expect(darkModules(ctx.rects.slice(1), 21, cell, offset)).toEqual(m.rows)
    for (const r of ctx.rects) {
      expect(Number.isInteger(r.x) && Number.isInteger(r.y) && Number.isInteger(r.w)).toBe(true)
    }
  })

  it('drawQr draws nothing readable into a square too small for it', () => {
    const ctx = recordingContext()
    expect(drawQr(ctx, qrMatrix('1'), 10)).toBe(0)
    expect(ctx.rects).toHaveLength(1)
  })
})

describe('money (integer fen)', () => {
  it.each([
    ['12', 1200],
    ['12.3', 1230],
    ['12.30', 1230],
    ['0.01', 1],
    ['.5', 50],
    ['12.', 1200],
    [' 19.99 ', 1999],
    ['￥8.80', 880],
    ['1000000', 100_000_000],
    // 0.07 * 100 is 7.000000000000001 in floating point: never used
    ['0.07', 7],
    ['4.35', 435],
  ])('parseYuan(%j) = %d fen', (input, fen) => {
    expect(parseYuan(input)).toEqual({ ok: true, fen })
  })

  it.each([
    ['', '请输入金额'],
    ['abc', '金额格式不正确'],
    ['1.234', '金额格式不正确'],
    ['-5', '金额格式不正确'],
    ['1e3', '金额格式不正确'],
    ['0', '金额必须大于 0'],
    ['0.00', '金额必须大于 0'],
    ['1000000.01', '金额不能超过 ￥1000000.00'],
  ])('parseYuan(%j) is refused: %s', (input, message) => {
    const r = parseYuan(input)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.message).toContain(message)
  })

  it('parseYuan takes a smaller maximum (a refund up to what is left)', () => {
    expect(parseYuan('12.31', 1230)).toMatchObject({ ok: false, message: '金额不能超过 ￥12.30' })
    expect(parseYuan('12.30', 1230)).toEqual({ ok: true, fen: 1230 })
  })

  it('formatFen shows ￥ with two decimals', () => {
    expect(formatFen(1230)).toBe('￥12.30')
    expect(formatFen(5)).toBe('￥0.05')
    expect(formatFen(0)).toBe('￥0.00')
    expect(formatFen(-50)).toBe('-￥0.50')
    expect(formatFen(100_000_000)).toBe('￥1000000.00')
    expect(fenToYuanText(1230)).toBe('12.30')
  })
})

describe('request ids', () => {
  it('match the contract (8–64 of [A-Za-z0-9_-]) and differ each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRequestId('p')))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^[\w-]{8,64}$/)
  })
})

describe('formats', () => {
  it('groups the member code for reading and shows Shanghai times and signed points', () => {
    expect(groupDigits('100000000112345678')).toBe('1000 0000 0112 3456 78')
    expect(shanghaiDateTimeText('2024-03-04T16:30:00.000Z')).toBe('2024-03-05 00:30')
    expect(signedPoints(10)).toBe('+10')
    expect(signedPoints(-5)).toBe('-5')
    expect(signedPoints(0)).toBe('0')
  })
})

describe('usePageLoad', () => {
  type Ready = { status: 'ready'; n: number }
  const toReady = (n: number): Ready => ({ status: 'ready', n })

  beforeEach(() => {
    ;(needsSignIn as jest.Mock).mockReturnValue(false)
    ;(redirectToSignIn as jest.Mock).mockClear()
  })

  /** A fetch whose answers the test hands out one by one, in any order. */
  function answers() {
    const pending: Array<ReturnType<typeof deferred<Result<number>>>> = []
    const fetch = jest.fn(() => {
      const d = deferred<Result<number>>()
      pending.push(d)
      return d.promise
    })
    return { fetch, pending }
  }

  it('shows loading, then the answer; without a session it sends the member to sign in and asks nothing', async () => {
    const { fetch, pending } = answers()
    const { result } = renderHook(() => usePageLoad(fetch, toReady))
    expect(result.current.load).toEqual({ status: 'loading' })
    act(() => void result.current.refresh(false))
    expect(result.current.refreshing).toBe(true)
    await act(async () => pending[0].resolve(ok(1)))
    expect(result.current.load).toEqual({ status: 'ready', n: 1 })
    expect(result.current.refreshing).toBe(false)

    ;(needsSignIn as jest.Mock).mockReturnValue(true)
    await act(() => result.current.refresh(false))
    expect(redirectToSignIn).toHaveBeenCalledTimes(1)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('drops an answer older than the latest request', async () => {
    const { fetch, pending } = answers()
    const { result } = renderHook(() => usePageLoad(fetch, toReady))
    act(() => {
      void result.current.refresh(false)
      void result.current.refresh(false)
    })
    await act(async () => pending[1].resolve(ok(2)))
    await act(async () => pending[0].resolve(ok(1)))
    expect(result.current.load).toEqual({ status: 'ready', n: 2 })
  })

  it('a failed refresh keeps what is shown (a quiet one never shows an error); keepOnError: false replaces it', async () => {
    let next: Result<number> = ok(1)
    const keep = renderHook(() => usePageLoad(async () => next, toReady))
    await act(() => keep.result.current.refresh(false))
    next = failure('INTERNAL', '服务繁忙')
    await act(() => keep.result.current.refresh(false))
    expect(keep.result.current.load).toEqual({ status: 'ready', n: 1 })

    const replace = renderHook(() => usePageLoad(async () => next, toReady, { keepOnError: false }))

    await act(() => replace.result.current.refresh(true))
    expect(replace.result.current.load).toEqual({ status: 'loading' })
    await act(() => replace.result.current.refresh(false))
    expect(replace.result.current.load).toEqual({ status: 'error', message: '服务繁忙' })
    next = ok(3)
    await act(() => replace.result.current.refresh(false))
    next = failure('INTERNAL', '又失败了')
    await act(() => replace.result.current.refresh(false))
    expect(replace.result.current.load).toEqual({ status: 'error', message: '又失败了' })
  })

  it('a thrown error is shown with its message; errorText words a refusal, onFailed hears it', async () => {
    const onFailed = jest.fn()
    let next: () => Promise<Result<number>> = () => Promise.reject(new Error('网络断开'))
    const { result } = renderHook(() => usePageLoad(() => next(), toReady, { errorText: f => (f.code === 'NOT_FOUND' ? '不存在' : f.message), onFailed }))
    await act(() => result.current.refresh(false))
    expect(result.current.load).toEqual({ status: 'error', message: '网络断开' })
    expect(onFailed).not.toHaveBeenCalled()
    next = async () => failure('NOT_FOUND', 'not found')
    await act(() => result.current.refresh(false))
    expect(result.current.load).toEqual({ status: 'error', message: '不存在' })
    expect(onFailed).toHaveBeenCalledWith(expect.objectContaining({ code: 'NOT_FOUND' }))
  })

  it('denied: PERMISSION_DENIED shows denied even over what is shown, and even when quiet; without it, an error', async () => {
    let next: Result<number> = ok(1)
    const staff = renderHook(() => usePageLoad(async () => next, toReady, { denied: true }))
    await act(() => staff.result.current.refresh(false))
    expect(staff.result.current.load).toEqual({ status: 'ready', n: 1 })
    next = denied
    await act(() => staff.result.current.refresh(true))
    expect(staff.result.current.load).toEqual({ status: 'denied' })

    const member = renderHook(() => usePageLoad(async () => denied, toReady))
    await act(() => member.result.current.refresh(false))
    expect(member.result.current.load).toEqual({ status: 'error', message: '仅限店员使用' })
  })

  it('initial shows a kept copy at once; onLoaded gets the data shown, and refresh resolves to it', async () => {
    const onLoaded = jest.fn()
    const { result } = renderHook(() => usePageLoad(async () => ok(5), toReady, { initial: () => toReady(4), onLoaded }))
    expect(result.current.load).toEqual({ status: 'ready', n: 4 })
    let shown: number | undefined
    await act(async () => {
      shown = await result.current.refresh(false)
    })
    expect(shown).toBe(5)
    expect(onLoaded).toHaveBeenCalledWith(5)
    expect(result.current.load).toEqual({ status: 'ready', n: 5 })
  })

  it('update writes an action’s answer and drops the refresh in flight; with nothing shown it changes nothing', async () => {
    const { fetch, pending } = answers()
    const { result } = renderHook(() => usePageLoad(fetch, toReady))
    act(() => result.current.update(() => toReady(99)))
    expect(result.current.load).toEqual({ status: 'loading' })
    act(() => void result.current.refresh(false))
    await act(async () => pending[0].resolve(ok(1)))

    act(() => void result.current.refresh(true))
    act(() => result.current.update(r => toReady(r.n + 10)))
    expect(result.current.load).toEqual({ status: 'ready', n: 11 })
    await act(async () => pending[1].resolve(ok(2)))
    expect(result.current.load).toEqual({ status: 'ready', n: 11 })
  })

  it('oneAtATime: a refresh while one is in flight is not sent', async () => {
    const { fetch, pending } = answers()
    const { result } = renderHook(() => usePageLoad(fetch, toReady, { oneAtATime: true }))
    act(() => {
      void result.current.refresh(false)
      void result.current.refresh(false)
    })
    expect(fetch).toHaveBeenCalledTimes(1)
    await act(async () => pending[0].resolve(ok(1)))
    act(() => void result.current.refresh(false))
    expect(fetch).toHaveBeenCalledTimes(2)
  })
})

describe('usePagedList', () => {
  type Row = { id: string }
  type Page = { items: Row[]; hasMore: boolean; tag: string }
  const rows = (...ids: string[]) => ids.map(id => ({ id }))

  beforeEach(() => {
    ;(needsSignIn as jest.Mock).mockReturnValue(false)
  })

  it('auto: false loads nothing until reload; reload(false) starts empty, reload(true) keeps the rows until the answer; onPage sees each page', async () => {
    const pending: Array<ReturnType<typeof deferred<Result<Page>>>> = []
    const fetchPage = jest.fn((_offset: number) => {
      const d = deferred<Result<Page>>()
      pending.push(d)
      return d.promise
    })
    const onPage = jest.fn()
    const { result } = renderHook(() => usePagedList(fetchPage, (r: Row) => r.id, { auto: false, onPage }))
    expect(fetchPage).not.toHaveBeenCalled()

    act(() => void result.current.reload(false))
    await act(async () => pending[0].resolve(ok({ items: rows('a', 'b'), hasMore: true, tag: 'first' })))
    expect(result.current.items).toEqual(rows('a', 'b'))
    expect(onPage).toHaveBeenLastCalledWith(expect.objectContaining({ tag: 'first' }))

    act(() => void result.current.reload(true))
    expect(result.current.items).toEqual(rows('a', 'b'))
    expect(result.current.load).toEqual({ status: 'loading' })
    await act(async () => pending[1].resolve(ok({ items: rows('c'), hasMore: false, tag: 'again' })))
    expect(result.current.items).toEqual(rows('c'))
    expect(fetchPage.mock.calls.map(([offset]) => offset)).toEqual([0, 0])

    act(() => void result.current.reload(false))
    expect(result.current.items).toEqual([])
    expect(result.current.loaded).toBe(false)
  })

  it('a page of the list left behind is dropped, and 加载更多 goes on from the new list', async () => {
    const pending: Array<ReturnType<typeof deferred<Result<Page>>>> = []
    const fetchPage = jest.fn((_offset: number) => {
      const d = deferred<Result<Page>>()
      pending.push(d)
      return d.promise
    })
    const { result } = renderHook(() => usePagedList(fetchPage, (r: Row) => r.id))
    await act(async () => pending[0].resolve(ok({ items: rows('a'), hasMore: true, tag: 'old' })))
    act(() => void result.current.loadMore())
    act(() => void result.current.reload(false))
    await act(async () => pending[2].resolve(ok({ items: rows('x', 'y'), hasMore: true, tag: 'new' })))
    await act(async () => pending[1].resolve(ok({ items: rows('b'), hasMore: false, tag: 'old' })))
    expect(result.current.items).toEqual(rows('x', 'y'))
    expect(result.current.hasMore).toBe(true)

    act(() => void result.current.loadMore())
    await waitFor(() => expect(fetchPage).toHaveBeenCalledTimes(4))
    expect(fetchPage.mock.calls.map(([offset]) => offset)).toEqual([0, 1, 0, 2])
  })
})
