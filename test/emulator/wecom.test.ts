/**
 * The fake WeCom API (emulator/wecom/): qyapi paths with token checks and WeCom's errcodes, every
 * call in GET /wecom/outbox, the loopback guard, state and outbox kept across a restart.
 */
import fs from 'fs'
import http from 'http'
import path from 'path'
import { startEmulator, tempDataDir, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator
const dataDir = tempDataDir('emu-wecom-')
beforeAll(async () => {
  emu = await startEmulator({ dataDir, args: ['--no-timers'] })
}, 60_000)
afterAll(() => emu?.stop())

const corp = () => JSON.parse(fs.readFileSync(path.join(dataDir, 'wecom', 'config.json'), 'utf8')) as { corpId: string; secret: string; token: string; aesKey: string }

async function api(apiPath: string, query: Record<string, string>, body?: unknown): Promise<any> {
  const url = `${emu.baseUrl}/cgi-bin/${apiPath}?${new URLSearchParams(query)}`
  const res = await fetch(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect(res.status).toBe(200)
  return res.json()
}
const simulate = async (name: string, body: unknown) =>
  (await fetch(`${emu.baseUrl}/wecom/simulate/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()
const outbox = async (): Promise<any[]> => (await fetch(`${emu.baseUrl}/wecom/outbox`)).json()
const token = async () => (await api('gettoken', { corpid: corp().corpId, corpsecret: corp().secret })).access_token as string

test('the corp keys are made once per data dir: a 43-character EncodingAESKey', () => {
  const c = corp()
  expect(c.corpId).toMatch(/^ww[0-9a-f]{16}$/)
  expect(c.aesKey).toHaveLength(43)
  expect(Buffer.from(`${c.aesKey}=`, 'base64')).toHaveLength(32)
})

test('gettoken: wrong corp or secret refused; the same token again while it lasts, with what is left of 7200 s', async () => {
  expect(await api('gettoken', { corpid: 'wwnobody', corpsecret: corp().secret })).toMatchObject({ errcode: 40013 })
  expect(await api('gettoken', { corpid: corp().corpId, corpsecret: 'wrong' })).toMatchObject({ errcode: 40001 })
  const first = await api('gettoken', { corpid: corp().corpId, corpsecret: corp().secret })
  expect(first).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: expect.any(Number) })
  expect(first.expires_in).toBeGreaterThan(7190)
  expect(first.expires_in).toBeLessThanOrEqual(7200)
  expect(await token()).toBe(first.access_token)
})

test('every other path checks access_token: missing 41001, unknown 40014, expired 42001', async () => {
  expect(await api('externalcontact/get', { external_userid: 'x' })).toMatchObject({ errcode: 41001 })
  expect(await api('externalcontact/get', { access_token: 'forged', external_userid: 'x' })).toMatchObject({ errcode: 40014 })
  const t = await token()
  expect(await api('externalcontact/get', { access_token: t, external_userid: 'nobody' })).toMatchObject({ errcode: 84061 })
  expect(await simulate('expire-token', {})).toEqual({ expired: true })
  expect(await api('externalcontact/get', { access_token: t, external_userid: 'nobody' })).toMatchObject({ errcode: 42001 })
  expect(await token()).not.toBe(t)
})

test('add_contact_way checks type, scene, users and the 30-character state; the QR image is served', async () => {
  const t = await token()
  expect(await api('externalcontact/add_contact_way', { access_token: t }, { type: 1, scene: 2, user: ['a', 'b'], state: 's' })).toMatchObject({ errcode: 40058 })
  expect(await api('externalcontact/add_contact_way', { access_token: t }, { type: 1, scene: 2, user: ['a'], state: 'x'.repeat(31) })).toMatchObject({ errcode: 40058 })
  const made = await api('externalcontact/add_contact_way', { access_token: t }, { type: 1, scene: 2, user: ['a'], state: 'x'.repeat(30) })
  expect(made).toMatchObject({ errcode: 0, config_id: expect.any(String), qr_code: `${emu.baseUrl}/wecom/qr/${made.config_id}.png` })
  const png = await fetch(made.qr_code)
  expect(png.headers.get('content-type')).toBe('image/png')
  expect((await fetch(`${emu.baseUrl}/wecom/qr/cwnothing.png`)).status).toBe(404)
})

test('corporate tags: a group made once, duplicate names refused, mark_tag only on a real contact, get_corp_tag_list and externalcontact/get show them', async () => {
  const t = await token()
  await simulate('add-contact', { userId: 'u1', externalUserId: 'wm_tags', unionid: 'un_tags' })
  const added = await api('externalcontact/add_corp_tag', { access_token: t }, { group_name: '会员分层', tag: [{ name: '高价值会员' }, { name: '流失预警' }] })
  expect(added).toMatchObject({ errcode: 0, tag_group: { group_name: '会员分层', tag: [{ name: '高价值会员' }, { name: '流失预警' }] } })
  expect(await api('externalcontact/add_corp_tag', { access_token: t }, { group_name: '会员分层', tag: [{ name: '流失预警' }] })).toMatchObject({ errcode: 40071 })
  const [high] = added.tag_group.tag
  expect(await api('externalcontact/mark_tag', { access_token: t }, { userid: 'u1', external_userid: 'wm_nobody', add_tag: [high.id] })).toMatchObject({ errcode: 84061 })
  expect(await api('externalcontact/mark_tag', { access_token: t }, { userid: 'u1', external_userid: 'wm_tags', add_tag: ['etnothing'] })).toMatchObject({ errcode: 40068 })
  expect(await api('externalcontact/mark_tag', { access_token: t }, { userid: 'u1', external_userid: 'wm_tags', add_tag: [high.id] })).toMatchObject({ errcode: 0 })
  const list = await api('externalcontact/get_corp_tag_list', { access_token: t }, {})
  expect(list.tag_group).toHaveLength(1)
  const contact = await api('externalcontact/get', { access_token: t, external_userid: 'wm_tags' })
  expect(contact).toMatchObject({ external_contact: { unionid: 'un_tags' }, follow_user: [{ userid: 'u1', tags: [{ tag_name: '高价值会员', group_name: '会员分层' }] }] })
})

test('send_welcome_msg: a welcome code works once; add_msg_template reports unknown contacts', async () => {
  const t = await token()
  const sim = await simulate('add-contact', { userId: 'u2', externalUserId: 'wm_welcome', unionid: 'un_welcome' })
  expect(await api('externalcontact/send_welcome_msg', { access_token: t }, { welcome_code: 'nope', text: { content: 'hi' } })).toMatchObject({ errcode: 40058 })
  // the callback's function (no built functions here answer it, or the wecom function already used the code)
  const first = await api('externalcontact/send_welcome_msg', { access_token: t }, { welcome_code: sim.welcomeCode, text: { content: 'hi' } })
  const second = await api('externalcontact/send_welcome_msg', { access_token: t }, { welcome_code: sim.welcomeCode, text: { content: 'hi' } })
  expect([first.errcode, second.errcode]).toContain(40058)
  expect(second).toMatchObject({ errcode: 40058 })
  const template = await api('externalcontact/add_msg_template', { access_token: t }, { chat_type: 'single', sender: 'u2', external_userid: ['wm_welcome', 'wm_ghost'], text: { content: '生日快乐' } })
  expect(template).toMatchObject({ errcode: 0, fail_list: ['wm_ghost'], msgid: expect.any(String) })
})

test('every call is in the outbox, the token shortened', async () => {
  const log = await outbox()
  const template = log.find(m => m.api === 'externalcontact/add_msg_template')
  expect(template).toMatchObject({ payload: { method: 'POST', body: { chat_type: 'single' }, answer: { errcode: 0 } } })
  expect(template.payload.query.access_token).toMatch(/^.{6}…$/)
  expect(log.some(m => m.api === 'callback/add_external_contact')).toBe(true)
})

test('the routes are loopback-only behind the local guard: a foreign Host is refused', async () => {
  const url = new URL(emu.baseUrl)
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: '/wecom/outbox', headers: { host: 'evil.example.com' } }, res => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
  expect(status).toBe(403)
  const simulated = await fetch(`${emu.baseUrl}/wecom/simulate/add-contact`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })
  expect(simulated.status).toBe(415)
})

test('bad simulate input is 400; the contacts and the outbox survive a restart', async () => {
  const bad = await fetch(`${emu.baseUrl}/wecom/simulate/add-contact`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u1' }) })
  expect(bad.status).toBe(400)
  const before = (await outbox()).length
  await emu.stop()
  emu = await startEmulator({ dataDir, args: ['--no-timers'] })
  expect((await outbox()).length).toBe(before)
  const t = await token()
  expect(await api('externalcontact/get', { access_token: t, external_userid: 'wm_tags' })).toMatchObject({ errcode: 0, external_contact: { unionid: 'un_tags' } })
})
