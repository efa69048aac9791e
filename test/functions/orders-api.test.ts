/**
 * The orders API (`POST /api/orders`, `/api/orders/refund`) over the emulator's HTTP access routes:
 * signatures, idempotency, pending orders credited at binding, refunds, placeholder products.
 */
import { signRequest } from '../../domain/orders'
import { setClock } from '../../scripts/emulator-process'
import { agreePrivacy, memberDoc, signUp, useEmulator, type Env } from './support'

const env = useEmulator()

interface Key {
  keyId: string
  secret: string
}

async function createKey(name = 'POS', ratePerMinute?: number): Promise<Key> {
  const res = await env.admin({ action: 'createApiKey', name, ...(ratePerMinute ? { ratePerMinute } : {}) })
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

/**
 * A timestamp never used before in this file (a signature is accepted once, and the same body signed
 * at the same second is the same signature): counting down one second per request from 250 s ahead,
 * which stays inside the ±300 s window for the few hundred requests this file sends.
 */
let nextTs = Math.floor(Date.now() / 1000) + 250
const freshTs = () => String(nextTs--)

async function post(path: string, key: Key, body: unknown, opts: { timestamp?: string; signature?: string; raw?: string; keyId?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body)
  const timestamp = opts.timestamp ?? freshTs()
  const res = await fetch(`${env.emu.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key-id': opts.keyId ?? key.keyId,
      'x-api-timestamp': timestamp,
      'x-api-signature': opts.signature ?? signRequest(key.secret, timestamp, raw),
    },
    body: raw,
  })
  return { status: res.status, json: (await res.json()) as any }
}
const postOrder = (key: Key, order: unknown, opts?: Parameters<typeof post>[3]) => post('/api/orders', key, order, opts)
const postRefund = (key: Key, refund: unknown, opts?: Parameters<typeof post>[3]) => post('/api/orders/refund', key, refund, opts)

let n = 0
function order(member: object, over: Record<string, unknown> = {}) {
  return {
    source: 'pos-sh',
    orderId: `A${Date.now().toString(36)}${++n}`,
    createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    storeId: 'store_api',
    member,
    amountFen: 12_800,
    lines: [
      { sku: 'latte', title: '拿铁', category: 'coffee', quantity: 2, priceFen: 3_400 },
      { sku: 'BEANS 500g/特', title: '咖啡豆 500g', category: 'beans', quantity: 1, priceFen: 6_000 },
    ],
    ...over,
  }
}

/** The days the report rollup job is to redo (jobs/report_rollup.stale). */
async function stale(): Promise<string[]> {
  const { data } = await env.db.collection('jobs').where({ _id: 'report_rollup' }).get()
  return data[0]?.stale ?? []
}

async function count(collection: string, where: object = {}): Promise<number> {
  return (await env.db.collection(collection).where(where).count()).total
}

async function bindBySms(e: Env, openid: string, phone: string) {
  // binding a phone needs the member's consent to the privacy guide (the app asks first)
  await agreePrivacy(e, openid)
  const sms = await e.member({ action: 'requestPhoneCode', phone }, openid)
  if (!sms.ok) throw new Error(JSON.stringify(sms))
  return e.member({ action: 'bindPhoneBySms', phone, smsCode: sms.data.devCode }, openid)
}

let key: Key
beforeAll(async () => {
  key = await createKey()
  // the report rollup job has run once (so late orders mark their days for it)
  expect(await env.admin({ action: 'rollupReports' })).toMatchObject({ ok: true })
})

describe('API keys', () => {
  test('the secret is shown once and stored only as a hash; list shows no secret', async () => {
    const k = await createKey('天猫旗舰店')
    expect(k).toMatchObject({ keyId: expect.stringMatching(/^ak_[0-9a-f]{16}$/), secret: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'active' })
    const { data } = await env.db.collection('api_keys').where({ _id: k.keyId }).get()
    expect(JSON.stringify(data)).not.toContain(k.secret)
    const list = await env.admin({ action: 'listApiKeys' })
    expect(list.data.keys.find((x: any) => x.keyId === k.keyId)).toMatchObject({ name: '天猫旗舰店', status: 'active' })
    expect(JSON.stringify(list)).not.toContain(k.secret)
  })

  test('only admins manage keys', async () => {
    await signUp(env, 'o_api_consumer')
    expect(await env.admin({ action: 'createApiKey', name: 'x' }, 'o_api_consumer')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.admin({ action: 'listApiKeys' }, 'o_api_consumer')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
})

describe('signatures', () => {
  test('bad, stale, replayed, unknown and revoked → 401, and nothing is written', async () => {
    const m = await signUp(env, 'o_api_sig')
    const body = order({ memberNo: m.memberNo })
    const raw = JSON.stringify(body)
    const before = { orders: await count('orders'), purchases: await count('purchases'), nonces: await count('api_nonces'), products: await count('products') }
    const ts = freshTs()
    const cases = [
      await postOrder(key, body, { signature: signRequest('0'.repeat(64), ts, raw), timestamp: ts }),
      await postOrder(key, body, { raw: raw.replace('12800', '1'), signature: signRequest(key.secret, ts, raw), timestamp: ts }),
      await postOrder(key, body, { timestamp: String(Math.floor(Date.now() / 1000) - 301) }),
      await postOrder(key, body, { timestamp: String(Math.floor(Date.now() / 1000) + 400) }),
      await postOrder(key, body, { keyId: 'ak_0000000000000000' }),
      await postOrder(key, body, { keyId: 'not-a-key' }),
    ]
    for (const c of cases) expect(c).toMatchObject({ status: 401, json: { ok: false, code: 'UNAUTHENTICATED' } })
    const missing = await fetch(`${env.emu.baseUrl}/api/orders`, { method: 'POST', body: raw })
    expect(missing.status).toBe(401)
    expect({ orders: await count('orders'), purchases: await count('purchases'), nonces: await count('api_nonces'), products: await count('products') }).toEqual(before)

    // the same signed request twice: the second is a replay
    const ts2 = freshTs()
    const sig = signRequest(key.secret, ts2, raw)
    expect((await postOrder(key, body, { timestamp: ts2, signature: sig })).status).toBe(201)
    const afterFirst = { orders: await count('orders'), purchases: await count('purchases') }
    expect(await postOrder(key, body, { timestamp: ts2, signature: sig })).toMatchObject({ status: 401, json: { code: 'UNAUTHENTICATED', message: expect.stringContaining('重放') } })
    expect({ orders: await count('orders'), purchases: await count('purchases') }).toEqual(afterFirst)

    // a revoked key signs nothing any more
    const doomed = await createKey('旧 POS')
    expect((await postOrder(doomed, order({ memberNo: m.memberNo }))).status).toBe(201)
    expect(await env.admin({ action: 'revokeApiKey', keyId: doomed.keyId })).toMatchObject({ ok: true, data: { status: 'revoked' } })
    const ordersBefore = await count('orders')
    expect(await postOrder(doomed, order({ memberNo: m.memberNo }))).toMatchObject({ status: 401 })
    expect(await count('orders')).toBe(ordersBefore)
  })

  test('bad input is 400 with the field; a non-HTTP call and other paths are refused', async () => {
    const m = await signUp(env, 'o_api_bad')
    expect(await postOrder(key, order({ memberNo: m.memberNo }, { lines: [] }))).toMatchObject({ status: 400, json: { ok: false, code: 'INVALID_ARGUMENT', field: 'lines' } })
    expect(await postOrder(key, order({ memberNo: m.memberNo }, { amountFen: -1 }))).toMatchObject({ status: 400, json: { field: 'amountFen' } })
    expect(await postOrder(key, order({ memberNo: m.memberNo }, { createdAt: '2026-12-06 10:00' }))).toMatchObject({ status: 400, json: { field: 'createdAt' } })
    expect(await postOrder(key, order({ memberNo: m.memberNo }, { createdAt: new Date(Date.now() + 3_600_000).toISOString() }))).toMatchObject({ status: 400, json: { field: 'createdAt' } })
    expect(await postOrder(key, null, { raw: '{"source":' })).toMatchObject({ status: 400, json: { code: 'INVALID_ARGUMENT' } })
    expect(await postOrder(key, order({ memberNo: '9999999999' }))).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } })
    expect(await post('/api/orders/other', key, {})).toMatchObject({ status: 404 })
    const direct = await fetch(`${env.emu.baseUrl}/functions/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'x' }) })
    expect(await direct.json()).toMatchObject({ statusCode: 400 })
  })

  test('a key over its rate gets 429, writing nothing; parallel requests never get more than the rate', async () => {
    // the limit is per calendar minute: the clock stands at the start of one so the requests share it
    await setClock(env.emu, new Date(Math.floor(Date.now() / 60_000) * 60_000 + 1000).toISOString())
    try {
      const m = await signUp(env, 'o_api_rate')
      const slow = await createKey('限速', 3)
      for (let i = 0; i < 3; i++) expect((await postOrder(slow, order({ memberNo: m.memberNo }))).status).toBe(201)
      const before = await count('orders')
      expect(await postOrder(slow, order({ memberNo: m.memberNo }))).toMatchObject({ status: 429, json: { code: 'RATE_LIMITED' } })
      expect(await count('orders')).toBe(before)

      const burst = await createKey('并发', 3)
      const statuses = (await Promise.all(Array.from({ length: 10 }, () => postOrder(burst, order({ memberNo: m.memberNo }))))).map(r => r.status)
      expect(statuses.filter(s => s === 201)).toHaveLength(3)
      expect(statuses.filter(s => s === 429)).toHaveLength(7)
    } finally {
      await setClock(env.emu, null)
    }
  })
})

