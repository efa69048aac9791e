/**
 * Demo data for `npm start`: a store, a staff member, an admin and a few members, written through the SDK.
 * 林小夏 gets a bound phone and a purchase history whose points go through the same domain rules as
 * the `staff` function (earn batches, expiry, ledger rows with the same ids), so `balance == sum(ledger)`.
 */
import dayjs from 'dayjs'
import { afterPurchase } from '../domain/activity'
import { stageOf } from '../domain/lifecycle'
import { newMember } from '../domain/member'
import { DEFAULT_LIFECYCLE } from '../types/analytics'
import type { Member } from '../types/member'
import { DEFAULT_TIER_LADDER } from '../types/tiers'
import { purchasePoints } from '../domain/point-rules'
import { earnPoints, spendPoints, type WalletChange } from '../domain/points'
import { CouponTemplateInputSchema, type CouponTemplateInput } from '../types/coupons'
import { ProductInputSchema, type ProductInput } from '../types/products'
import { DEFAULT_POINT_RULES, type Wallet } from '../types/points'
import { derivedId } from '../cloudfunctions/shared/ids'
import { ledgerId } from '../cloudfunctions/shared/wallet'
import { createCollections } from './collections'
import { localCloud } from './local-sdk'
import type { Database } from '../cloudfunctions/shared/sdk-types'

export const DEMO = {
  store: { _id: 'store_sh_001', name: '上海静安旗舰店', city: '上海' },
  staff: { openid: 'o_demo_staff', name: '店员小王', memberNo: '1000000004' },
  admin: { openid: 'o_demo_admin', name: '运营管理员', memberNo: '1000000005' },
  /** 店长 of the demo store: the console scoped to one store */
  manager: { openid: 'o_demo_manager', name: '静安店长', memberNo: '1000000006' },
  members: [
    { openid: 'o_demo_member_1', memberNo: '1000000001', nickname: '林小夏', gender: 'female' as const, birthday: '1995-06-18', phone: '13800138001' },
    { openid: 'o_demo_member_2', memberNo: '1000000002', nickname: '陈一鸣', gender: 'male' as const, birthday: '1988-11-02', phone: null },
    { openid: 'o_demo_member_3', memberNo: '1000000003', nickname: '周周', gender: 'unknown' as const, birthday: null, phone: null },
  ],
}

/** Coupon templates for the claim center, the points mall and new members (terms as an admin would send them). */
export const DEMO_TEMPLATES: CouponTemplateInput[] = [
  {
    templateId: 'demo-full-100-20',
    name: '满100减20',
    type: 'threshold',
    valueFen: 2000,
    minSpendFen: 10000,
    validity: { kind: 'relative', days: 30 },
    totalStock: 200,
    perMemberLimit: 1,
    audience: { kind: 'all' },
    channels: ['claim_center', 'admin'],
    stackable: false,
  },
  {
    templateId: 'demo-tea-85',
    name: '饮品 8.5 折',
    description: '最高减 30 元，可与其他可叠加券同用',
    type: 'percent',
    percentOff: 15,
    capFen: 3000,
    minSpendFen: 0,
    validity: { kind: 'relative', days: 14 },
    totalStock: 50,
    perMemberLimit: 2,
    audience: { kind: 'all' },
    channels: ['claim_center'],
    stackable: true,
  },
  {
    templateId: 'demo-welcome-10',
    name: '新人礼 10 元',
    type: 'cash',
    valueFen: 1000,
    minSpendFen: 5000,
    validity: { kind: 'relative', days: 30 },
    totalStock: null,
    perMemberLimit: 1,
    audience: { kind: 'all' },
    channels: ['welcome', 'admin'],
    stackable: false,
  },
  {
    templateId: 'demo-mall-5',
    name: '5 元无门槛券',
    type: 'cash',
    valueFen: 500,
    minSpendFen: 0,
    validity: { kind: 'relative', days: 30 },
    totalStock: 100,
    perMemberLimit: 5,
    audience: { kind: 'all' },
    channels: ['points_mall'],
    pointsPrice: 100,
    stackable: true,
  },
  {
    templateId: 'demo-mall-bag',
    name: '品牌帆布袋',
    type: 'gift',
    giftName: '帆布袋',
    minSpendFen: 0,
    validity: { kind: 'relative', days: 60 },
    totalStock: 20,
    perMemberLimit: 1,
    audience: { kind: 'all' },
    channels: ['points_mall'],
    pointsPrice: 200,
    stackable: false,
  },
  {
    templateId: 'demo-makeup-card',
    name: '补签卡',
    type: 'makeup_card',
    minSpendFen: 0,
    validity: { kind: 'relative', days: 30 },
    totalStock: null,
    perMemberLimit: 3,
    audience: { kind: 'all' },
    channels: ['points_mall'],
    pointsPrice: 15,
    stackable: false,
  },
].map(t => CouponTemplateInputSchema.parse(t))

