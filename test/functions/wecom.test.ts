/**
 * WeCom 专属顾问 (docs/wecom.md) through the unmodified SDK and the emulator's fake WeCom: the
 * callback's signature and encryption (a tampered one is refused and changes nothing), URL
 * verification, contact-me codes, linking by UNIONID (also before the member's first sign-in),
 * removal, retried callbacks, the welcome message and the access token's life.
 */
import fs from 'fs'
import path from 'path'
import { encrypt, getSignature } from '@wecom/crypto'
import { makeStaff, memberDoc, signUp, useEmulator } from './support'

const env = useEmulator()

const STORE = 'store_wecom'
const STAFF = 'o_wecom_staff'
const STAFF_USER = 'ChenYiMing'
const OTHER_STAFF = 'o_wecom_staff_2'

const ok = (res: any) => {
  if (!res?.ok) throw new Error(JSON.stringify(res))
  return res.data
}

async function post(route: string, body: unknown): Promise<any> {
  const res = await fetch(`${env.emu.baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const answer = await res.json()
  if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(answer)}`)
  return answer
}

/** `member.login` as a mini-program user whose context carries a UNIONID (x-wx-unionid, as WeChat sets WX_UNIONID). */
async function loginWithUnionid(openid: string, unionid: string): Promise<any> {
  const res = await fetch(`${env.emu.baseUrl}/functions/member`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid, 'x-wx-unionid': unionid },
    body: JSON.stringify({ action: 'login' }),
  })
  return ok(await res.json())
}

const addContact = (body: Record<string, unknown>) => post('/wecom/simulate/add-contact', body)
const removeContact = (body: Record<string, unknown>) => post('/wecom/simulate/remove-contact', body)
const outbox = async (): Promise<any[]> => (await fetch(`${env.emu.baseUrl}/wecom/outbox`)).json()
const calls = async (api: string) => (await outbox()).filter(m => m.api === api)
const contact = async (externalUserId: string) => (await env.db.collection('wecom_contacts').where({ _id: externalUserId }).get()).data[0]
const auditRows = async (action: string): Promise<any[]> => (await env.db.collection('audit_log').where({ action }).limit(1000).get()).data
const corp = () => JSON.parse(fs.readFileSync(path.join(env.emu.dataDir, 'wecom', 'config.json'), 'utf8')) as { corpId: string; token: string; aesKey: string }

/** Sends a callback exactly as the simulation recorded it (WeCom's retry of the same request). */
async function resend(request: { url: string; body: string; method: string }): Promise<{ status: number; body: string }> {
  const res = await fetch(`${env.emu.baseUrl}${request.url}`, request.method === 'POST' ? { method: 'POST', headers: { 'content-type': 'text/xml' }, body: request.body } : {})
  return { status: res.status, body: await res.text() }
}

/** A callback built by hand: `plain` encrypted for `corpId` with `aesKey` and signed with `token`. */
async function sendSigned(plain: string, opts: { corpId?: string; token?: string; aesKey?: string; tamper?: (cipher: string) => string } = {}) {
  const c = corp()
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = 'n0nce'
  const cipher = encrypt(opts.aesKey ?? c.aesKey, plain, opts.corpId ?? c.corpId)
  const signature = getSignature(opts.token ?? c.token, timestamp, nonce, cipher)
  const sent = opts.tamper ? opts.tamper(cipher) : cipher
  const query = new URLSearchParams({ msg_signature: signature, timestamp, nonce })
  return resend({ method: 'POST', url: `/wecom/callback?${query}`, body: `<xml><ToUserName><![CDATA[${c.corpId}]]></ToUserName><Encrypt><![CDATA[${sent}]]></Encrypt></xml>` })
}

const addEvent = (externalUserId: string, createTime: number) =>
  `<xml><ToUserName><![CDATA[${corp().corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[${STAFF_USER}]]></UserID><ExternalUserID><![CDATA[${externalUserId}]]></ExternalUserID></xml>`

beforeAll(async () => {
  await makeStaff(env, STAFF, STORE, '陈一鸣')
  await makeStaff(env, OTHER_STAFF, STORE, '王二')
  ok(await env.admin({ action: 'setStaffWecomUser', openid: STAFF, wecomUserId: STAFF_USER }))
}, 60_000)

