/** The H5 gateway (local sign-in, functions as that user, uploads) and the loopback outbox route. */
import { startEmulator, deployCollections, type RunningEmulator } from '../../scripts/emulator-process'
import { DEFAULT_PRIVACY_POLICY } from '../../types/consent'

let emu: RunningEmulator
const post = (path: string, body: unknown, token?: string) =>
  fetch(`${emu.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })

async function session(openid?: string, label?: string): Promise<{ token: string; openid: string }> {
  const res = await post('/gateway/session', { openid, label })
  expect(res.status).toBe(200)
  return (await res.json()).data
}

beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
  await deployCollections(emu)
}, 60_000)
afterAll(() => emu?.stop())

test('a new demo identity signs in and calls member.login as itself', async () => {
  const s = await session()
  expect(s.openid).toMatch(/^o_local_/)
  const res = await post('/gateway/functions/member', { action: 'login' }, s.token)
  expect(await res.json()).toMatchObject({ ok: true, data: { created: true, member: { _id: s.openid } } })
})

test('demo identities are listed with their current nicknames', async () => {
  const s = await session('o_gateway_listed', '演示用户')
  let users = (await (await fetch(`${emu.baseUrl}/gateway/users`)).json()).data
  expect(users).toContainEqual({ openid: 'o_gateway_listed', nickname: '演示用户' })
  await post('/gateway/functions/member', { action: 'login' }, s.token)
  // a new nickname needs the member's consent to the privacy guide (the app asks first)
  await post('/gateway/functions/member', { action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, s.token)
  await post('/gateway/functions/member', { action: 'updateProfile', patch: { nickname: '新昵称' } }, s.token)
  users = (await (await fetch(`${emu.baseUrl}/gateway/users`)).json()).data
  expect(users).toContainEqual({ openid: 'o_gateway_listed', nickname: '新昵称' })
})

test('a missing or forged token is 401 UNAUTHENTICATED', async () => {
  const none = await post('/gateway/functions/member', { action: 'login' })
  expect(none.status).toBe(401)
  expect((await none.json()).code).toBe('UNAUTHENTICATED')
  const s = await session('o_gateway_real')
  const forged = `${Buffer.from('o_someone_else').toString('base64url')}.${s.token.split('.')[1]}`
  expect((await post('/gateway/functions/member', { action: 'login' }, forged)).status).toBe(401)
})

test('an invalid openid is rejected', async () => {
  const res = await post('/gateway/session', { openid: '../../etc' })
  expect(res.status).toBe(400)
})

test('a token survives an emulator restart (same data dir)', async () => {
  const s = await session('o_gateway_restart')
  await emu.stop()
  emu = await startEmulator({ dataDir: emu.dataDir, args: ['--no-timers'] })
  const res = await post('/gateway/functions/member', { action: 'login' }, s.token)
  expect(res.status).toBe(200)
  expect((await res.json()).data.member._id).toBe('o_gateway_restart')
})

test('uploads go under the user’s own folder and are served back', async () => {
  const s = await session('o_gateway_uploader')
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
  const form = new FormData()
  form.append('cloudPath', `avatars/${s.openid}/a.png`)
  form.append('file', new Blob([bytes], { type: 'image/png' }), 'a.png')
  const res = await fetch(`${emu.baseUrl}/gateway/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${s.token}` } })
  const { data } = await res.json()
  expect(data.fileID).toMatch(new RegExp(`^cloud://.+/avatars/${s.openid}/a\\.png$`))
  const file = await fetch(`${emu.baseUrl}/gateway/file?fileID=${encodeURIComponent(data.fileID)}`, { headers: { authorization: `Bearer ${s.token}` } })
  expect(file.status).toBe(200)
  expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes)

  const other = new FormData()
  other.append('cloudPath', 'avatars/o_victim/a.png')
  other.append('file', new Blob([bytes]), 'a.png')
  const denied = await fetch(`${emu.baseUrl}/gateway/upload`, { method: 'POST', body: other, headers: { authorization: `Bearer ${s.token}` } })
  expect(denied.status).toBe(403)
})

test('an unknown file is 404', async () => {
  expect((await fetch(`${emu.baseUrl}/gateway/file?fileID=cloud://local.x/none.png`)).status).toBe(404)
})

test('the outbox starts empty and is a JSON list', async () => {
  const res = await fetch(`${emu.baseUrl}/outbox`)
  expect(res.status).toBe(200)
  expect(await res.json()).toEqual([])
})