/** The demo store's menu: what 为你推荐 recommends and the till sells (EAN-13 barcodes to type or scan at the demo till). */
export const DEMO_PRODUCTS: ProductInput[] = [
  { productId: 'p-latte', title: '拿铁', category: '咖啡', tags: ['奶咖'], priceFen: 3200, barcode: '6901234567014' },
  { productId: 'p-americano', title: '美式', category: '咖啡', tags: ['黑咖'], priceFen: 2800, barcode: '6901234567021' },
  { productId: 'p-oat-latte', title: '燕麦拿铁', category: '咖啡', tags: ['奶咖', '植物奶'], priceFen: 3500, barcode: '6901234567038' },
  { productId: 'p-cold-brew', title: '冷萃咖啡', category: '咖啡', tags: ['黑咖'], priceFen: 3000, barcode: '6901234567045' },
  { productId: 'p-oolong', title: '桂花乌龙', category: '茶饮', tags: ['茶'], priceFen: 2600, barcode: '6901234567052' },
  { productId: 'p-croissant', title: '黄油可颂', category: '烘焙', tags: ['甜点'], priceFen: 1800, barcode: '6901234567069' },
  { productId: 'p-basque', title: '巴斯克蛋糕', category: '烘焙', tags: ['甜点'], priceFen: 3800, barcode: '6901234567076' },
  { productId: 'p-beans', title: '耶加雪菲咖啡豆 250g', category: '咖啡豆', tags: ['咖啡豆'], priceFen: 8800, repeatPurchase: true, barcode: '6901234567083' },
  { productId: 'p-drip', title: '挂耳咖啡礼盒', category: '咖啡豆', tags: ['咖啡豆'], priceFen: 6800, repeatPurchase: true, barcode: '6901234567090' },
  { productId: 'p-mug', title: '品牌马克杯', category: '周边', tags: ['周边'], priceFen: 5900, barcode: '6901234567106' },
  { productId: 'p-tumbler', title: '随行杯', category: '周边', tags: ['周边'], priceFen: 12800, barcode: '6901234567113' },
].map(p => ProductInputSchema.parse(p))

type Step =
  | { kind: 'purchase'; ago: { months: number; days: number }; items: Array<[productId: string, quantity: number]>; requestId: string }
  | { kind: 'spend'; ago: { months: number; days: number }; points: number; requestId: string }

/** 林小夏's history: purchases at the demo store (months/days before now) and one points redemption. */
const HISTORY: Step[] = [
  { kind: 'purchase', ago: { months: 12, days: 0 }, items: [['p-tumbler', 1]], requestId: 'seed-purchase-001' },
  {
    kind: 'purchase',
    ago: { months: 2, days: 3 },
    items: [
      ['p-beans', 2],
      ['p-drip', 1],
      ['p-latte', 2],
      ['p-croissant', 1],
      ['p-cold-brew', 1],
    ],
    requestId: 'seed-purchase-002',
  },
  { kind: 'spend', ago: { months: 1, days: 0 }, points: 100, requestId: 'seed-exchange-001' },
  {
    kind: 'purchase',
    ago: { months: 0, days: 2 },
    items: [
      ['p-latte', 1],
      ['p-croissant', 1],
      ['p-basque', 1],
    ],
    requestId: 'seed-purchase-003',
  },
]

/**
 * Regulars of the demo store (not demo sign-ins): their baskets are the co-purchases the daily job
 * turns into 为你推荐 (拿铁 with 可颂, 燕麦拿铁 with 巴斯克, 咖啡豆 with 挂耳 and 马克杯, …).
 */