describe('URL verification (GET)', () => {
  test('the decrypted echostr comes back: WeCom saves the URL', async () => {
    const res = await post('/wecom/simulate/verify-url', {})
    expect(res).toMatchObject({ verified: true, callback: { status: 200 } })
    expect(res.callback.body).toBe(res.expected)
  })

  test('a wrong signature is refused with 403 signature', async () => {
    const { callback } = await post('/wecom/simulate/verify-url', {})
    const url = callback.request.url.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${'0'.repeat(40)}`)
    const res = await resend({ method: 'GET', url, body: '' })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', reason: 'signature' })
  })
})

describe('contact-me codes', () => {
  test('made once per staff member: type 1, scene 2, a state of at most 30 characters naming store and staff', async () => {
    const first = ok(await env.staff({ action: 'myContactWay' }, STAFF)).contactWay
    expect(first).toMatchObject({
      staffName: '陈一鸣',
      storeId: STORE,
      storeName: `门店 ${STORE}`,
      wecomUserId: STAFF_USER,
      configId: expect.any(String),
      qrCode: expect.stringMatching(/\/wecom\/qr\/.+\.png$/),
    })
    const again = ok(await env.staff({ action: 'myContactWay' }, STAFF)).contactWay
    expect(again.configId).toBe(first.configId)
    const made = await calls('externalcontact/add_contact_way')
    expect(made).toHaveLength(1)
    expect(made[0].payload.body).toMatchObject({ type: 1, scene: 2, user: [STAFF_USER] })
    expect(made[0].payload.body.state.length).toBeLessThanOrEqual(30)
    const row = (await env.db.collection('staff').where({ _id: STAFF }).get()).data[0]
    expect(row.contactWay).toMatchObject({ configId: first.configId, state: made[0].payload.body.state, storeId: STORE })
    // the QR image is served
    const png = await fetch(first.qrCode)
    expect(png.status).toBe(200)
    expect(png.headers.get('content-type')).toBe('image/png')
  })

  test('a staff member without a WeCom account gets FAILED_PRECONDITION', async () => {
    expect(await env.staff({ action: 'myContactWay' }, OTHER_STAFF)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
  })

  test('a WeCom account belongs to one staff member', async () => {
    expect(await env.admin({ action: 'setStaffWecomUser', openid: OTHER_STAFF, wecomUserId: STAFF_USER })).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
  })

  test('a mini-program user cannot ask the wecom function directly', async () => {
    const res = await fetch(`${env.emu.baseUrl}/functions/wecom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'o_wecom_stranger' },
      body: JSON.stringify({ action: 'contactWay', staffId: STAFF }),
    })
    expect(await res.json()).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
})

