/**
 * member.myPurchases (消费记录) through the SDK: a member's till purchases, refunds, orders from the API
 * and imported history, newest first, paged, with store names and line titles; only their own; never
 * the serving staff's identity; refused without a signed-in caller.
 */
import { useEmulator, signUp, makeStaff, rid } from './support'

const env = useEmulator()
const STAFF = 'o_mp_staff'
const ALICE = 'o_mp_alice'
const BOB = 'o_mp_bob'
const STORE = 'store_mp'

let aliceNo = ''
let bobNo = ''
/** the till purchases, in the order they were made */
const till: any[] = []
let refund: any

async function buy(memberNo: string, amountFen: number, lines: unknown[]) {
  const res = await env.staff({ action: 'recordPurchase', requestId: rid('mp'), member: { memberNo }, amountFen, lines }, STAFF)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data.purchase
}

/** A purchase as the orders API or a history import writes it (no points here, so the ledger is untouched). */
function orderDoc(overrides: Record<string, unknown>) {
  const at = new Date('2021-05-01T04:00:00.000Z')
  return {
    requestId: 'T1',
    storeId: 'tmall-flagship',
    staffOpenid: 'import:batch1',
    memberId: ALICE,
    memberNo: aliceNo,
    amountFen: 5000,
    orderFen: 5600,
    discountFen: 600,
    couponCodes: [],
    lines: [
      { productId: 'mp-latte', title: '老店拿铁', quantity: 1, priceFen: 3000 },
      { productId: 'mp-cake', quantity: 1, priceFen: 2600 },
    ],
    pointsEarned: 0,
    batchId: null,
    refundedFen: 0,
    pointsReversed: 0,
    pointsShortfall: 0,
    status: 'completed',
    balanceAfter: 0,
    source: 'tmall',
    orderId: 'T1',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  }
}

