/** The demo data (`npm start`) is consistent with the functions: ledger invariant, codes, till, history. */
import { seedDemoData, DEMO, DEMO_TEMPLATES } from '../../scripts/seed'
import { useEmulator, codeOf, rid } from './support'

const env = useEmulator()

test('seeds once, with consistent points for 林小夏 that the functions read back', async () => {
  expect(await seedDemoData(env.emu.baseUrl, env.db)).toBe(true)
  expect(await seedDemoData(env.emu.baseUrl, env.db)).toBe(false)
  const lin = DEMO.members[0]

  const login = await env.member({ action: 'login' }, lin.openid)
  expect(login).toMatchObject({ ok: true, data: { created: false, member: { nickname: '林小夏', memberNo: '1000000001', phone: lin.phone } } })
  const points = await env.member({ action: 'getPoints' }, lin.openid)
  expect(points.ok).toBe(true)
  expect(points.data.balance).toBeGreaterThan(0)
  const history = await env.member({ action: 'pointsHistory' }, lin.openid)
  expect(history.data.items.length).toBeGreaterThanOrEqual(4)
  expect(history.data.items.reduce((s: number, i: any) => s + i.delta, 0)).toBe(points.data.balance)

  // the demo staff member can scan her code and find her by phone
  expect(await env.staff({ action: 'me' }, DEMO.staff.openid)).toEqual({ ok: true, data: { name: '店员小王', storeId: 'store_sh_001', storeName: '上海静安旗舰店' } })
  const { code } = await codeOf(env, lin.openid)
  expect(await env.staff({ action: 'verifyCode', code }, DEMO.staff.openid)).toMatchObject({
    ok: true,
    data: { member: { memberNo: '1000000001', maskedPhone: '138****8001', points: points.data.balance } },
  })
  expect(await env.staff({ action: 'findMemberByPhone', phone: lin.phone! }, DEMO.staff.openid)).toMatchObject({ ok: true, data: { member: { memberNo: '1000000001' } } })
  const bought = await env.staff({ action: 'recordPurchase', requestId: rid('demo'), member: { code }, amountFen: 3_200 }, DEMO.staff.openid)
  expect(bought).toMatchObject({ ok: true, data: { pointsEarned: 32, balance: points.data.balance + 32 } })
  // the admin may call admin actions from the mini-program
  expect(await env.admin({ action: 'listStaff' }, DEMO.admin.openid)).toMatchObject({ ok: true, data: { staff: [{ openid: DEMO.staff.openid, active: true }] } })
  // her analytics as the purchase flow leaves them: stats, growth towards the next tier, stage
  const tier = await env.member({ action: 'myTier' }, lin.openid)
  expect(tier.data.growth).toBeGreaterThan(400)
  expect(tier.data.next).toMatchObject({ tierId: 'silver' })
  const doc = (await env.db.collection('members').doc(lin.openid).get()).data
  expect(doc).toMatchObject({ stage: 'active', stats: { purchases: 4, purchaseDays: 4 } })
  // the demo coupons: claimable, exchangeable, and a new member gets the welcome coupon
  const center = await env.member({ action: 'claimCenter' }, lin.openid)
  expect(center.data.offers.map((o: any) => o.templateId)).toEqual(DEMO_TEMPLATES.filter(t => t.channels.includes('claim_center')).map(t => t.templateId))
  const claimed = await env.member({ action: 'claimCoupon', templateId: 'demo-full-100-20', requestId: rid('demo') }, lin.openid)
  expect(claimed).toMatchObject({ ok: true, data: { coupon: { summary: '满100减20', state: 'available' } } })
  const mall = await env.member({ action: 'pointsMall' }, lin.openid)
  expect(mall.data.offers.map((o: any) => o.templateId)).toEqual(['demo-makeup-card', 'demo-mall-5', 'demo-mall-bag'])
  await env.member({ action: 'login' }, 'o_seed_newcomer')
  const welcome = await env.member({ action: 'myCoupons', state: 'available' }, 'o_seed_newcomer')
  expect(welcome.data.items.map((c: any) => c.templateId)).toEqual(['demo-welcome-10'])
  // 为你推荐 from the daily job the seed ran: she gets what her purchases go with and has not bought
  // (and coffee beans again: a repeat-purchase category); a member without purchases gets best sellers
  const forLin = await env.member({ action: 'recommendations', limit: 6 }, lin.openid)
  expect(forLin.ok).toBe(true)
  const linItems = forLin.data.items.map((i: any) => i.productId)
  expect(linItems.length).toBeGreaterThanOrEqual(3)
  expect(linItems).not.toContain('p-croissant')
  expect(linItems).not.toContain('p-tumbler')
  expect(forLin.data.items.some((i: any) => /因为你买过|也买了/.test(i.reason))).toBe(true)
  const forNew = await env.member({ action: 'recommendations', limit: 6 }, DEMO.members[2].openid)
  expect(forNew.data.items.length).toBeGreaterThanOrEqual(3)
  expect(forNew.data.items.every((i: any) => i.reason.length > 0)).toBe(true)
  // the invariant for every seeded member is checked when the file ends
})