describe('orders for members', () => {
  test('credited with lines, points and stats at the order time; a resend answers the same; other content is 409', async () => {
    const m = await signUp(env, 'o_api_buyer')
    const body = order({ memberNo: m.memberNo }, { createdAt: '2026-11-20T10:00:00+08:00' })
    const first = await postOrder(key, body)
    expect(first).toMatchObject({ status: 201, json: { ok: true, data: { status: 'credited', memberNo: m.memberNo, pointsEarned: 128, balance: 128, replayed: false } } })
    // a past day: its report rollup is marked to be redone (the job exists once it ran)
    expect(await stale()).toContain('2026-11-20')
    const again = await postOrder(key, { ...body, lines: [...body.lines] })
    expect(again).toMatchObject({ status: 200, json: { data: { ...first.json.data, replayed: true } } })
    expect(await postOrder(key, { ...body, amountFen: 100 })).toMatchObject({ status: 409, json: { code: 'IDEMPOTENCY_MISMATCH' } })

    const {
      data: [purchase],
    } = await env.db.collection('purchases').where({ _id: first.json.data.purchaseId }).get()
    expect(purchase).toMatchObject({ memberNo: m.memberNo, source: 'pos-sh', orderId: body.orderId, storeId: 'store_api', amountFen: 12_800, pointsEarned: 128 })
    expect(new Date(purchase.createdAt).toISOString()).toBe('2026-11-20T02:00:00.000Z')
    expect(purchase.lines.map((l: any) => l.productId)).toEqual(['latte', expect.stringMatching(/^sku_[0-9a-f]{16}$/)])
    const doc = await memberDoc(env, 'o_api_buyer')
    expect(doc.stats).toMatchObject({ purchases: 1, spendFen: 12_800, categoryFen: { coffee: 6_800, beans: 6_000 } })
    expect(new Date(doc.stats.lastPurchaseAt).toISOString()).toBe('2026-11-20T02:00:00.000Z')
  })

  test('unknown SKUs become off-sale placeholders an admin can complete', async () => {
    const { data } = await env.db.collection('products').where({ placeholder: true }).get()
    const beans = data.find((p: any) => p.sku === 'BEANS 500g/特')
    expect(beans).toMatchObject({ title: '咖啡豆 500g', category: 'beans', onSale: false, priceFen: 6_000 })
    const done = await env.admin({ action: 'upsertProduct', product: { productId: beans._id, title: '精品咖啡豆', category: 'beans', priceFen: 6_800 } })
    expect(done).toMatchObject({ ok: true, data: { outcome: 'updated' } })
    const {
      data: [after],
    } = await env.db.collection('products').where({ _id: beans._id }).get()
    expect(after.placeholder).toBeUndefined()
    expect(after).toMatchObject({ title: '精品咖啡豆', onSale: true })
  })

  test('points follow the promotion in force at the order time', async () => {
    const m = await signUp(env, 'o_api_promo')
    const rules = (await env.admin({ action: 'getPointRules' })).data.rules
    const promo = { name: '周年庆', start: '2026-10-01T00:00:00+08:00', end: '2026-10-02T00:00:00+08:00', multiplier: 3 }
    expect(await env.admin({ action: 'setPointRules', rules: { ...rules, promotions: [promo] } })).toMatchObject({ ok: true })
    try {
      const inside = await postOrder(key, order({ memberNo: m.memberNo }, { createdAt: '2026-10-01T12:00:00+08:00', amountFen: 1_000, lines: [{ sku: 'latte', quantity: 1, priceFen: 1_000 }] }))
      const outside = await postOrder(key, order({ memberNo: m.memberNo }, { createdAt: '2026-10-03T12:00:00+08:00', amountFen: 1_000, lines: [{ sku: 'latte', quantity: 1, priceFen: 1_000 }] }))
      expect(inside.json.data.pointsEarned).toBe(30)
      expect(outside.json.data.pointsEarned).toBe(10)
    } finally {
      await env.admin({ action: 'setPointRules', rules })
    }
  })

  test('50 parallel sends of one order award once', async () => {
    const m = await signUp(env, 'o_api_burst')
    const body = order({ memberNo: m.memberNo })
    const answers = await Promise.all(Array.from({ length: 50 }, () => postOrder(key, body)))
    const statuses = answers.map(a => a.status)
    expect(statuses.filter(s => s === 201)).toHaveLength(1)
    expect(statuses.filter(s => s === 200)).toHaveLength(49)
    expect(new Set(answers.map(a => a.json.data.purchaseId)).size).toBe(1)
    expect(await count('purchases', { memberId: 'o_api_burst' })).toBe(1)
    expect((await memberDoc(env, 'o_api_burst')).points).toBe(128)
  })
})

