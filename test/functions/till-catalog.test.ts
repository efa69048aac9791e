/**
 * The till's catalog through the real runtime and the unmodified SDK on the emulator: products with
 * barcodes, tillCatalog (name, code, category), tillQuickKeys (the store's own top sellers),
 * productByCode, and recordPurchase with lines and a discount at the till.
 */
import { setClock } from '../../scripts/emulator-process'
import { requestStats } from '../../scripts/bench-emulator'
import { QUICK_KEY_SAMPLE } from '../../types/staff'
import { useEmulator, signUp, makeStaff, memberDoc, ledgerRows, rid } from './support'

const env = useEmulator()
const STAFF_A = 'o_cat_staff_a'
const STAFF_B = 'o_cat_staff_b'
const CONSUMER = 'o_cat_consumer'
const BUYER_1 = 'o_cat_buyer_1'
const BUYER_2 = 'o_cat_buyer_2'

const PRODUCTS = [
  { productId: 'latte', title: '拿铁', category: 'coffee', tags: ['咖啡'], priceFen: 3200, barcode: '6901234567014' },
  { productId: 'oat-latte', title: '燕麦拿铁', category: 'coffee', tags: ['咖啡'], priceFen: 3500, barcode: '6901234567038' },
  { productId: 'flat-white', title: 'Flat White', category: 'coffee', tags: ['咖啡'], priceFen: 3400 },
  { productId: 'special', title: '特调 (冰)', category: 'coffee', tags: ['咖啡'], priceFen: 3800 },
  { productId: 'croissant', title: '黄油可颂', category: 'bakery', tags: ['烘焙'], priceFen: 1800, barcode: '6901234567069' },
  { productId: 'beans', title: '咖啡豆 250g', category: 'beans', tags: ['咖啡豆'], priceFen: 8800 },
  { productId: 'tea', title: '桂花乌龙', category: 'tea', tags: ['茶'], priceFen: 2600, barcode: 'TEA0001' },
  { productId: 'mug', title: '马克杯', category: 'gear', tags: ['周边'], priceFen: 5900, barcode: '6901234567106', onSale: false },
]
const product = (id: string) => PRODUCTS.find(p => p.productId === id)!
const ids = (res: any) => res.data.products.map((p: any) => p.productId)

