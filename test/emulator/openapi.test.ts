/**
 * cloud.openapi.* and cloud.getOpenData through the unmodified wx-server-sdk against the real
 * emulator process: the outbox, its durability, the fake phone numbers and open data, and the
 * structured errors for anything not emulated.
 */
import fs from 'fs'
import path from 'path'
import { sdkFor, startEmulator, tempDataDir, type RunningEmulator } from '../../scripts/emulator-process'
import { createOpenApiService, type OutboxMessage } from '../../emulator/openapi'
import { fakePhoneNumber } from '../../emulator/openapi/apis'

jest.setTimeout(60_000)

// the typed facade leaves out callOpenAPI, getVoIPSign and cloud.openapi({ appid }): these tests
// reach them, so they use the SDK untyped
type Cloud = any

let emu: RunningEmulator
let cloud: Cloud

async function readOutbox(e: RunningEmulator): Promise<OutboxMessage[]> {
  const res = await fetch(`${e.baseUrl}/outbox`)
  expect(res.status).toBe(200)
  return (await res.json()) as OutboxMessage[]
}

/** What a mini-program would get back as an error from the SDK. */
async function errorOf(p: Promise<unknown>): Promise<{ errCode: number; errMsg: string }> {
  try {
    await p
  } catch (err) {
    const e = err as { errCode: number; errMsg: string }
    return { errCode: e.errCode, errMsg: e.errMsg }
  }
  throw new Error('expected the call to fail')
}

const sampleMessage = (touser: string) => ({
  touser,
  templateId: 'TPL_points_changed',
  page: 'pages/points/index',
  data: { thing1: { value: '签到奖励' }, number2: { value: '10' }, time3: { value: '2024-05-01 08:00' } },
  miniprogramState: 'developer',
  lang: 'zh_CN',
})

beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
  cloud = sdkFor(emu)
})

afterAll(async () => {
  await emu?.stop()
})

describe('subscribeMessage.send', () => {
  test('answers the SDK success shape and lands in the outbox with the decoded request', async () => {
    const res = await cloud.openapi.subscribeMessage.send(sampleMessage('o_user_send_1'))
    expect(res).toEqual({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' })

    const outbox = await readOutbox(emu)
    const mine = outbox.filter(m => (m.payload as { touser: string }).touser === 'o_user_send_1')
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ api: 'subscribeMessage.send', appid: 'wx0000000000local' })
    expect(mine[0].payload).toEqual(sampleMessage('o_user_send_1'))
    expect(mine[0].id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Date.now() - Date.parse(mine[0].at)).toBeLessThan(60_000)
  })

  test('keeps the call order, newest last', async () => {
    for (const n of [1, 2, 3]) await cloud.openapi.subscribeMessage.send(sampleMessage(`o_order_${n}`))
    const order = (await readOutbox(emu)).map(m => (m.payload as { touser: string }).touser).filter(t => t.startsWith('o_order_'))
    expect(order).toEqual(['o_order_1', 'o_order_2', 'o_order_3'])
  })

  test('rejects template values WeChat would reject (thing over 20 chars) with 47003 and sends nothing', async () => {
    const before = (await readOutbox(emu)).length
    const bad = { ...sampleMessage('o_bad'), data: { thing1: { value: '这是一条超过二十个字符的非常非常非常长的提醒内容' } } }
    const err = await errorOf(cloud.openapi.subscribeMessage.send(bad))
    expect(err.errCode).toBe(47003)
    expect(err.errMsg).toBe('openapi.subscribeMessage.send:fail argument invalid! data.thing1.value invalid (thing: at most 20 characters)')

    const empty = await errorOf(cloud.openapi.subscribeMessage.send({ ...sampleMessage('o_bad'), data: { thing1: { value: '' } } }))
    expect(empty).toEqual({ errCode: 47003, errMsg: 'openapi.subscribeMessage.send:fail argument invalid! data.thing1.value is empty' })
    expect((await readOutbox(emu)).length).toBe(before)
  })

  test('missing touser / templateId answer WeChat error codes', async () => {
    const noUser = await errorOf(cloud.openapi.subscribeMessage.send({ ...sampleMessage(''), touser: '' }))
    expect(noUser).toEqual({ errCode: 40003, errMsg: 'openapi.subscribeMessage.send:fail invalid openid' })
    const noTpl = await errorOf(cloud.openapi.subscribeMessage.send({ ...sampleMessage('o_x'), templateId: '' }))
    expect(noTpl).toEqual({ errCode: 40037, errMsg: 'openapi.subscribeMessage.send:fail invalid template_id' })
  })

  test('records the caller from WX_API_TOKEN and the appid of cloud.openapi({ appid })', async () => {
    const saved = { token: process.env.WX_API_TOKEN, keys: process.env.WX_CONTEXT_KEYS }
    try {
      // what the function runtime sets per invocation (the SDK reads WX_API_TOKEN only when WX_CONTEXT_KEYS lists it)
      process.env.WX_API_TOKEN = JSON.stringify({ appid: 'wx_test_app', openid: 'o_caller', function: 'points' })
      process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_UNIONID,WX_API_TOKEN'
      await cloud.openapi.subscribeMessage.send(sampleMessage('o_token_1'))
      await cloud.openapi({ appid: 'wx_other_app' }).subscribeMessage.send(sampleMessage('o_token_2'))
      // and getWXContext still hides the token
      expect(cloud.getWXContext()).not.toHaveProperty('API_TOKEN')
    } finally {
      if (saved.token === undefined) delete process.env.WX_API_TOKEN
      else process.env.WX_API_TOKEN = saved.token
      if (saved.keys === undefined) delete process.env.WX_CONTEXT_KEYS
      else process.env.WX_CONTEXT_KEYS = saved.keys
    }
    const outbox = await readOutbox(emu)
    const byUser = (u: string) => outbox.find(m => (m.payload as { touser: string }).touser === u)
    expect(byUser('o_token_1')).toMatchObject({ appid: 'wx_test_app', caller: { openid: 'o_caller', function: 'points' } })
    expect(byUser('o_token_2')).toMatchObject({ appid: 'wx_other_app', caller: { openid: 'o_caller', function: 'points' } })
  })
})

