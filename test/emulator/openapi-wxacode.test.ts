/** `cloud.openapi.wxacode.getUnlimited` through the unmodified wx-server-sdk against the emulator: a real PNG, WeChat's checks. */
import QRCode from 'qrcode'
import { sdkFor, startEmulator, type RunningEmulator } from '../../scripts/emulator-process'

jest.setTimeout(60_000)

let emu: RunningEmulator
let cloud: any

beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
  cloud = sdkFor(emu)
})
afterAll(() => emu?.stop())

async function errorOf(p: Promise<unknown>): Promise<{ errCode: number; errMsg: string }> {
  try {
    await p
  } catch (err) {
    return err as { errCode: number; errMsg: string }
  }
  throw new Error('expected the call to fail')
}

test('answers a PNG (as the SDK hands binary answers back: { contentType, buffer }) that encodes the page and scene', async () => {
  const res = await cloud.openapi.wxacode.getUnlimited({ scene: 'c=c0123456789ab', page: 'pages/index/index', width: 430 })
  expect(res.contentType).toBe('image/png')
  expect(Buffer.isBuffer(res.buffer)).toBe(true)
  expect(res.buffer.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
  expect(res.buffer.readUInt32BE(16)).toBe(430)
  // the same QR code the emulator promises: page?scene=<encoded scene>
  const expected = await QRCode.toBuffer('pages/index/index?scene=c%3Dc0123456789ab', { type: 'png', width: 430, margin: 2, errorCorrectionLevel: 'M' })
  expect(res.buffer.equals(expected)).toBe(true)
})

test('refuses what WeChat refuses: a scene over 32 characters or with other characters, a page with a leading slash, a bad width', async () => {
  expect(await errorOf(cloud.openapi.wxacode.getUnlimited({ scene: 'x'.repeat(33) }))).toMatchObject({ errCode: 40169 })
  expect(await errorOf(cloud.openapi.wxacode.getUnlimited({ scene: '中文' }))).toMatchObject({ errCode: 40169 })
  expect(await errorOf(cloud.openapi.wxacode.getUnlimited({ scene: 'a=1', page: '/pages/index/index' }))).toMatchObject({ errCode: 41030 })
  expect(await errorOf(cloud.openapi.wxacode.getUnlimited({ scene: 'a=1', width: 100 }))).toMatchObject({ errCode: 40097 })
})
