/** 为你推荐 through the SDK: the daily job computes co-purchase neighbours; members get items with reasons. */
import { invoke } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff, rid } from './support'

const env = useEmulator()
const STAFF = 'o_rec_staff'
const products = [
  { productId: 'latte', title: '拿铁', category: 'coffee', tags: ['咖啡'], priceFen: 3200 },
  { productId: 'croissant', title: '可颂', category: 'bakery', tags: ['烘焙'], priceFen: 1800 },
  { productId: 'beans', title: '咖啡豆', category: 'beans', tags: ['咖啡'], priceFen: 9800, repeatPurchase: true },
  { productId: 'tea', title: '乌龙茶', category: 'tea', tags: ['茶'], priceFen: 2800 },
  { productId: 'mug', title: '马克杯', category: 'gear', tags: ['周边'], priceFen: 5900, onSale: false },
]

async function buy(openid: string, items: string[]) {
  const { data } = await env.db.collection('members').where({ _id: openid }).get()
  const lines = items.map(productId => ({ productId, quantity: 1, priceFen: products.find(p => p.productId === productId)!.priceFen }))
  const amountFen = lines.reduce((s, l) => s + l.priceFen, 0)
  const res = await env.staff({ action: 'recordPurchase', requestId: rid('p'), member: { memberNo: data[0].memberNo }, amountFen, lines }, STAFF)
  if (!res.ok) throw new Error(JSON.stringify(res))
}

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_r')
  expect(await env.admin({ action: 'importProducts', products })).toMatchObject({ ok: true })
  // latte goes with croissant; beans are bought again and again; the mug is off sale
  for (let i = 0; i < 6; i++) {
    await signUp(env, `o_rec_${i}`)
    await buy(`o_rec_${i}`, ['latte', 'croissant', 'mug'])
    if (i < 4) await buy(`o_rec_${i}`, ['beans'])
  }
  await signUp(env, 'o_rec_tea')
  await buy('o_rec_tea', ['tea'])
  await signUp(env, 'o_rec_latte_only')
  await buy('o_rec_latte_only', ['latte', 'beans'])
  await signUp(env, 'o_rec_new')
  const run = await invoke(env.emu, 'tiers', { action: 'run' })
  expect(run).toMatchObject({ ok: true, data: { status: 'done' } })
}, 180_000)

test('the job wrote neighbours: items bought together point at each other', async () => {
  const latte = (await env.db.collection('item_neighbors').doc('latte').get()).data
  expect(latte.neighbors[0].itemId).toBe('croissant')
})

test('a latte buyer gets the croissant first, with why; nothing already bought unless it is bought again and again; never off-sale', async () => {
  const res = await env.member({ action: 'recommendations' }, 'o_rec_latte_only')
  expect(res.ok).toBe(true)
  const ids = res.data.items.map((i: any) => i.productId)
  expect(ids[0]).toBe('croissant')
  expect(res.data.items[0]).toMatchObject({ title: '可颂', priceFen: 1800, reason: expect.stringContaining('拿铁') })
  expect(ids).not.toContain('latte')
  expect(ids).not.toContain('mug')
})

test('a new member gets popular items; limit is honoured; a consumer sees only their own', async () => {
  const res = await env.member({ action: 'recommendations', limit: 2 }, 'o_rec_new')
  expect(res.data.items).toHaveLength(2)
  expect(res.data.items.map((i: any) => i.productId)).toEqual(expect.arrayContaining(['latte']))
  expect(res.data.items.every((i: any) => typeof i.reason === 'string' && i.reason.length > 0)).toBe(true)
  expect(await env.member({ action: 'recommendations', memberId: 'o_rec_0' }, 'o_rec_new')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await env.member({ action: 'recommendations', limit: 50 }, 'o_rec_new')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
})

test("a member who bought nothing but tapped 拿铁 gets what goes with it, said so; another member's taps change nothing for them", async () => {
  await signUp(env, 'o_rec_tapper')
  const before = await env.member({ action: 'recommendations', limit: 3 }, 'o_rec_tapper')
  expect(before.data.items[0].reason).not.toContain('看过')
  expect(
    await env.member(
      {
        action: 'track',
        requestId: rid('tap'),
        events: [
          { type: 'view', productId: 'tea' },
          { type: 'click', productId: 'latte', source: 'home.recommend' },
        ],
      },
      'o_rec_tapper',
    ),
  ).toMatchObject({ ok: true })
  const after = await env.member({ action: 'recommendations', limit: 3 }, 'o_rec_tapper')
  expect(after.data.items[0]).toMatchObject({ productId: 'croissant', reason: '因为你看过「拿铁」' })
  // a view is not a tap: tea's neighbours do not come in through it; o_rec_new has no taps of its own
  expect(after.data.items.map((i: any) => i.reason)).not.toContain('因为你看过「乌龙茶」')
  const other = await env.member({ action: 'recommendations', limit: 3 }, 'o_rec_new')
  expect(other.data.items.every((i: any) => !i.reason.includes('看过'))).toBe(true)
})