const REGULARS: Array<{ openid: string; memberNo: string; nickname: string; history: Step[] }> = [
  [
    'o_demo_regular_1',
    '1000000011',
    '阿杰',
    [
      [
        ['p-latte', 1],
        ['p-croissant', 1],
      ],
      [
        ['p-latte', 1],
        ['p-basque', 1],
      ],
      [
        ['p-oat-latte', 1],
        ['p-basque', 1],
      ],
    ],
  ],
  [
    'o_demo_regular_2',
    '1000000012',
    '小鹿',
    [
      [
        ['p-oat-latte', 1],
        ['p-basque', 1],
      ],
      [
        ['p-oat-latte', 1],
        ['p-croissant', 1],
      ],
    ],
  ],
  [
    'o_demo_regular_3',
    '1000000013',
    'Momo',
    [
      [
        ['p-beans', 1],
        ['p-drip', 1],
      ],
      [
        ['p-beans', 1],
        ['p-mug', 1],
      ],
    ],
  ],
  [
    'o_demo_regular_4',
    '1000000014',
    '老周',
    [
      [
        ['p-americano', 1],
        ['p-croissant', 1],
      ],
      [
        ['p-cold-brew', 1],
        ['p-oolong', 1],
      ],
    ],
  ],
  [
    'o_demo_regular_5',
    '1000000015',
    '糖糖',
    [
      [
        ['p-latte', 2],
        ['p-basque', 1],
      ],
      [
        ['p-oolong', 1],
        ['p-basque', 1],
      ],
      [
        ['p-latte', 1],
        ['p-mug', 1],
      ],
    ],
  ],
  [
    'o_demo_regular_6',
    '1000000016',
    'Kevin',
    [
      [
        ['p-drip', 1],
        ['p-mug', 1],
      ],
      [
        ['p-cold-brew', 1],
        ['p-beans', 1],
      ],
    ],
  ],
].map(([openid, memberNo, nickname, baskets]) => ({
  openid: openid as string,
  memberNo: memberNo as string,
  nickname: nickname as string,
  history: (baskets as Array<Array<[string, number]>>).map((items, i) => ({ kind: 'purchase' as const, ago: { months: 0, days: 40 - 15 * i }, items, requestId: `seed-${openid}-${i + 1}` })),
}))

/** Seeds once per data dir (the store doc is the marker); returns whether it wrote anything. */
export async function seedDemoData(baseUrl: string, db: Database = localCloud(`${baseUrl}/tcb`).database(), now = new Date()): Promise<boolean> {
  await createCollections(db)
  const { data } = await db.collection('stores').where({ _id: DEMO.store._id }).get()
  if (data.length) return false

  // set() by _id: a seed interrupted half-way is simply redone
  const put = (collection: string, id: string, doc: Record<string, unknown>) => db.collection(collection).doc(id).set({ data: doc })
  const member = (openid: string, memberNo: string, fields: Record<string, unknown>) => {
    const { _id, ...doc } = newMember(openid, memberNo, now)
    return put('members', _id, { ...doc, ...fields })
  }
  for (const m of DEMO.members.slice(1)) await member(m.openid, m.memberNo, { nickname: m.nickname, gender: m.gender, birthday: m.birthday })
  for (const who of [DEMO.staff, DEMO.admin, DEMO.manager]) await member(who.openid, who.memberNo, { nickname: who.name })
  await seedMemberHistory(put, now, DEMO.members[0], dayjs(now).subtract(13, 'month').toDate(), HISTORY)
  for (const r of REGULARS) await seedMemberHistory(put, now, r, dayjs(now).subtract(3, 'month').toDate(), r.history)
  for (const { productId, ...product } of DEMO_PRODUCTS) await put('products', productId, { ...product, createdAt: now, updatedAt: now })
  await put('staff', DEMO.staff.openid, { storeId: DEMO.store._id, name: DEMO.staff.name, active: true, createdAt: now })
  await put('admins', DEMO.admin.openid, { name: DEMO.admin.name, createdAt: now })
  await put('managers', DEMO.manager.openid, { storeId: DEMO.store._id, name: DEMO.manager.name, active: true, createdAt: now, updatedAt: now, appointedBy: 'seed' })
  for (const { templateId, ...terms } of DEMO_TEMPLATES) {
    await put('coupon_templates', templateId, { ...terms, status: 'active', stock: terms.totalStock, issued: 0, codePool: false, createdAt: now, updatedAt: now })
  }
  // the store last: it marks the seed as complete
  const { _id: storeId, ...store } = DEMO.store
  await put('stores', storeId, { ...store, createdAt: now })

  // the daily job once, as its timer would: stages, tiers, churn scores and the co-purchase
  // neighbours behind 为你推荐 (its item-neighbour step runs when the scoring is done)
  const job = await fetch(`${baseUrl}/functions/tiers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'run' }) })
  const ran = (await job.json().catch(() => null)) as { ok?: boolean; data?: { status?: string; neighbors?: unknown } } | null
  if (!ran?.ok || ran.data?.status !== 'done' || !ran.data.neighbors)
    console.warn(`[seed] the daily tiers job did not finish (${JSON.stringify(ran).slice(0, 200)}); 为你推荐 fills in after its next timer run`)

  // make the demo identities selectable on the H5 local sign-in page
  for (const who of [...DEMO.members.map(m => ({ openid: m.openid, name: m.nickname })), DEMO.staff, DEMO.admin, DEMO.manager]) {
    await fetch(`${baseUrl}/gateway/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: who.openid, label: who.name }) })
  }
  return true
}