const page = async (openid: string, event: Record<string, unknown> = {}) => {
  const res = await env.member({ action: 'myPurchases', ...event }, openid)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

beforeAll(async () => {
  await makeStaff(env, STAFF, STORE)
  aliceNo = (await signUp(env, ALICE)).memberNo
  bobNo = (await signUp(env, BOB)).memberNo
  expect(
    await env.admin({
      action: 'importProducts',
      products: [
        { productId: 'mp-latte', title: '拿铁', category: 'coffee', tags: [], priceFen: 3200 },
        { productId: 'mp-cake', title: '芝士蛋糕', category: 'bakery', tags: [], priceFen: 2800 },
      ],
    }),
  ).toMatchObject({ ok: true })

  // the first with a title from the till and a line without one; then a plain purchase; then a partial refund of the first
  till.push(
    await buy(aliceNo, 9200, [
      { productId: 'mp-latte', title: '拿铁 大杯', quantity: 2, priceFen: 3200 },
      { productId: 'mp-cake', quantity: 1, priceFen: 2800 },
    ]),
  )
  till.push(await buy(aliceNo, 1500, []))
  const res = await env.staff({ action: 'refundPurchase', requestId: rid('mprf'), purchaseId: till[0].purchaseId, amountFen: 2800, reason: '蛋糕退了' }, STAFF)
  if (!res.ok) throw new Error(JSON.stringify(res))
  refund = res.data

  // history imported years ago (its store is not in `stores`: the name falls back to the id), and a product the catalog never had
  await env.db.collection('purchases').add({
    data: orderDoc({
      _id: 'imp_mp_1',
      lines: [
        { productId: 'mp-latte', title: '老店拿铁', quantity: 1, priceFen: 3000 },
        { productId: 'mp-cake', quantity: 1, priceFen: 2600 },
        { productId: 'sku_gone', quantity: 2, priceFen: 0 },
      ],
    }),
  })
  // Bob: one till purchase and one order from a POS through the API
  till.push(await buy(bobNo, 800, []))
  await env.db.collection('purchases').add({
    data: orderDoc({
      _id: 'api_mp_1',
      memberId: BOB,
      memberNo: bobNo,
      staffOpenid: 'api:ak_0123456789abcdef',
      storeId: 'pos-sh',
      source: 'pos-sh',
      orderId: 'A1',
      createdAt: new Date('2024-01-02T03:04:05.000Z'),
      amountFen: 2900,
      orderFen: 2900,
      discountFen: 0,
      lines: [{ productId: 'mp-latte', title: '拿铁', quantity: 1, priceFen: 2900 }],
    }),
  })
}, 120_000)

test('a member sees their till purchases, newest first, with the refund, store name, points and line titles', async () => {
  const data = await page(ALICE)
  expect(data.total).toBe(3)
  expect(data.items.map((i: any) => i.purchaseId)).toEqual([till[1].purchaseId, till[0].purchaseId, 'imp_mp_1'])

  const [plain, refunded] = data.items
  expect(plain).toEqual({
    purchaseId: till[1].purchaseId,
    at: till[1].createdAt,
    storeName: `门店 ${STORE}`,
    amountFen: 1500,
    orderFen: 1500,
    discountFen: 0,
    refundedFen: 0,
    status: 'completed',
    pointsEarned: till[1].pointsEarned,
    pointsReversed: 0,
    lines: [],
    channel: '门店',
  })
  expect(refunded).toEqual({
    purchaseId: till[0].purchaseId,
    at: till[0].createdAt,
    storeName: `门店 ${STORE}`,
    amountFen: 9200,
    orderFen: 9200,
    discountFen: 0,
    refundedFen: 2800,
    status: 'partially_refunded',
    pointsEarned: till[0].pointsEarned,
    pointsReversed: refund.pointsReversed,
    // the till's own title; the untitled line takes the product's
    lines: [
      { title: '拿铁 大杯', quantity: 2, priceFen: 3200 },
      { title: '芝士蛋糕', quantity: 1, priceFen: 2800 },
    ],
    channel: '门店',
  })
  expect(till[0].pointsEarned).toBeGreaterThan(0)
  expect(refund.pointsReversed).toBeGreaterThan(0)
})

test('imported history shows as 历史订单 at its old date, with its titles, the catalog title for an untitled line, else the productId', async () => {
  const { items } = await page(ALICE)
  expect(items[2]).toEqual({
    purchaseId: 'imp_mp_1',
    at: '2021-05-01T04:00:00.000Z',
    storeName: 'tmall-flagship',
    amountFen: 5000,
    orderFen: 5600,
    discountFen: 600,
    refundedFen: 0,
    status: 'completed',
    pointsEarned: 0,
    pointsReversed: 0,
    lines: [
      { title: '老店拿铁', quantity: 1, priceFen: 3000 },
      { title: '芝士蛋糕', quantity: 1, priceFen: 2600 },
      { title: 'sku_gone', quantity: 2, priceFen: 0 },
    ],
    channel: '历史订单',
  })
})

test('pages by offset and limit, the total on every page', async () => {
  const first = await page(ALICE, { offset: 0, limit: 2 })
  expect(first.total).toBe(3)
  expect(first.items.map((i: any) => i.purchaseId)).toEqual([till[1].purchaseId, till[0].purchaseId])
  const second = await page(ALICE, { offset: 2, limit: 2 })
  expect(second.total).toBe(3)
  expect(second.items.map((i: any) => i.purchaseId)).toEqual(['imp_mp_1'])
  const past = await page(ALICE, { offset: 10, limit: 2 })
  expect(past).toEqual({ total: 3, items: [] })
})

test("another member sees only their own: none of Alice's; an API order shows as 线上/POS", async () => {
  const data = await page(BOB)
  expect(data.total).toBe(2)
  expect(data.items.map((i: any) => i.purchaseId)).toEqual([till[2].purchaseId, 'api_mp_1'])
  expect(data.items[1]).toMatchObject({ channel: '线上/POS', storeName: 'pos-sh', amountFen: 2900, lines: [{ title: '拿铁', quantity: 1, priceFen: 2900 }] })
  // a member who never bought
  await signUp(env, 'o_mp_new')
  expect(await page('o_mp_new')).toEqual({ total: 0, items: [] })
  // the caller is the context's OPENID: naming someone else is not an input
  expect(await env.member({ action: 'myPurchases', memberId: ALICE }, BOB)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
})

test('never tells who served or recorded it', async () => {
  const text = JSON.stringify([await page(ALICE), await page(BOB)])
  expect(text).not.toContain('staffOpenid')
  expect(text).not.toContain(STAFF)
  expect(text).not.toContain('import:batch1')
  expect(text).not.toContain('ak_0123456789abcdef')
  expect(text).not.toContain('memberId')
})

test('refused without a signed-in caller, for an unknown one, and with bad paging', async () => {
  expect(await env.member({ action: 'myPurchases' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  expect(await env.member({ action: 'myPurchases' }, 'o_mp_nobody')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  for (const bad of [{ limit: 0 }, { limit: 51 }, { offset: -1 }, { offset: 100_001 }, { limit: 2.5 }]) {
    expect(await env.member({ action: 'myPurchases', ...bad }, ALICE)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  }
})