describe('pending orders', () => {
  test('an order for a phone that is no member yet waits, and is credited when that phone binds', async () => {
    const phone = '13900000101'
    const first = await postOrder(key, order({ phone }, { createdAt: '2026-11-01T09:00:00+08:00' }))
    expect(first).toMatchObject({ status: 202, json: { data: { status: 'pending', memberNo: null, purchaseId: null, pointsEarned: 0 } } })
    const refund = await postRefund(key, { source: 'pos-sh', orderId: first.json.data.orderId, refundId: 'R-pend-1', amountFen: 2_800, reason: '退一杯' })
    expect(refund).toMatchObject({ status: 201, json: { data: { status: 'pending', amountFen: 2_800, pointsReversed: 0 } } })

    await signUp(env, 'o_api_late')
    const bound = await bindBySms(env, 'o_api_late', phone)
    // credited at binding: 128 points earned, 28 taken back by the refund sent while pending
    expect(bound).toMatchObject({ ok: true, data: { member: { points: 100 } } })
    expect(await stale()).toContain('2026-11-01')
    const replay = await postOrder(key, order({ phone }, { orderId: first.json.data.orderId, createdAt: '2026-11-01T09:00:00+08:00' }))
    expect(replay).toMatchObject({ status: 200, json: { data: { status: 'credited', pointsEarned: 128, replayed: true } } })
    const {
      data: [purchase],
    } = await env.db.collection('purchases').where({ memberId: 'o_api_late' }).get()
    expect(purchase).toMatchObject({ refundedFen: 2_800, status: 'partially_refunded', pointsReversed: 28 })
    // the daily sweep looks at recent bindings again and credits nothing twice
    expect(await env.admin({ action: 'dailyJobs' })).toMatchObject({ ok: true, data: { orders: { credited: 0, left: 0 } } })
    expect((await memberDoc(env, 'o_api_late')).points).toBe(100)
  })

  test('racing the binding: every order is credited exactly once', async () => {
    const phones = Array.from({ length: 6 }, (_x, i) => `1390000020${i}`)
    const waiting = { pendingKey: env._.in(phones.map(p => `phone:${p}`)), status: 'pending' }
    await Promise.all(phones.map((_p, i) => signUp(env, `o_api_race_${i}`)))
    await Promise.all(phones.flatMap((phone, i) => [bindBySms(env, `o_api_race_${i}`, phone), ...Array.from({ length: 3 }, () => postOrder(key, order({ phone })))]))
    // the order's sender or the binding credits each; on a loaded machine the binding's time budget
    // (4 s of its 10 s timeout) may run out first, and the daily sweep credits what it left, once
    const left = await count('orders', waiting)
    expect(await env.admin({ action: 'dailyJobs' })).toMatchObject({ ok: true, data: { orders: { credited: left, left: 0 } } })
    for (const [i] of phones.entries()) {
      expect(await count('purchases', { memberId: `o_api_race_${i}` })).toBe(3)
      expect((await memberDoc(env, `o_api_race_${i}`)).points).toBe(3 * 128)
    }
    expect(await count('orders', waiting)).toBe(0)
  })

  test('an order for an external id is credited when its import is claimed', async () => {
    const imported = await env.admin({ action: 'importMembers', batchId: 'orders-ext-1', rows: [{ externalId: 'CRM-77', phone: '13900000301', name: '李四' }] })
    expect(imported).toMatchObject({ ok: true, data: { created: 1 } })
    const pending = await postOrder(key, order({ externalId: 'CRM-77' }))
    expect(pending).toMatchObject({ status: 202, json: { data: { status: 'pending' } } })
    await signUp(env, 'o_api_ext')
    expect(await bindBySms(env, 'o_api_ext', '13900000301')).toMatchObject({ ok: true, data: { member: { points: 128 } } })
    // later orders for the external id go straight to the member
    expect(await postOrder(key, order({ externalId: 'CRM-77' }))).toMatchObject({ status: 201, json: { data: { status: 'credited' } } })
  })

  test('the daily sweep credits what a binding left (its time budget ran out, an outage)', async () => {
    const phone = '13900000501'
    expect((await postOrder(key, order({ phone }))).status).toBe(202)
    await signUp(env, 'o_api_swept')
    // a binding whose own crediting never ran: the phone is bound, the order still waits
    await env.db.collection('member_phones').add({ data: { _id: phone, memberId: 'o_api_swept', boundAt: new Date() } })
    await env.db.collection('members').doc('o_api_swept').update({ data: { phone } })
    expect((await memberDoc(env, 'o_api_swept')).points).toBe(0)
    expect(await env.admin({ action: 'dailyJobs' })).toMatchObject({ ok: true, data: { orders: { credited: 1, left: 0 } } })
    expect((await memberDoc(env, 'o_api_swept')).points).toBe(128)
  })

  test('coupons need a member', async () => {
    expect(await postOrder(key, order({ phone: '13900000401' }, { couponCodes: ['123456789012'] }))).toMatchObject({ status: 422, json: { code: 'FAILED_PRECONDITION' } })
  })
})

