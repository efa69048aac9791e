/** 渠道码海报 (client/src/console/reports/poster.ts): what is drawn where, and the file name. */
import { drawPoster, posterFileName, posterTexts, POSTER_HEIGHT, POSTER_WIDTH, type PosterContext } from '../../client/src/console/reports/poster'

/** A 2D context that records what is drawn, with the style in force at each call. */
function recorder() {
  const calls: Array<{ op: string; args: unknown[]; fillStyle: unknown; font: string; textAlign: string }> = []
  const ctx: PosterContext & { calls: typeof calls } = {
    fillStyle: '',
    font: '',
    textAlign: '',
    textBaseline: '',
    calls,
    fillRect: (...args) => calls.push({ op: 'fillRect', args, fillStyle: ctx.fillStyle, font: ctx.font, textAlign: ctx.textAlign }),
    drawImage: (...args) => calls.push({ op: 'drawImage', args, fillStyle: ctx.fillStyle, font: ctx.font, textAlign: ctx.textAlign }),
    fillText: (...args) => calls.push({ op: 'fillText', args, fillStyle: ctx.fillStyle, font: ctx.font, textAlign: ctx.textAlign }),
  }
  return ctx
}

const channel = { name: '静安店 店员小王', storeName: '上海静安旗舰店', staffName: '店员小王', url: 'https://example.com/code.png' }

test('a white sheet, the code centred at the top, then the name, store · staff and the hint, centred, in that order', () => {
  const ctx = recorder()
  const code = { tag: 'code image' }
  drawPoster(ctx, code, posterTexts(channel))
  expect(ctx.calls[0]).toMatchObject({ op: 'fillRect', args: [0, 0, POSTER_WIDTH, POSTER_HEIGHT], fillStyle: '#ffffff' })
  const [image] = ctx.calls.filter(c => c.op === 'drawImage')
  const [, x, y, w, h] = image.args as number[]
  expect(image.args[0]).toBe(code)
  expect(x + w / 2).toBe(POSTER_WIDTH / 2)
  expect(w).toBe(h)
  const texts = ctx.calls.filter(c => c.op === 'fillText')
  expect(texts.map(t => t.args[0])).toEqual(['静安店 店员小王', '上海静安旗舰店 · 店员小王', '微信扫码，加入会员'])
  for (const t of texts) {
    expect(t).toMatchObject({ textAlign: 'center', args: [expect.any(String), POSTER_WIDTH / 2, expect.any(Number), expect.any(Number)] })
    // under the code, inside the sheet
    expect(t.args[2] as number).toBeGreaterThan(y + h)
    expect(t.args[2] as number).toBeLessThan(POSTER_HEIGHT)
  }
  expect(texts[0].font).toMatch(/^bold/)
})

test('a campaign code without store or staff leaves that line out', () => {
  const ctx = recorder()
  drawPoster(ctx, {}, posterTexts({ ...channel, storeName: null, staffName: null }))
  expect(ctx.calls.filter(c => c.op === 'fillText').map(t => t.args[0])).toEqual(['静安店 店员小王', '微信扫码，加入会员'])
})

test('the file name keeps the channel name without characters file systems refuse', () => {
  expect(posterFileName({ ...channel, name: '双11/海报: 一楼 "A"' })).toBe('渠道码-双11_海报_一楼_A_.png')
})