interface Shopper {
  openid: string
  memberNo: string
  nickname: string
  gender?: Member['gender']
  birthday?: string | null
  phone?: string | null
}

const productsById = new Map(DEMO_PRODUCTS.map(p => [p.productId, p]))

/**
 * A member with a purchase history: purchases, ledger and wallet computed with the domain rules in
 * time order, and the analytics (stats, growth, tier, stage) the purchase flow would have left.
 */
async function seedMemberHistory(put: (c: string, id: string, doc: Record<string, unknown>) => Promise<unknown>, now: Date, who: Shopper, createdAt: Date, history: Step[]): Promise<void> {
  const rules = DEFAULT_POINT_RULES
  let wallet: Wallet = { points: 0, pointBatches: [] }
  let member: Member = { ...newMember(who.openid, who.memberNo, createdAt), lastLoginAt: now }
  for (const step of history) {
    const at = dayjs(now).subtract(step.ago.months, 'month').subtract(step.ago.days, 'day').toDate()
    let change: WalletChange
    if (step.kind === 'purchase') {
      const purchaseId = derivedId('pur', DEMO.staff.openid, step.requestId)
      const lines = step.items.map(([productId, quantity]) => {
        const { title, category, priceFen } = productsById.get(productId)!
        return { productId, title, category, quantity, priceFen }
      })
      const amountFen = lines.reduce((sum, l) => sum + l.quantity * l.priceFen, 0)
      const points = purchasePoints({ amountFen, storeId: DEMO.store._id, lines }, rules, at)
      change = earnPoints(wallet, points, { now: at, expiryMonths: rules.expiryMonths, source: { type: 'purchase', id: purchaseId }, batchId: purchaseId })
      member = { ...member, ...afterPurchase(member, { paidFen: amountFen, orderFen: amountFen, lines, usedCoupon: false }, DEFAULT_TIER_LADDER, DEFAULT_LIFECYCLE, at).patch }
      await put('purchases', purchaseId, {
        requestId: step.requestId,
        storeId: DEMO.store._id,
        staffOpenid: DEMO.staff.openid,
        memberId: who.openid,
        memberNo: who.memberNo,
        amountFen,
        orderFen: amountFen,
        discountFen: 0,
        couponCodes: [],
        lines,
        pointsEarned: points,
        batchId: purchaseId,
        refundedFen: 0,
        pointsReversed: 0,
        pointsShortfall: 0,
        status: 'completed',
        balanceAfter: change.wallet.points,
        createdAt: at,
        updatedAt: at,
      })
    } else {
      change = spendPoints(wallet, step.points, { now: at, source: { type: 'exchange', id: step.requestId }, reason: '兑换：拿铁一杯' })
    }
    for (const [seq, entry] of change.entries.entries()) {
      const { _id: _ignored, ...row } = { _id: ledgerId(entry), memberId: who.openid, ...entry, seq, createdAt: at, operator: step.kind === 'purchase' ? DEMO.staff.openid : 'system' }
      await put('points_ledger', ledgerId(entry), row)
    }
    wallet = change.wallet
  }
  if (who.phone) await put('member_phones', who.phone, { memberId: who.openid, boundAt: createdAt })
  const { _id, ...doc } = { ...member, stage: stageOf(member, DEFAULT_LIFECYCLE, now) }
  await put('members', _id, { ...doc, nickname: who.nickname, gender: who.gender ?? 'unknown', birthday: who.birthday ?? null, phone: who.phone ?? null, ...wallet, createdAt })
}