describe('phonenumber.getPhoneNumber', () => {
  test('answers a deterministic fake phone in WeChat shape', async () => {
    const a = await cloud.openapi.phonenumber.getPhoneNumber({ code: 'code-abc' })
    const b = await cloud.openapi.phonenumber.getPhoneNumber({ code: 'code-abc' })
    const c = await cloud.openapi.phonenumber.getPhoneNumber({ code: 'code-xyz' })
    const phone = fakePhoneNumber('code-abc')
    expect(phone).toMatch(/^138\d{8}$/)
    expect(a).toMatchObject({
      errCode: 0,
      errMsg: 'openapi.phonenumber.getPhoneNumber:ok',
      phoneInfo: { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86', watermark: { appid: 'wx0000000000local' } },
    })
    expect(typeof a.phoneInfo.watermark.timestamp).toBe('number')
    expect(Math.abs(a.phoneInfo.watermark.timestamp - Date.now() / 1000)).toBeLessThan(120)
    expect(b.phoneInfo.phoneNumber).toBe(phone)
    expect(c.phoneInfo.phoneNumber).toBe(fakePhoneNumber('code-xyz'))
    expect(c.phoneInfo.phoneNumber).not.toBe(phone)
  })

  test('an invalid code answers 40029', async () => {
    const err = await errorOf(cloud.openapi.phonenumber.getPhoneNumber({ code: 'invalid-code' }))
    expect(err).toEqual({ errCode: 40029, errMsg: 'openapi.phonenumber.getPhoneNumber:fail invalid code' })
    const missing = await errorOf(cloud.openapi.phonenumber.getPhoneNumber({}))
    expect(missing.errCode).toBe(40029)
  })
})

describe('getOpenData', () => {
  test('answers deterministic data per cloudID in the SDK shape', async () => {
    const explicit = `local:${Buffer.from(JSON.stringify({ openGId: 'G_123' })).toString('base64url')}`
    const res = await cloud.getOpenData({ list: ['cid-phone-1', 'werun:u1', explicit, 'expired:old'] })
    expect(res.errCode).toBe(0)
    expect(res.errMsg).toBe('getOpenData:ok')
    expect(res.list).toHaveLength(4)
    const [phone, werun, given, expired] = res.list
    expect(phone).toMatchObject({
      cloudID: 'cid-phone-1',
      data: { phoneNumber: fakePhoneNumber('cid-phone-1'), purePhoneNumber: fakePhoneNumber('cid-phone-1'), countryCode: '86', watermark: { appid: 'wx0000000000local' } },
    })
    expect(werun.cloudID).toBe('werun:u1')
    expect(werun.data.stepInfoList).toHaveLength(31)
    for (const d of werun.data.stepInfoList) {
      expect(Number.isInteger(d.step)).toBe(true)
      expect(d.step).toBeGreaterThanOrEqual(0)
      expect((d.timestamp + 8 * 3600) % 86_400).toBe(0) // midnight China time
    }
    expect(given).toEqual({ cloudID: explicit, data: { openGId: 'G_123' } })
    expect(expired).toEqual({ cloudID: 'expired:old', errCode: -601006, errMsg: 'cloudID expired' })

    const again = await cloud.getOpenData({ list: ['werun:u1'] })
    expect(again.list[0].data.stepInfoList).toEqual(werun.data.stepInfoList)
  })
})

describe('not emulated', () => {
  test('an unknown openapi name is a structured -604101 error, and the emulator keeps serving', async () => {
    const err = await errorOf(cloud.openapi.urlscheme.generate({ isExpire: false }))
    expect(err.errCode).toBe(-604101)
    expect(err.errMsg).toMatch(/^openapi\.urlscheme\.generate:fail function has no permission to call this API: openapi\.urlscheme\.generate is not emulated/)

    const voip = await errorOf(cloud.getVoIPSign({ groupId: 'g', timestamp: 1, nonce: 'n' }))
    expect(voip.errCode).toBe(-604101)

    const ok = await cloud.openapi.phonenumber.getPhoneNumber({ code: 'after-error' })
    expect(ok.phoneInfo.phoneNumber).toBe(fakePhoneNumber('after-error'))
  })

  test('the deprecated callOpenAPI (wx.api) and security.msgSecCheck', async () => {
    const legacy = await cloud.callOpenAPI({ api: 'phonenumber.getPhoneNumber', data: { code: 'legacy' } })
    expect(legacy.result).toMatchObject({ errcode: 0, phone_info: { phoneNumber: fakePhoneNumber('legacy') } })

    const pass = await cloud.openapi.security.msgSecCheck({ content: '你好', version: 2, scene: 1, openid: 'o_x' })
    expect(pass).toMatchObject({ errCode: 0, result: { suggest: 'pass', label: 100 } })
    const risky = await cloud.openapi.security.msgSecCheck({ content: 'bad [risky] text', version: 2, scene: 1, openid: 'o_x' })
    expect(risky.result).toEqual({ suggest: 'risky', label: 21000 })
  })
})

describe('durability', () => {
  test('the outbox survives a restart (and a torn last line) and keeps appending in order', async () => {
    const dataDir = tempDataDir('emu-outbox-')
    let first: RunningEmulator | undefined = await startEmulator({ dataDir, args: ['--no-timers'] })
    try {
      let c = sdkFor(first)
      await c.openapi.subscribeMessage.send(sampleMessage('o_durable_1'))
      await first.kill9() // no graceful close: the append was already fsync'ed
      first = undefined

      // a crash in the middle of a later write leaves half a line behind
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
      const file = path.join(dataDir, 'openapi', 'outbox.jsonl')
      fs.appendFileSync(file, '{"id":"torn","at":"2024')

      const second = await startEmulator({ dataDir, args: ['--no-timers'] })
      try {
        c = sdkFor(second)
        expect((await readOutbox(second)).map(m => (m.payload as { touser: string }).touser)).toEqual(['o_durable_1'])
        await c.openapi.subscribeMessage.send(sampleMessage('o_durable_2'))
        expect((await readOutbox(second)).map(m => (m.payload as { touser: string }).touser)).toEqual(['o_durable_1', 'o_durable_2'])
      } finally {
        await second.stop()
      }

      // the service itself, opened in-process over the same data dir
      const service = await createOpenApiService({ dataDir, baseUrl: 'http://127.0.0.1:1' })
      expect(service.outbox().map(m => (m.payload as { touser: string }).touser)).toEqual(['o_durable_1', 'o_durable_2'])
      await service.close?.()
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipping an unreadable outbox line'))
      warn.mockRestore()
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
      expect(lines).toHaveLength(3) // two messages and the torn fragment on its own line
      expect(() => JSON.parse(lines[2])).not.toThrow()
    } finally {
      await first?.stop()
    }
  })
})