describe('a member adds their advisor', () => {
  const M = 'o_wecom_member'
  const UNIONID = 'u_wecom_member'
  const EXT = 'wm_ext_member'
  let sent: any

  beforeAll(async () => {
    await loginWithUnionid(M, UNIONID)
    const state = ok(await env.staff({ action: 'myContactWay' }, STAFF)).contactWay
    const row = (await env.db.collection('staff').where({ _id: STAFF }).get()).data[0]
    expect(state.configId).toBe(row.contactWay.configId)
    sent = await addContact({ userId: STAFF_USER, externalUserId: EXT, unionid: UNIONID, state: row.contactWay.state })
  }, 60_000)

  test('the callback is answered 200 and the function asked WeCom for the UNIONID', async () => {
    expect(sent.callback).toMatchObject({ status: 200, body: 'success' })
    expect((await calls('externalcontact/get')).map(c => c.payload.query.external_userid)).toContain(EXT)
  })

  test('linked by UNIONID: the contact names the member, the staff member is the advisor, the store the sign-up source', async () => {
    expect(await contact(EXT)).toMatchObject({ memberId: M, unionid: UNIONID, wecomUserId: STAFF_USER, staffId: STAFF, storeId: STORE, status: 'active' })
    const doc = await memberDoc(env, M)
    expect(doc.unionid).toBe(UNIONID)
    expect(doc.advisor).toMatchObject({ staffId: STAFF, wecomUserId: STAFF_USER, storeId: STORE, externalUserId: EXT })
    const signup = (await env.db.collection('signups').where({ _id: M }).get()).data[0]
    expect(signup).toMatchObject({ channelId: 'wecom', kind: 'staff', storeId: STORE, staffOpenid: STAFF })
    expect((await auditRows('wecomLink')).filter(r => r.target === M)).toHaveLength(1)
  })

  test('the welcome message with the mini-program card went out with the welcome code', async () => {
    const welcome = (await calls('externalcontact/send_welcome_msg')).filter(c => c.payload.body.welcome_code === sent.welcomeCode)
    expect(welcome).toHaveLength(1)
    expect(welcome[0].payload.answer).toMatchObject({ errcode: 0 })
    expect(welcome[0].payload.body.attachments).toEqual([{ msgtype: 'miniprogram', miniprogram: expect.objectContaining({ page: 'pages/index/index.html', appid: expect.any(String) }) }])
    expect(welcome[0].payload.body.text.content).toContain('陈一鸣')
  })

  test('a retried callback (WeCom resends it) changes nothing and sends no second welcome', async () => {
    const before = { contact: await contact(EXT), member: await memberDoc(env, M), audits: (await auditRows('wecomLink')).length, welcomes: (await calls('externalcontact/send_welcome_msg')).length }
    for (let i = 0; i < 3; i++) expect(await resend(sent.callback.request)).toEqual({ status: 200, body: 'success' })
    expect(await contact(EXT)).toEqual(before.contact)
    expect(await memberDoc(env, M)).toEqual(before.member)
    expect((await auditRows('wecomLink')).length).toBe(before.audits)
    expect((await calls('externalcontact/send_welcome_msg')).length).toBe(before.welcomes)
  })

  test('member 360 shows the advisor and the contact', async () => {
    const d = ok(await env.admin({ action: 'member360', memberNo: (await memberDoc(env, M)).memberNo }))
    expect(d.wecom).toMatchObject({ advisor: { staffId: STAFF, staffName: '陈一鸣', wecomUserId: STAFF_USER, storeId: STORE }, contacts: [{ externalUserId: EXT, status: 'active' }] })
  })

  test('myAdvisor: linked, with the advisor’s own code', async () => {
    const d = ok(await env.member({ action: 'myAdvisor' }, M))
    expect(d).toMatchObject({ linked: true, advisor: { isOwnAdvisor: true, staffName: '陈一鸣', qrCode: expect.any(String) } })
  })

  test('removal by the customer unlinks: the advisor ends, the row stays the member’s; a retry is a no-op', async () => {
    const removed = await removeContact({ userId: STAFF_USER, externalUserId: EXT, changeType: 'del_follow_user' })
    expect(removed.callback).toMatchObject({ status: 200, body: 'success' })
    expect(await contact(EXT)).toMatchObject({ status: 'removed', memberId: M, removedAt: expect.any(Date) })
    expect((await memberDoc(env, M)).advisor).toBeNull()
    expect((await auditRows('wecomUnlink')).filter(r => r.target === M)).toHaveLength(1)
    const snapshot = await contact(EXT)
    expect(await resend(removed.callback.request)).toEqual({ status: 200, body: 'success' })
    expect(await contact(EXT)).toEqual(snapshot)
    expect((await auditRows('wecomUnlink')).filter(r => r.target === M)).toHaveLength(1)
    // no advisor any more: the store's staff on WeCom is offered
    expect(ok(await env.member({ action: 'myAdvisor' }, M))).toMatchObject({ linked: false, advisor: { isOwnAdvisor: false, staffName: '陈一鸣' } })
  })

  test('adding again links again', async () => {
    const again = await addContact({ userId: STAFF_USER, externalUserId: EXT, unionid: UNIONID })
    expect(again.callback.status).toBe(200)
    expect(await contact(EXT)).toMatchObject({ status: 'active', memberId: M })
    expect((await memberDoc(env, M)).advisor).toMatchObject({ staffId: STAFF, externalUserId: EXT })
  })
})

describe('a contact added before the member ever signed in', () => {
  const M = 'o_wecom_later'
  const UNIONID = 'u_wecom_later'
  const EXT = 'wm_ext_later'

  test('waits unlinked, and is linked at the first sign-in', async () => {
    const sent = await addContact({ userId: STAFF_USER, externalUserId: EXT, unionid: UNIONID, half: true })
    expect(sent.callback.status).toBe(200)
    expect(await contact(EXT)).toMatchObject({ memberId: null, unionid: UNIONID, status: 'active', staffId: STAFF })
    // the welcome went out anyway: it invites them to sign up
    expect((await calls('externalcontact/send_welcome_msg')).some(c => c.payload.body.welcome_code === sent.welcomeCode && c.payload.answer.errcode === 0)).toBe(true)

    const login = await loginWithUnionid(M, UNIONID)
    expect(login.created).toBe(true)
    expect(await contact(EXT)).toMatchObject({ memberId: M, linkedAt: expect.any(Date) })
    const doc = await memberDoc(env, M)
    expect(doc).toMatchObject({ unionid: UNIONID, advisor: { staffId: STAFF, externalUserId: EXT } })
    expect((await env.db.collection('signups').where({ _id: M }).get()).data[0]).toMatchObject({ channelId: 'wecom', storeId: STORE })
    // a later sign-in finds nothing new to link (the UNIONID is known)
    await loginWithUnionid(M, UNIONID)
    expect((await auditRows('wecomLink')).filter(r => r.target === M)).toHaveLength(1)
  })
})

