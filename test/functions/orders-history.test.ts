/** `admin.importOrders`: a brand's order history, order by order, idempotent, with or without points. */
import { agreePrivacy, ledgerRows, memberDoc, signUp, useEmulator } from './support'

const env = useEmulator()

const line = (sku: string, priceFen: number, quantity = 1, category = 'tea') => ({ sku, title: `商品 ${sku}`, category, quantity, priceFen })

function history(orderId: string, member: object, createdAt = '2025-03-08T14:30:00+08:00', lines = [line('oolong', 4_000, 2)]) {
  return { orderId, createdAt, member, amountFen: lines.reduce((s, l) => s + l.priceFen * l.quantity, 0), lines }
}

const batch = (orders: unknown[], over: Record<string, unknown> = {}) => env.admin({ action: 'importOrders', batchId: `hist-${Date.now().toString(36)}`, source: 'history', orders, ...over })

async function count(collection: string, where: object = {}) {
  return (await env.db.collection(collection).where(where).count()).total
}

test('a batch reports each order; bad ones are rejected with the field and write nothing', async () => {
  const m = await signUp(env, 'o_hist_a')
  const orders = [
    history('H-1', { memberNo: m.memberNo }),
    history('H-2', { phone: '13600000001' }),
    { ...history('H-3', { memberNo: m.memberNo }), amountFen: 'x' },
    history('H-1', { memberNo: m.memberNo }, '2025-04-01T10:00:00+08:00'),
    history('H-4', { memberNo: '9999999999' }),
    { ...history('H-5', { memberNo: m.memberNo }), couponCodes: ['123456789012'] },
    history('H-6', { memberNo: m.memberNo }, '2099-01-01T00:00:00+08:00'),
  ]
  const purchasesBefore = await count('purchases')
  const dry = await batch(orders, { dryRun: true })
  expect(dry).toMatchObject({ ok: true, data: { dryRun: true, received: 7, imported: 1, pending: 1, rejected: 5 } })
  expect(await count('purchases')).toBe(purchasesBefore)
  expect(await count('orders', { source: 'history' })).toBe(0)

  const res = await batch(orders)
  expect(res).toMatchObject({ ok: true, data: { received: 7, imported: 1, pending: 1, unchanged: 0, rejected: 5, unfinished: [] } })
  expect(res.data.errors).toEqual([
    expect.objectContaining({ index: 2, orderId: 'H-3', code: 'INVALID_ORDER', field: 'amountFen' }),
    expect.objectContaining({ index: 3, orderId: 'H-1', code: 'DUPLICATE_IN_BATCH' }),
    expect.objectContaining({ index: 4, orderId: 'H-4', code: 'UNKNOWN_MEMBER' }),
    expect.objectContaining({ index: 5, orderId: 'H-5', code: 'INVALID_ORDER' }),
    expect.objectContaining({ index: 6, orderId: 'H-6', code: 'INVALID_ORDER', field: 'createdAt' }),
  ])
  expect(await count('purchases')).toBe(purchasesBefore + 1)

  // the same batch again changes nothing; the same id with other content is a conflict
  expect(await batch(orders.slice(0, 2))).toMatchObject({ ok: true, data: { imported: 0, pending: 0, unchanged: 2, rejected: 0 } })
  const changed = await batch([history('H-1', { memberNo: m.memberNo }, '2025-03-08T14:30:00+08:00', [line('oolong', 4_000, 3)])])
  expect(changed.data.errors).toEqual([expect.objectContaining({ index: 0, code: 'ORDER_CONFLICT' })])
  expect(await count('purchases')).toBe(purchasesBefore + 1)
})

test('history earns no points unless asked; it counts in stats, growth of months in the window, and is dated when bought', async () => {
  await signUp(env, 'o_hist_b')
  const m = await memberDoc(env, 'o_hist_b')
  const now = Date.now()
  const recent = new Date(now - 20 * 86_400_000).toISOString()
  const old = new Date(now - 800 * 86_400_000).toISOString()
  expect(await batch([history('B-1', { memberNo: m.memberNo }, old), history('B-2', { memberNo: m.memberNo }, recent)])).toMatchObject({ ok: true, data: { imported: 2 } })
  const after = await memberDoc(env, 'o_hist_b')
  expect(after.points).toBe(0)
  expect(await ledgerRows(env, 'o_hist_b')).toEqual([])
  expect(after.stats).toMatchObject({ purchases: 2, spendFen: 16_000 })
  expect(new Date(after.stats.firstPurchaseAt).toISOString()).toBe(new Date(old).toISOString())
  // only the recent order's month is in the growth window (the two-year-old one is not)
  expect(Object.values(after.growth as Record<string, number>).reduce((s, v) => s + v, 0)).toBe(80)
  const { data } = await env.db.collection('purchases').where({ memberId: 'o_hist_b' }).orderBy('createdAt', 'asc').get()
  expect(data.map((p: any) => [p.orderId, p.pointsEarned, p.staffOpenid.startsWith('import:')])).toEqual([
    ['B-1', 0, true],
    ['B-2', 0, true],
  ])

  // with --award-points: points at the order's time, expiring from then (an old order's points expire at once)
  expect(await batch([history('B-3', { memberNo: m.memberNo }, old), history('B-4', { memberNo: m.memberNo }, recent)], { awardPoints: true })).toMatchObject({ ok: true, data: { imported: 2 } })
  const rows = await ledgerRows(env, 'o_hist_b')
  expect(
    rows
      .filter(r => r.kind === 'earn')
      .map(r => r.delta)
      .sort(),
  ).toEqual([80, 80])
  expect(rows.filter(r => r.kind === 'expire').map(r => r.delta)).toEqual([-80])
  expect((await memberDoc(env, 'o_hist_b')).points).toBe(80)
})

test('pending history is credited when the member binds the phone, without points unless the batch asked', async () => {
  expect(await batch([history('P-1', { phone: '13600000077' }), history('P-2', { phone: '13600000077' }, '2025-05-01T10:00:00+08:00')])).toMatchObject({ ok: true, data: { pending: 2 } })
  await signUp(env, 'o_hist_c')
  // binding a phone needs the member's consent to the privacy guide (the app asks first)
  await agreePrivacy(env, 'o_hist_c')
  const sms = await env.member({ action: 'requestPhoneCode', phone: '13600000077' }, 'o_hist_c')
  expect(await env.member({ action: 'bindPhoneBySms', phone: '13600000077', smsCode: sms.data.devCode }, 'o_hist_c')).toMatchObject({ ok: true, data: { member: { points: 0 } } })
  const mine = await env.member({ action: 'myPurchases' }, 'o_hist_c')
  expect(mine).toMatchObject({ ok: true, data: { total: 2 } })
  expect(mine.data.items.map((i: any) => i.channel)).toEqual(['历史订单', '历史订单'])
  expect((await memberDoc(env, 'o_hist_c')).stats).toMatchObject({ purchases: 2 })
})

test('only admins import', async () => {
  await signUp(env, 'o_hist_consumer')
  expect(await env.admin({ action: 'importOrders', batchId: 'x', source: 'history', orders: [history('Z', { phone: '13600000099' })] }, 'o_hist_consumer')).toMatchObject({
    ok: false,
    code: 'PERMISSION_DENIED',
  })
})
