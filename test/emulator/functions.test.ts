/** The functions service: SCF-like instances, identity per request, timeouts, calls between functions, timers. */
import path from 'path'
import { startEmulator, sdkFor, invoke, ROOT, type RunningEmulator } from '../../scripts/emulator-process'
import { parseCloudbaseCron } from '../../emulator/functions/timers'

const FIXTURES = path.join(ROOT, 'test/fixtures/functions')
let emu: RunningEmulator

beforeAll(async () => {
  emu = await startEmulator({ args: ['--functions-dir', FIXTURES] })
  await sdkFor(emu).database().createCollection('ticks')
}, 60_000)
afterAll(() => emu?.stop())

const JSON_TYPE = { 'content-type': 'application/json' }

/** The fixture's answer; a runtime failure (e.g. a timeout on a loaded machine) fails with its status and code. */
async function whoami(event: unknown, openid?: string): Promise<any> {
  const r = await invoke(emu, 'whoami', event, openid)
  if (r?.httpStatus) throw new Error(`whoami answered HTTP ${r.httpStatus} ${r.code}: ${r.message}`)
  return r
}

test('a mini-program caller is seen by getWXContext with its OPENID, APPID and SOURCE', async () => {
  const r = await whoami({ hello: 1 }, 'o_user_a')
  expect(r.OPENID).toBe('o_user_a')
  expect(r.APPID).toMatch(/^wx/)
  expect(r.SOURCE).toBe('wx_client')
  expect(r.ENV).toBe('local')
  expect(r.event.hello).toBe(1)
  expect(r.event.userInfo).toEqual({ appId: r.APPID, openId: 'o_user_a' })
})

test('a console caller has no OPENID and no userInfo', async () => {
  const r = await whoami({})
  expect(r.OPENID).toBeFalsy()
  expect(r.event.userInfo).toBeUndefined()
})

test('functions run in UTC with the env variables of their config.json', async () => {
  const r = await whoami({})
  expect(r.tz).toBe('UTC')
  expect(r.greeting).toBe('你好')
})

test('parallel callers each see their own identity (one request per instance at a time)', async () => {
  const ids = Array.from({ length: 12 }, (_, i) => `o_parallel_${i}`)
  const results = await Promise.all(ids.map(id => whoami({ holdMs: 50 }, id)))
  expect(results.map(r => r.OPENID)).toEqual(ids)
  // several warm instances served them
  expect(new Set(results.map(r => r.pid)).size).toBeGreaterThan(1)
})

test('warm instances are reused between sequential calls', async () => {
  const a = await whoami({}, 'o_seq')
  const b = await whoami({}, 'o_seq')
  expect(a.pid).toBe(b.pid)
})

test('a function that exceeds its timeout is stopped with FUNCTIONS_TIME_LIMIT_EXCEEDED', async () => {
  const res = await fetch(`${emu.baseUrl}/functions/sleepy`, { method: 'POST', body: JSON.stringify({ ms: 3000 }), headers: { 'content-type': 'application/json' } })
  expect(res.status).toBe(500)
  expect((await res.json()).code).toBe('FUNCTIONS_TIME_LIMIT_EXCEEDED')
  // and the next call gets a fresh instance that works
  expect(await invoke(emu, 'sleepy', { ms: 10 })).toEqual({ slept: 10 })
})