test('a member who signed up before their UNIONID was known is linked at their next sign-in with it', async () => {
  const M = 'o_wecom_older'
  await signUp(env, M) // no UNIONID in that context
  await addContact({ userId: STAFF_USER, externalUserId: 'wm_ext_older', unionid: 'u_wecom_older' })
  expect(await contact('wm_ext_older')).toMatchObject({ memberId: null, status: 'active' })
  const login = await loginWithUnionid(M, 'u_wecom_older')
  expect(login.created).toBe(false)
  expect(await contact('wm_ext_older')).toMatchObject({ memberId: M })
  expect((await memberDoc(env, M)).advisor).toMatchObject({ staffId: STAFF, externalUserId: 'wm_ext_older' })
})

describe('a tampered callback is refused and changes nothing', () => {
  const EXT = 'wm_ext_forged'
  const refusedWith = async (res: { status: number; body: string }, reason: string) => {
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', reason })
  }

  test.each([
    ['an altered ciphertext', { tamper: (c: string) => c.slice(0, 10) + (c[10] === 'A' ? 'B' : 'A') + c.slice(11) }, 'signature'],
    ['a wrong token', { token: 'not-the-token' }, 'signature'],
    ['another corp’s message', { corpId: 'wwsomeoneelse' }, 'corp'],
  ] as const)('%s', async (_label, opts, reason) => {
    const audits = (await env.db.collection('audit_log').count()).total
    const gets = (await calls('externalcontact/get')).length
    await refusedWith(await sendSigned(addEvent(EXT, Math.floor(Date.now() / 1000)), opts), reason)
    expect(await contact(EXT)).toBeUndefined()
    expect((await env.db.collection('audit_log').count()).total).toBe(audits)
    expect((await calls('externalcontact/get')).length).toBe(gets)
  })

  test('a ciphertext that does not decrypt (signed correctly) is refused', async () => {
    const c = corp()
    const cipher = Buffer.from('not a real ciphertext at all, 48 bytes long!!!!').toString('base64')
    const query = new URLSearchParams({ msg_signature: getSignature(c.token, '1', 'n', cipher), timestamp: '1', nonce: 'n' })
    await refusedWith(await resend({ method: 'POST', url: `/wecom/callback?${query}`, body: `<xml><Encrypt><![CDATA[${cipher}]]></Encrypt></xml>` }), 'decrypt')
  })

  test('the genuine keys pass (the refusals above were the tampering)', async () => {
    const res = await sendSigned(addEvent(EXT, Math.floor(Date.now() / 1000)))
    // accepted; WeCom does not know the contact (never registered with the fake): nothing to link
    expect(res).toEqual({ status: 200, body: 'success' })
    expect((await calls('externalcontact/get')).at(-1)).toMatchObject({ payload: { query: { external_userid: EXT }, answer: { errcode: 84061 } } })
    expect(await contact(EXT)).toBeUndefined()
  })
})

describe('the access token', () => {
  test('cached per warm instance, renewed when WeCom says it expired', async () => {
    const tokensBefore = (await calls('gettoken')).length
    const EXT = 'wm_ext_token'
    await addContact({ userId: STAFF_USER, externalUserId: EXT, unionid: 'u_wecom_token' })
    await addContact({ userId: STAFF_USER, externalUserId: `${EXT}2`, unionid: 'u_wecom_token2' })
    // warm instances reuse their token: at most one gettoken per instance, not one per call
    const apiCalls = (await outbox()).filter(m => !m.api.startsWith('callback/') && m.api !== 'gettoken').length
    expect(apiCalls).toBeGreaterThan(4)
    expect((await calls('gettoken')).length - tokensBefore).toBeLessThanOrEqual(1)

    expect(await post('/wecom/simulate/expire-token', {})).toEqual({ expired: true })
    const sent = await addContact({ userId: STAFF_USER, externalUserId: `${EXT}3`, unionid: 'u_wecom_token3' })
    expect(sent.callback.status).toBe(200)
    const log = await outbox()
    const expired = log.findIndex(m => m.payload?.answer?.errcode === 42001)
    expect(expired).toBeGreaterThan(-1)
    expect(log[expired + 1]).toMatchObject({ api: 'gettoken', payload: { answer: { errcode: 0 } } })
    expect(await contact(`${EXT}3`)).toMatchObject({ status: 'active', unionid: 'u_wecom_token3' })
  })
})