describe('refunds', () => {
  test('full and partial refunds reverse points as the till does; a refund id is idempotent', async () => {
    const m = await signUp(env, 'o_api_refund')
    const placed = (await postOrder(key, order({ memberNo: m.memberNo }))).json.data
    const ref = (refundId: string, amountFen?: number) => postRefund(key, { source: 'pos-sh', orderId: placed.orderId, refundId, ...(amountFen ? { amountFen } : {}) })
    expect(await ref('R1', 3_200)).toMatchObject({ status: 201, json: { data: { amountFen: 3_200, pointsReversed: 32 } } })
    expect(await ref('R1', 3_200)).toMatchObject({ status: 200, json: { data: { amountFen: 3_200, pointsReversed: 32, replayed: true } } })
    expect(await ref('R1', 100)).toMatchObject({ status: 409, json: { code: 'IDEMPOTENCY_MISMATCH' } })
    expect(await ref('R2', 99_999)).toMatchObject({ status: 422, json: { code: 'FAILED_PRECONDITION' } })
    expect(await ref('R3')).toMatchObject({ status: 201, json: { data: { amountFen: 9_600, pointsReversed: 96 } } })
    expect((await memberDoc(env, 'o_api_refund')).points).toBe(0)
    expect(await postRefund(key, { source: 'pos-sh', orderId: 'nope', refundId: 'R9' })).toMatchObject({ status: 404 })
  })

  test('parallel refunds never take back more than was paid', async () => {
    const m = await signUp(env, 'o_api_prefund')
    const placed = (await postOrder(key, order({ memberNo: m.memberNo }))).json.data
    const answers = await Promise.all(Array.from({ length: 10 }, (_x, i) => postRefund(key, { source: 'pos-sh', orderId: placed.orderId, refundId: `P${i}`, amountFen: 3_000 })))
    expect(answers.filter(a => a.status === 201)).toHaveLength(4)
    expect(answers.filter(a => a.status !== 201).every(a => a.json.code === 'FAILED_PRECONDITION')).toBe(true)
    const {
      data: [purchase],
    } = await env.db.collection('purchases').where({ _id: placed.purchaseId }).get()
    expect(purchase).toMatchObject({ refundedFen: 12_000, pointsReversed: 120 })
    expect((await memberDoc(env, 'o_api_prefund')).points).toBe(8)
  })
})