test("/stats sums each invocation's duration by function and event action, a timed-out one included", async () => {
  await fetch(`${emu.baseUrl}/stats`, { method: 'DELETE' })
  expect(await invoke(emu, 'sleepy', { action: 'nap', ms: 200 })).toEqual({ slept: 200 })
  expect(await invoke(emu, 'sleepy', { action: 'nap', ms: 100 })).toEqual({ slept: 100 })
  expect(await invoke(emu, 'sleepy', { ms: 3000 })).toMatchObject({ code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED' })
  const { functions } = await (await fetch(`${emu.baseUrl}/stats`)).json()
  expect(functions['sleepy.nap'].calls).toBe(2)
  expect(functions['sleepy.nap'].ms).toBeGreaterThanOrEqual(300)
  // the timed-out call counts its whole timeout (config.json: 1 s; a timer may fire a millisecond early)
  expect(functions['sleepy.?']).toEqual({ calls: 1, ms: expect.any(Number) })
  expect(functions['sleepy.?'].ms).toBeGreaterThanOrEqual(990)
  // DELETE answers and clears them
  expect((await (await fetch(`${emu.baseUrl}/stats`, { method: 'DELETE' })).json()).functions['sleepy.nap'].calls).toBe(2)
  expect((await (await fetch(`${emu.baseUrl}/stats`)).json()).functions['sleepy.nap']).toBeUndefined()
})

test('a thrown error or a crashed instance is FUNCTIONS_EXECUTE_FAIL, and the function still serves', async () => {
  const thrown = await fetch(`${emu.baseUrl}/functions/crashy`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ why: 'test' }) })
  expect(thrown.status).toBe(500)
  const body = await thrown.json()
  expect(body.code).toBe('FUNCTIONS_EXECUTE_FAIL')
  expect(body.message).toContain('boom: test')
  const exited = await fetch(`${emu.baseUrl}/functions/crashy`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ exit: true }) })
  expect((await exited.json()).code).toBe('FUNCTIONS_EXECUTE_FAIL')
  expect(await whoami({}, 'o_after_crash')).toMatchObject({ OPENID: 'o_after_crash' })
})

test('an unknown function is 404 FUNCTIONS_NOT_FOUND; a non-JSON body is 400', async () => {
  const missing = await fetch(`${emu.baseUrl}/functions/nope`, { method: 'POST', headers: JSON_TYPE, body: '{}' })
  expect(missing.status).toBe(404)
  expect((await missing.json()).code).toBe('FUNCTIONS_NOT_FOUND')
  const bad = await fetch(`${emu.baseUrl}/functions/whoami`, { method: 'POST', headers: JSON_TYPE, body: 'not json' })
  expect(bad.status).toBe(400)
  expect((await bad.json()).code).toBe('INVALID_JSON')
})

test('cloud.callFunction from the SDK reaches the function as a server caller', async () => {
  const cloud = sdkFor(emu)
  const res = await cloud.callFunction({ name: 'whoami', data: { x: 1 } })
  expect((res.result as any).event.x).toBe(1)
  expect((res.result as any).OPENID).toBeFalsy()
})

test('a function calls another through the SDK; the callee has no user identity', async () => {
  const r = await invoke(emu, 'caller', {}, 'o_outer')
  expect(r.me).toBe('o_outer')
  expect(r.callee.event.from).toBe('caller')
  expect(r.callee.OPENID).toBeFalsy()
})

test('cloud.callFunction of a missing function rejects with the CloudBase code', async () => {
  const cloud = sdkFor(emu)
  await expect(cloud.callFunction({ name: 'missing_fn', data: {} })).rejects.toMatchObject({ errCode: expect.anything() })
})

test('timer triggers from config.json fire with the SCF timer event', async () => {
  const db = sdkFor(emu).database()
  let ticks: any[] = []
  for (let i = 0; i < 40 && ticks.length < 2; i++) {
    await new Promise(r => setTimeout(r, 250))
    ticks = (await db.collection('ticks').get()).data
  }
  expect(ticks.length).toBeGreaterThanOrEqual(2)
  expect(ticks[0]).toMatchObject({ type: 'Timer', trigger: 'everySecond', source: 'timer' })
}, 20_000)

describe('CloudBase 7-field cron', () => {
  test('is evaluated in Beijing time', () => {
    const cron = parseCloudbaseCron('0 0 2 * * * *') // 02:00 every day, Beijing
    const next = cron.next(new Date('2026-11-23T00:00:00Z'))
    expect(next.toISOString()).toBe('2026-11-23T18:00:00.000Z')
  })
  test('honours the year field', () => {
    const cron = parseCloudbaseCron('0 0 0 1 1 * 2028')
    expect(cron.next(new Date('2026-06-01T00:00:00Z')).toISOString()).toBe('2027-12-31T16:00:00.000Z')
  })
  test('rejects a 6-field expression', () => {
    expect(() => parseCloudbaseCron('0 0 2 * * *')).toThrow(/7 fields/)
  })
})

test('the test helper surfaces a runtime failure with its HTTP status instead of hiding it', async () => {
  expect(await invoke(emu, 'sleepy', { ms: 3000 })).toMatchObject({ ok: false, httpStatus: 500, code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED' })
  expect(await invoke(emu, 'no-such-function', {})).toMatchObject({ ok: false, httpStatus: 404, code: 'FUNCTIONS_NOT_FOUND' })
})
