/** Pure client helpers: QR matrix and drawing, money in fen, request ids, display formats. */
import { drawQr, qrMatrix } from '../../client/src/utils/qr'
import { fenToYuanText, formatFen, parseYuan } from '../../client/src/utils/money'
import { newRequestId } from '../../client/src/utils/request-id'
import { groupDigits, shanghaiDateTimeText, signedPoints } from '../../client/src/utils/format'
import { darkModules, recordingContext } from './doubles/canvas'

describe('qr.ts', () => {
  it('an 18-digit member code is a version-1 symbol (21 × 21) at error correction M', () => {
    const m = qrMatrix('100000000112345678')
    expect(m.version).toBe(1)
    expect(m.size).toBe(21)
    expect(m.rows).toHaveLength(21)
    m.rows.forEach(r => expect(r).toHaveLength(21))
  })

  it.each(['https://example.com/member/1000000001?code=12345678', 'x'.repeat(200), '1'.repeat(500)])(
    'the matrix size is 4 × version + 17 (%#)',
    text => {
      const m = qrMatrix(text)
      expect(m.size).toBe(4 * m.version + 17)
      expect(m.rows).toHaveLength(m.size)
      expect(m.version).toBeGreaterThan(1)
    },
  )

  it('has the three finder patterns (7 × 7 dark rings) in the corners', () => {
    const { rows, size } = qrMatrix('100000000112345678')
    for (const [r0, c0] of [[0, 0], [0, size - 7], [size - 7, 0]]) {
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
