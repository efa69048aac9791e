/**
 * The local-only routes refuse what a web page on the developer's machine could send: a foreign Host
 * (DNS rebinding), a foreign Origin, a non-JSON "simple" body; a blank x-wx-openid is not the console.
 */
import http from 'http'
import { deployCollections, invoke, sdkFor, startEmulator, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator
beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
  await deployCollections(emu)
}, 60_000)
afterAll(() => emu?.stop())

function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: any }> {
  const url = new URL(emu.baseUrl)
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method: opts.method ?? 'POST', headers: opts.headers }, res => {
      let text = ''
      res.on('data', c => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

const host = () => `127.0.0.1:${new URL(emu.baseUrl).port}`
const storeEvent = (storeId: string) => JSON.stringify({ action: 'upsertStore', storeId, name: '门店' })
const storeExists = async (storeId: string) => (await sdkFor(emu).database().collection('stores').where({ _id: storeId }).count()).total > 0

test('a foreign Host, a foreign Origin or a text/plain body is refused and runs nothing', async () => {
  const cases: Array<{ id: string; headers: Record<string, string>; status: number }> = [
    { id: 'evil_host', headers: { host: 'evil.example.com', 'content-type': 'application/json' }, status: 403 },
    { id: 'evil_origin', headers: { host: host(), origin: 'http://evil.example', 'content-type': 'application/json' }, status: 403 },
    { id: 'evil_plain', headers: { host: host(), 'content-type': 'text/plain' }, status: 415 },
  ]
  for (const c of cases) {
    expect(await send('/functions/admin', { headers: c.headers, body: storeEvent(c.id) })).toMatchObject({ status: c.status })
    expect(await storeExists(c.id)).toBe(false)
  }
  expect(await send('/clock', { method: 'PUT', headers: { host: 'evil.example.com', 'content-type': 'application/json' }, body: '{"now":null}' })).toMatchObject({ status: 403 })
  expect(await send('/tcb', { headers: { host: host(), origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' })).toMatchObject({ status: 403 })
  expect(await send('/outbox', { method: 'GET', headers: { host: 'rebound.example:80' } })).toMatchObject({ status: 403 })
})

test('the same call from a local tool works; a same-origin page too', async () => {
  expect(await send('/functions/admin', { headers: { host: host(), 'content-type': 'application/json' }, body: storeEvent('local_ok') })).toMatchObject({ status: 200, body: { ok: true } })
  expect(
    await send('/functions/admin', {
      headers: { host: `localhost:${new URL(emu.baseUrl).port}`, origin: `http://${host()}`, 'content-type': 'application/json; charset=utf-8' },
      body: storeEvent('local_ok2'),
    }),
  ).toMatchObject({ status: 200 })
  expect(await storeExists('local_ok')).toBe(true)
})

test('an all-whitespace x-wx-openid is not the console', async () => {
  expect(await send('/functions/admin', { headers: { host: host(), 'content-type': 'application/json', 'x-wx-openid': '   ' }, body: storeEvent('blank_id') })).toMatchObject({ status: 400 })
  expect(await storeExists('blank_id')).toBe(false)
  expect(await invoke(emu, 'admin', { action: 'listStaff' })).toMatchObject({ ok: true })
})