describe('privacy', () => {
  test('the data export lists the orders credited to the member; deleting the account erases whom the orders were for', async () => {
    const phone = '13900000601'
    await signUp(env, 'o_api_private')
    expect(await bindBySms(env, 'o_api_private', phone)).toMatchObject({ ok: true })
    const credited = (await postOrder(key, order({ phone }))).json.data
    expect(credited).toMatchObject({ status: 'credited' })
    const exported = await env.member({ action: 'exportMyData' }, 'o_api_private')
    expect(exported.data.orders).toEqual([expect.objectContaining({ source: 'pos-sh', orderId: credited.orderId, amountFen: 12_800, via: 'api' })])
    expect(JSON.stringify(exported.data.orders)).not.toMatch(/api:|ak_/)

    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, 'o_api_private')).toMatchObject({ ok: true })
    // an order sent for the phone after the deletion waits for whoever binds it next; the old ones name nobody
    const { data } = await env.db.collection('orders').where({ memberId: 'o_api_private' }).get()
    expect(data).toHaveLength(1)
    expect(data[0]).toMatchObject({ member: { erased: true }, pendingKey: null, status: 'credited' })
    expect(JSON.stringify(data)).not.toContain(phone)
    // its purchase stays (totals stay true)
    expect(await count('purchases', { _id: credited.purchaseId })).toBe(1)
  })
})