async function buy(staff: string, openid: string, items: Array<[string, number]>) {
  const lines = items.map(([id, quantity]) => ({ productId: id, title: product(id).title, category: product(id).category, quantity, priceFen: product(id).priceFen }))
  const amountFen = lines.reduce((s, l) => s + l.priceFen * l.quantity, 0)
  const memberNo = (await memberDoc(env, openid)).memberNo
  const res = await env.staff({ action: 'recordPurchase', requestId: rid('cat'), member: { memberNo }, amountFen, lines }, staff)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

beforeAll(async () => {
  await makeStaff(env, STAFF_A, 'store_a', '小王')
  await makeStaff(env, STAFF_B, 'store_b', '小李')
  for (const o of [CONSUMER, BUYER_1, BUYER_2]) await signUp(env, o)
  expect(await env.admin({ action: 'importProducts', products: PRODUCTS })).toMatchObject({ ok: true, data: { created: PRODUCTS.length } })
}, 60_000)

describe('products with barcodes (admin)', () => {
  test('a rerun is unchanged; a product written without its barcode loses it; another product cannot take a barcode in use', async () => {
    expect(await env.admin({ action: 'upsertProduct', product: product('latte') })).toMatchObject({ ok: true, data: { outcome: 'unchanged' } })
    const { barcode: _b, ...noCode } = product('tea')
    expect(await env.admin({ action: 'upsertProduct', product: noCode })).toMatchObject({ ok: true, data: { outcome: 'updated' } })
    expect((await env.db.collection('products').doc('tea').get()).data.barcode).toBeUndefined()
    expect(await env.admin({ action: 'upsertProduct', product: product('tea') })).toMatchObject({ ok: true, data: { outcome: 'updated' } })
    expect((await env.db.collection('products').doc('tea').get()).data.barcode).toBe('TEA0001')

    const taken = await env.admin({ action: 'upsertProduct', product: { ...product('beans'), barcode: '6901234567014' } })
    expect(taken).toMatchObject({ ok: false, code: 'ALREADY_EXISTS', message: expect.stringContaining('latte') })
    const twice = await env.admin({
      action: 'importProducts',
      products: [
        { ...product('beans'), productId: 'beans-1kg', barcode: '1234567890' },
        { ...product('beans'), productId: 'beans-2kg', barcode: '1234567890' },
      ],
    })
    expect(twice).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    expect(
      (
        await env.db
          .collection('products')
          .where({ _id: env._.in(['beans-1kg', 'beans-2kg']) })
          .get()
      ).data,
    ).toEqual([])
    // a barcode moved from one product to another in the same import is fine
    const moved = await env.admin({
      action: 'importProducts',
      products: [
        { ...product('tea'), barcode: 'TEA0002' },
        { ...product('beans'), barcode: 'TEA0001' },
      ],
    })
    expect(moved).toMatchObject({ ok: true, data: { updated: 2 } })
    expect(await env.admin({ action: 'importProducts', products: [product('tea'), product('beans')] })).toMatchObject({ ok: true, data: { updated: 2 } })
    expect((await env.db.collection('products').doc('tea').get()).data.barcode).toBe('TEA0001')
    expect((await env.db.collection('products').doc('beans').get()).data.barcode).toBeUndefined()
  })

  test.each([['abc'], ['69012345670141234567890123456789X'], ['6901-2345'], ['条码1234']])('barcode %j is INVALID_ARGUMENT', async barcode => {
    expect(await env.admin({ action: 'upsertProduct', product: { ...product('latte'), barcode } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

describe('who may call', () => {
  const events = [{ action: 'tillCatalog', query: '拿铁' }, { action: 'tillQuickKeys' }, { action: 'productByCode', code: '6901234567014' }]
  test.each(events)('a consumer gets PERMISSION_DENIED, no OPENID UNAUTHENTICATED: $action', async event => {
    expect(await env.staff(event, CONSUMER)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.staff(event)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })
  test.each([
    ['limit above 50', { action: 'tillCatalog', limit: 51 }],
    ['a query too long', { action: 'tillCatalog', query: '拿'.repeat(41) }],
    ['a storeId', { action: 'tillQuickKeys', storeId: 'store_b' }],
    ['no code', { action: 'productByCode' }],
    ['a code with spaces inside', { action: 'productByCode', code: '6901 2345' }],
  ])('%s → INVALID_ARGUMENT', async (_label, event) => {
    expect(await env.staff(event, STAFF_A)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

describe('tillCatalog', () => {
  test('by name: a part of the title, case-insensitive; on sale only; the categories of on-sale products', async () => {
    const res = await env.staff({ action: 'tillCatalog', query: '拿铁' }, STAFF_A)
    expect(res).toEqual({
      ok: true,
      data: {
        products: [
          { productId: 'latte', title: '拿铁', category: 'coffee', priceFen: 3200, barcode: '6901234567014' },
          { productId: 'oat-latte', title: '燕麦拿铁', category: 'coffee', priceFen: 3500, barcode: '6901234567038' },
        ],
        categories: ['bakery', 'beans', 'coffee', 'tea'],
      },
    })
    expect(ids(await env.staff({ action: 'tillCatalog', query: 'fLaT' }, STAFF_A))).toEqual(['flat-white'])
    expect(ids(await env.staff({ action: 'tillCatalog', query: '马克杯' }, STAFF_A))).toEqual([])
  })

  test('regular-expression characters in the query are literal', async () => {
    expect(ids(await env.staff({ action: 'tillCatalog', query: '(冰)' }, STAFF_A))).toEqual(['special'])
    expect(ids(await env.staff({ action: 'tillCatalog', query: '.*' }, STAFF_A))).toEqual([])
  })

  test('by exact code: a barcode or a productId, listed first', async () => {
    expect(ids(await env.staff({ action: 'tillCatalog', query: '6901234567069' }, STAFF_A))).toEqual(['croissant'])
    expect(ids(await env.staff({ action: 'tillCatalog', query: 'beans' }, STAFF_A))).toEqual(['beans'])
    // an off-sale product's barcode finds nothing; part of a barcode is not a match
    expect(ids(await env.staff({ action: 'tillCatalog', query: '6901234567106' }, STAFF_A))).toEqual([])
    expect(ids(await env.staff({ action: 'tillCatalog', query: '690123' }, STAFF_A))).toEqual([])
  })

  test('one category, with or without a query; bounded by limit; empty query lists the first products', async () => {
    expect(ids(await env.staff({ action: 'tillCatalog', category: 'coffee' }, STAFF_A))).toEqual(['flat-white', 'latte', 'oat-latte', 'special'])
    expect(ids(await env.staff({ action: 'tillCatalog', category: 'coffee', query: '燕麦' }, STAFF_A))).toEqual(['oat-latte'])
    expect(ids(await env.staff({ action: 'tillCatalog', category: 'bakery', query: '拿铁' }, STAFF_A))).toEqual([])
    expect(ids(await env.staff({ action: 'tillCatalog', category: 'gear' }, STAFF_A))).toEqual([])
    expect(ids(await env.staff({ action: 'tillCatalog', category: 'coffee', limit: 2 }, STAFF_A))).toEqual(['flat-white', 'latte'])
    expect(ids(await env.staff({ action: 'tillCatalog', query: '', limit: 3 }, STAFF_A))).toEqual(['beans', 'croissant', 'flat-white'])
  })
})

describe('productByCode', () => {
  test('a barcode or a productId finds the on-sale product', async () => {
    expect(await env.staff({ action: 'productByCode', code: '6901234567069' }, STAFF_A)).toEqual({
      ok: true,
      data: { product: { productId: 'croissant', title: '黄油可颂', category: 'bakery', priceFen: 1800, barcode: '6901234567069' } },
    })
    expect(await env.staff({ action: 'productByCode', code: 'flat-white' }, STAFF_A)).toMatchObject({ ok: true, data: { product: { productId: 'flat-white', barcode: null } } })
    expect(await env.staff({ action: 'productByCode', code: ' TEA0001 ' }, STAFF_A)).toMatchObject({ ok: true, data: { product: { productId: 'tea' } } })
  })

  test('an unknown code or an off-sale product is NOT_FOUND, said in Chinese', async () => {
    const unknown = await env.staff({ action: 'productByCode', code: '6900000000000' }, STAFF_A)
    expect(unknown).toMatchObject({ ok: false, code: 'NOT_FOUND', message: '没有找到商品码为 6900000000000 的商品' })
    expect(await env.staff({ action: 'productByCode', code: '6901234567106' }, STAFF_A)).toMatchObject({ ok: false, code: 'NOT_FOUND', message: expect.stringContaining('已下架') })
  })
})

describe('tillQuickKeys', () => {
  test('before any sale: the catalog’s first on-sale products', async () => {
    const res = await env.staff({ action: 'tillQuickKeys' }, STAFF_A)
    expect(res.data.source).toBe('catalog')
    expect(ids(res)).toEqual(['beans', 'croissant', 'flat-white', 'latte', 'oat-latte', 'special', 'tea'])
  })

  test("the store's own sales of the last 30 days, most sold first: other stores, older sales, refunded purchases and off-sale products do not count", async () => {
    await buy(STAFF_A, BUYER_1, [
      ['latte', 3],
      ['croissant', 1],
    ])
    await buy(STAFF_A, BUYER_2, [
      ['croissant', 1],
      ['beans', 1],
    ])
    await buy(STAFF_A, BUYER_2, [['mug', 5]])
    // another store sells a lot of tea
    await buy(STAFF_B, BUYER_1, [['tea', 10]])
    // refunded in full
    const refunded = await buy(STAFF_A, BUYER_1, [['special', 9]])
    expect(await env.staff({ action: 'refundPurchase', requestId: rid('ref'), purchaseId: refunded.purchase.purchaseId }, STAFF_A)).toMatchObject({ ok: true })
    // 40 days ago
    await setClock(env.emu, new Date(Date.now() - 40 * 86_400_000).toISOString())
    try {
      await buy(STAFF_A, BUYER_1, [['oat-latte', 20]])
    } finally {
      await setClock(env.emu, null)
    }

    const a = await env.staff({ action: 'tillQuickKeys' }, STAFF_A)
    expect(a.data.source).toBe('sales')
    // latte 3, croissant 2, beans 1
    expect(ids(a)).toEqual(['latte', 'croissant', 'beans'])
    expect(a.data.products[0]).toEqual({ productId: 'latte', title: '拿铁', category: 'coffee', priceFen: 3200, barcode: '6901234567014' })
    const b = await env.staff({ action: 'tillQuickKeys' }, STAFF_B)
    expect(b.data).toMatchObject({ source: 'sales' })
    expect(ids(b)).toEqual(['tea'])
  })

  test('a busy store: only its latest 2,000 purchases of the 30 days count, so the call stays bounded', async () => {
    const row = (createdAt: Date, productId: string, quantity: number) => ({
      memberId: 'o_cat_busy',
      storeId: 'store_b',
      amountFen: 100,
      status: 'completed',
      createdAt,
      lines: [{ productId, title: product(productId).title, quantity, priceFen: 100 }],
    })
    // 300 purchases of 20 lattes ten days ago, then 2,000 purchases of one bag of beans in the last hour
    const rows = [
      ...Array.from({ length: 300 }, (_x, i) => row(new Date(Date.now() - 10 * 86_400_000 - i * 1000), 'latte', 20)),
      ...Array.from({ length: QUICK_KEY_SAMPLE }, (_x, i) => row(new Date(Date.now() - 60_000 - i * 1000), 'beans', 1)),
    ]
    for (let i = 0; i < rows.length; i += 100) await Promise.all(rows.slice(i, i + 100).map(data => env.db.collection('purchases').add({ data })))
    await requestStats(env.emu, 'DELETE')
    const res = await env.staff({ action: 'tillQuickKeys' }, STAFF_B)
    // the 6,000 lattes sold earlier are past the sample; the tea sold a moment ago is in it
    expect(ids(res)).toEqual(['beans', 'tea'])
    const { requests } = await requestStats(env.emu)
    expect(requests['database.getDocument']).toBeLessThanOrEqual(5)
  })
})

describe('recordPurchase with lines', () => {
  const M = 'o_cat_discount'
  const lines = [
    { productId: 'latte', title: '拿铁', category: 'coffee', quantity: 2, priceFen: 3200 },
    { productId: 'croissant', title: '黄油可颂', category: 'bakery', quantity: 1, priceFen: 1800 },
  ]
  beforeAll(async () => {
    await signUp(env, M)
  })

  test('a discount at the till (amount below the lines’ total): the lines are stored as sent, points and category spend scale to the amount', async () => {
    const { memberNo } = await memberDoc(env, M)
    // lines 8,200 fen; charged 70.00 元
    const res = await env.staff({ action: 'recordPurchase', requestId: rid('disc'), member: { memberNo }, amountFen: 7000, lines }, STAFF_A)
    expect(res).toMatchObject({ ok: true, data: { pointsEarned: 70, balance: 70, purchase: { amountFen: 7000, orderFen: 7000, discountFen: 0, pointsEarned: 70 } } })
    const stored = (await env.db.collection('purchases').doc(res.data.purchase.purchaseId).get()).data
    expect(stored).toMatchObject({ storeId: 'store_a', memberId: M, amountFen: 7000, lines })
    const member = await memberDoc(env, M)
    expect(member.points).toBe(70)
    // 6,400 and 1,800 of 8,200, in the 7,000 paid
    expect(member.stats.categoryFen).toEqual({ coffee: Math.floor((6400 * 7000) / 8200), bakery: Math.floor((1800 * 7000) / 8200) })
    expect(member.stats.spendFen).toBe(7000)
    expect((await ledgerRows(env, M)).map(r => [r.kind, r.delta])).toEqual([['earn', 70]])
  })

  test('the amount equal to the lines’ total is fine; above it is INVALID_ARGUMENT and nothing is written', async () => {
    const { memberNo } = await memberDoc(env, M)
    expect(await env.staff({ action: 'recordPurchase', requestId: rid('full'), member: { memberNo }, amountFen: 8200, lines }, STAFF_A)).toMatchObject({ ok: true, data: { pointsEarned: 82 } })
    const requestId = rid('over')
    const over = await env.staff({ action: 'recordPurchase', requestId, member: { memberNo }, amountFen: 8201, lines }, STAFF_A)
    expect(over).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('消费金额不能高于明细合计') })
    expect((await env.db.collection('purchases').where({ requestId }).get()).data).toEqual([])
    expect((await memberDoc(env, M)).points).toBe(152)
  })
})
