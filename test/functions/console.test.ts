/**
 * The operator console's actions on the emulator: who may call what (brand admin, a store manager of
 * store A, staff, a consumer, the console without identity), member.login's roles, the 概览 numbers on
 * a small known data set (brand and store), search, the member 360, 显示 the phone (audited), the audit log.
 */
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff, rid, agreePrivacy } from './support'

const env = useEmulator()
const A = 'store_ca'
const B = 'store_cb'
const BOSS = 'o_con_boss'
const MGR = 'o_con_mgr_a'
const SA = 'o_con_staff_a'
const SB = 'o_con_staff_b'
const CONSUMER = 'o_con_consumer'
const M1 = 'o_con_m1' // buys at A on two days, phone bound
const M2 = 'o_con_m2' // buys at B, phone bound
const M3 = 'o_con_m3' // buys at A, fully refunded
const GONE = 'o_con_gone' // deleted
const DAY1 = '2026-03-10T02:00:00.000Z' // 10:00 Shanghai
const DAY2 = '2026-03-11T02:00:00.000Z'
const RANGE = { from: '2026-03-10', to: '2026-03-11' }
const PHONE1 = '13900000001'
const PHONE2 = '13900000002'

const no: Record<string, string> = {}
const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}

async function buy(openid: string, staff: string, amountFen: number): Promise<string> {
  return ok(
    await env.staff(
      { action: 'recordPurchase', requestId: rid('con'), member: { memberNo: no[openid] }, amountFen, lines: [{ productId: 'latte', title: '拿铁', quantity: 1, priceFen: amountFen }] },
      staff,
    ),
  ).purchase.purchaseId
}

async function bindPhone(openid: string, phone: string) {
  const sms = ok(await env.member({ action: 'requestPhoneCode', phone }, openid))
  ok(await env.member({ action: 'bindPhoneBySms', phone, smsCode: sms.devCode }, openid))
}

beforeAll(async () => {
  await setClock(env.emu, DAY1)
  await env.db.collection('admins').add({ data: { _id: BOSS, name: 'boss' } })
  for (const id of [BOSS, MGR, CONSUMER, M1, M2, M3, GONE]) no[id] = (await signUp(env, id)).memberNo
  await makeStaff(env, SA, A, '甲店员')
  await makeStaff(env, SB, B, '乙店员')
  // nickname and phone need the member's consent to the privacy guide, as the app asks first
  for (const id of [M1, M2, GONE]) await agreePrivacy(env, id)
  ok(await env.member({ action: 'updateProfile', patch: { nickname: '小明甲' } }, M1))
  ok(await env.member({ action: 'updateProfile', patch: { nickname: '小明乙' } }, M2))
  ok(await env.member({ action: 'updateProfile', patch: { nickname: '小明丙' } }, GONE))
  ok(await env.member({ action: 'deleteMyAccount', confirm: true }, GONE))
  await bindPhone(M1, PHONE1)
  await bindPhone(M2, PHONE2)
  ok(await env.admin({ action: 'appointManager', openid: MGR, storeId: A, name: '甲店长' }))

  await buy(M1, SA, 5000)
  await buy(M2, SB, 3000)
  await setClock(env.emu, DAY2)
  const p1 = await buy(M1, SA, 2000)
  const p3 = await buy(M3, SA, 1000)
  ok(await env.staff({ action: 'refundPurchase', requestId: rid('conref'), purchaseId: p3 }, SA))
  const p2 = (await env.db.collection('purchases').where({ memberId: M2 }).get()).data[0]._id
  ok(await env.member({ action: 'submitNps', purchaseId: p1, score: 10, comment: '好' }, M1))
  ok(await env.member({ action: 'submitNps', purchaseId: p2, score: 3, comment: '慢' }, M2))
  // a coupon for M1 (issued in the range, not used) and an adjustment
  ok(
    await env.admin({
      action: 'upsertCouponTemplate',
      template: {
        templateId: 'con-cash-5',
        name: '5元券',
        type: 'cash',
        valueFen: 500,
        minSpendFen: 0,
        validity: { kind: 'relative', days: 30 },
        totalStock: 100,
        perMemberLimit: 1,
        audience: { kind: 'all' },
        channels: ['admin'],
      },
    }),
  )
  ok(await env.admin({ action: 'issueCoupons', templateId: 'con-cash-5', memberNos: [no[M1]], requestId: rid('conissue') }))
  ok(await env.admin({ action: 'adjustPoints', openid: M1, delta: 100, reason: '客诉补偿', requestId: rid('conadj') }))
}, 120_000)

describe('role matrix', () => {
  type Caller = 'brand' | 'console' | 'managerA' | 'staff' | 'consumer'
  const callers: Record<Caller, string | undefined> = { brand: BOSS, console: undefined, managerA: MGR, staff: SA, consumer: CONSUMER }
  const cases: Array<[string, () => Record<string, unknown>, Record<Caller, string>]> = [
    [
      'appointManager',
      () => ({ action: 'appointManager', openid: MGR, storeId: A, name: '甲店长' }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'removeManager',
      () => ({ action: 'removeManager', openid: 'o_con_nobody' }),
      { brand: 'NOT_FOUND', console: 'NOT_FOUND', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['listManagers', () => ({ action: 'listManagers' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    ['consoleHome', () => ({ action: 'consoleHome', ...RANGE }), { brand: 'ok', console: 'ok', managerA: 'ok', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    ['searchMembers', () => ({ action: 'searchMembers', query: no[M1] }), { brand: 'ok', console: 'ok', managerA: 'ok', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    ['member360 (store A member)', () => ({ action: 'member360', memberNo: no[M1] }), { brand: 'ok', console: 'ok', managerA: 'ok', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    ['member360 (store B member)', () => ({ action: 'member360', memberNo: no[M2] }), { brand: 'ok', console: 'ok', managerA: 'NOT_FOUND', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'revealPhone (store A member)',
      () => ({ action: 'revealPhone', memberNo: no[M1], reason: '回访核实' }),
      { brand: 'ok', console: 'ok', managerA: 'ok', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'revealPhone (store B member)',
      () => ({ action: 'revealPhone', memberNo: no[M2], reason: '回访核实' }),
      { brand: 'ok', console: 'ok', managerA: 'NOT_FOUND', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['auditLog', () => ({ action: 'auditLog' }), { brand: 'ok', console: 'ok', managerA: 'ok', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    // 报表: a manager gets their store's subset (consoleReport); the brand's whole report stays brand-only
    ['consoleReport', () => ({ action: 'consoleReport', ...RANGE }), { brand: 'ok', console: 'ok', managerA: 'ok', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    ['report', () => ({ action: 'report', ...RANGE }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    // the 360's actions by member number: brand admins only (M3 bought at store A: its manager still may not)
    [
      'adjustPoints (memberNo)',
      () => ({ action: 'adjustPoints', memberNo: no[M3], delta: 1, reason: '权限矩阵', requestId: rid('conrole') }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'adjustPoints (unknown memberNo)',
      () => ({ action: 'adjustPoints', memberNo: '9999999999', delta: 1, reason: '权限矩阵', requestId: rid('conrole') }),
      { brand: 'NOT_FOUND', console: 'NOT_FOUND', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'tagMembers (memberNos)',
      () => ({ action: 'tagMembers', memberNos: [no[M3]], add: ['矩阵'] }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'setMemberTier (memberNo)',
      () => ({ action: 'setMemberTier', memberNo: no[M3], mode: 'clear', reason: '权限矩阵' }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'setMemberTier (unknown memberNo)',
      () => ({ action: 'setMemberTier', memberNo: '9999999999', mode: 'clear', reason: '权限矩阵' }),
      { brand: 'NOT_FOUND', console: 'NOT_FOUND', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    // 门店与店员: a manager lists (their store only), everything else is brand admins only
    ['listStores', () => ({ action: 'listStores' }), { brand: 'ok', console: 'ok', managerA: 'ok', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    ['listStaff (store B asked)', () => ({ action: 'listStaff', storeId: B }), { brand: 'ok', console: 'ok', managerA: 'ok', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'upsertStore (same name)',
      () => ({ action: 'upsertStore', storeId: A, name: `门店 ${A}` }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'appointStaff (already active)',
      () => ({ action: 'appointStaff', openid: SA, storeId: A, name: '甲店员' }),
      { brand: 'ALREADY_EXISTS', console: 'ALREADY_EXISTS', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'removeStaff (not staff)',
      () => ({ action: 'removeStaff', openid: 'o_con_nobody' }),
      { brand: 'NOT_FOUND', console: 'NOT_FOUND', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    // 设置: brand admins only (the set actions write the defaults back: nothing changes)
    [
      'settingsForm',
      () => ({ action: 'settingsForm', section: 'reminders' }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['getPointRules', () => ({ action: 'getPointRules' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'setPointRules (defaults)',
      () => ({ action: 'setPointRules', rules: require('../../types/points').DEFAULT_POINT_RULES }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['getCheckinRules', () => ({ action: 'getCheckinRules' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'setCheckinRules (defaults)',
      () => ({ action: 'setCheckinRules', rules: require('../../types/checkin').DEFAULT_CHECKIN_RULES }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['getTaskRules', () => ({ action: 'getTaskRules' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'setTaskRules (defaults)',
      () => ({ action: 'setTaskRules', rules: require('../../types/tasks').DEFAULT_TASK_RULES }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['getTierLadder', () => ({ action: 'getTierLadder' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'setTierLadder (defaults)',
      () => ({ action: 'setTierLadder', ladder: require('../../types/tiers').DEFAULT_TIER_LADDER }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['getReminderConfig', () => ({ action: 'getReminderConfig' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'setReminderConfig (defaults)',
      () => ({ action: 'setReminderConfig', config: require('../../types/reminders').DEFAULT_REMINDER_CONFIG }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    // 用户隐私保护指引: brand admins only; an invalid policy (nothing written) shows access is decided before validation
    ['getPrivacyPolicy', () => ({ action: 'getPrivacyPolicy' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'setPrivacyPolicy (invalid policy)',
      () => ({ action: 'setPrivacyPolicy', policy: { version: '' } }),
      { brand: 'INVALID_ARGUMENT', console: 'INVALID_ARGUMENT', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    // 人群: brand admins only (saveSegment first, so the others find the segment)
    [
      'saveSegment',
      () => ({ action: 'saveSegment', segmentId: 'con-matrix', name: '矩阵人群', rule: { all: [{ field: 'stage', op: 'eq', value: 'new' }] } }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'previewSegment (rule)',
      () => ({ action: 'previewSegment', rule: { any: [{ field: 'points', op: 'gte', value: 0 }] }, sample: 3 }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['listSegments', () => ({ action: 'listSegments' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'exportSegment',
      () => ({ action: 'exportSegment', segmentId: 'con-matrix', includePhones: true }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'exportSegment (unknown segment)',
      () => ({ action: 'exportSegment', segmentId: 'con-none' }),
      { brand: 'NOT_FOUND', console: 'NOT_FOUND', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'deleteSegment (unknown segment)',
      () => ({ action: 'deleteSegment', segmentId: 'con-none' }),
      { brand: 'NOT_FOUND', console: 'NOT_FOUND', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    // 券 and 活动: brand admins only (the dry run and the report reach the lookup: an unknown segment / campaign is NOT_FOUND)
    [
      'upsertCouponTemplate',
      () => ({
        action: 'upsertCouponTemplate',
        template: { templateId: 'con-matrix-tpl', name: '矩阵券', type: 'cash', valueFen: 100, validity: { kind: 'relative', days: 7 }, totalStock: 10, channels: ['admin'] },
      }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'setCouponTemplateStatus',
      () => ({ action: 'setCouponTemplateStatus', templateId: 'con-cash-5', status: 'active' }),
      { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['listCouponTemplates', () => ({ action: 'listCouponTemplates' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
    [
      'startCampaign (dryRun, unknown segment)',
      () => ({ action: 'startCampaign', dryRun: true, campaign: { campaignId: 'con-matrix', name: '矩阵活动', segmentId: 'con-none', templateId: 'con-cash-5' } }),
      { brand: 'NOT_FOUND', console: 'NOT_FOUND', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    [
      'campaignReport (unknown campaign)',
      () => ({ action: 'campaignReport', campaignId: 'con-none' }),
      { brand: 'NOT_FOUND', console: 'NOT_FOUND', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' },
    ],
    ['listCampaigns', () => ({ action: 'listCampaigns' }), { brand: 'ok', console: 'ok', managerA: 'PERMISSION_DENIED', staff: 'PERMISSION_DENIED', consumer: 'PERMISSION_DENIED' }],
  ]
  test.each(cases)('%s', async (_name, event, expected) => {
    for (const [caller, outcome] of Object.entries(expected) as Array<[Caller, string]>) {
      const res = await env.admin(event(), callers[caller])
      expect({ caller, outcome: res.ok ? 'ok' : res.code }).toEqual({ caller, outcome })
    }
  })

  test('a manager searching for a store B member finds nothing; a removed manager is refused', async () => {
    expect(ok(await env.admin({ action: 'searchMembers', query: no[M2] }, MGR)).members).toEqual([])
    expect(ok(await env.admin({ action: 'searchMembers', query: PHONE2 }, MGR)).members).toEqual([])
    expect(ok(await env.admin({ action: 'searchMembers', query: PHONE1 }, MGR)).members).toHaveLength(1)
    await signUp(env, 'o_con_mgr_tmp')
    ok(await env.admin({ action: 'appointManager', openid: 'o_con_mgr_tmp', storeId: B, name: '临时店长' }))
    expect(await env.admin({ action: 'auditLog' }, 'o_con_mgr_tmp')).toMatchObject({ ok: true })
    expect(await env.admin({ action: 'removeManager', openid: 'o_con_mgr_tmp' }, BOSS)).toMatchObject({ ok: true, data: { removed: true } })
    expect(await env.admin({ action: 'auditLog' }, 'o_con_mgr_tmp')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.admin({ action: 'appointManager', openid: 'o_con_mgr_tmp', storeId: 'store_none', name: 'x' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.admin({ action: 'appointManager', openid: 'o_con_never', storeId: A, name: 'x' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    const list = ok(await env.admin({ action: 'listManagers', storeId: B })).managers
    expect(list).toEqual([{ openid: 'o_con_mgr_tmp', storeId: B, name: '临时店长', active: false }])
  })
})

test('member.login answers the caller roles', async () => {
  const roles = async (openid: string) => ok(await env.member({ action: 'login' }, openid)).roles
  expect(await roles(BOSS)).toEqual({ admin: true, manager: null, staff: null })
  expect(await roles(MGR)).toEqual({ admin: false, manager: { storeId: A, storeName: `门店 ${A}` }, staff: null })
  expect(await roles(SA)).toEqual({ admin: false, manager: null, staff: { storeId: A } })
  expect(await roles(CONSUMER)).toEqual({ admin: false, manager: null, staff: null })
  expect(ok(await env.member({ action: 'login' }, 'o_con_brand_new'))).toMatchObject({ created: true, roles: { admin: false, manager: null, staff: null } })
})

describe('consoleHome', () => {
  const kpi = (home: any) => Object.fromEntries(home.kpis.map((k: any) => [k.id, k.value]))

  test('brand: exact KPIs on the known data and SVG charts', async () => {
    const home = ok(await env.admin({ action: 'consoleHome', ...RANGE }, BOSS))
    const { data: all } = await env.db.collection('members').limit(1000).get()
    const alive = all.filter((m: any) => m.status !== 'deleted')
    const inRange = all.filter((m: any) => new Date(m.createdAt) >= new Date('2026-03-09T16:00:00Z') && new Date(m.createdAt) < new Date('2026-03-11T16:00:00Z'))
    expect(home.scope).toEqual({ kind: 'brand' })
    expect(kpi(home)).toEqual({
      members: alive.length,
      newMembers: inRange.length,
      activeMembers: 2, // M1, M2 (M3's only purchase was fully refunded)
      repurchaseRate: 0.5, // M1 bought on two days
      salesFen: 5000 + 3000 + 2000 + 1000 - 1000,
      pointsLiability: alive.reduce((s: number, m: any) => s + m.points, 0),
      couponRedemption: 0, // one issued, none used
      nps: 0, // one promoter, one detractor
    })
    expect(alive.length).toBeGreaterThanOrEqual(9)
    expect(home.charts.map((c: any) => c.id)).toEqual(['dailyNewMembers', 'dailySales', 'stageTier'])
    for (const c of home.charts) expect(c.svg).toMatch(/^<svg/)
  })

  test('store A (its manager): the store only', async () => {
    const home = ok(await env.admin({ action: 'consoleHome', ...RANGE }, MGR))
    expect(home.scope).toEqual({ kind: 'store', storeId: A, storeName: `门店 ${A}` })
    expect(kpi(home)).toEqual({
      members: 2, // M1, M3 bought at A
      newMembers: 2,
      activeMembers: 1,
      repurchaseRate: 1,
      salesFen: 5000 + 2000 + 1000 - 1000,
      pointsLiability: null,
      couponRedemption: null,
      nps: 100,
    })
    expect(home.kpis.find((k: any) => k.id === 'pointsLiability').hint).toBeTruthy()
    expect(home.charts.map((c: any) => c.id)).toEqual(['dailyBuyers', 'dailySales'])
    for (const c of home.charts) expect(c.svg).toMatch(/^<svg/)
  })

  test('a range beyond 366 days or reversed is INVALID_ARGUMENT', async () => {
    expect(await env.admin({ action: 'consoleHome', from: '2024-01-01', to: '2026-01-01' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.admin({ action: 'consoleHome', from: '2026-02-01', to: '2026-01-01' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

test('searchMembers: by phone, member number, nickname prefix; masked; deleted never', async () => {
  const search = async (query: string) => ok(await env.admin({ action: 'searchMembers', query }, BOSS)).members
  expect(await search(PHONE2)).toEqual([expect.objectContaining({ memberNo: no[M2], nickname: '小明乙', maskedPhone: '139****0002' })])
  expect(await search(no[M1])).toEqual([expect.objectContaining({ memberNo: no[M1], maskedPhone: '139****0001', lastPurchaseAt: expect.any(String) })])
  const byName = await search('小明')
  expect(byName.map((m: any) => m.memberNo).sort()).toEqual([no[M1], no[M2]].sort())
  expect(JSON.stringify(byName)).not.toContain(PHONE1)
  expect(await search(no[GONE])).toEqual([])
  expect(await search('小明丙')).toEqual([])
  expect(await search('.*')).toEqual([])
})

test('member360 contents; revealPhone answers the phone and is audited', async () => {
  const m = ok(await env.admin({ action: 'member360', memberNo: no[M1] }, BOSS))
  expect(m.member).toMatchObject({ memberNo: no[M1], nickname: '小明甲', maskedPhone: '139****0001', hasPhone: true })
  expect(JSON.stringify(m)).not.toContain(PHONE1)
  expect(m.stats).toMatchObject({ purchases: 2, spendFen: 7000 })
  expect(m.points.balance).toBe(70 + 100)
  expect(m.ledger.map((l: any) => l.kind)).toEqual(expect.arrayContaining(['earn', 'adjust']))
  expect(m.coupons).toEqual([expect.objectContaining({ templateId: 'con-cash-5', state: 'available' })])
  expect(m.purchases.map((p: any) => p.amountFen)).toEqual([2000, 5000])
  expect(m.purchases[0]).toMatchObject({ storeName: `门店 ${A}`, channel: '门店', lines: [{ title: '拿铁', quantity: 1, priceFen: 2000 }] })
  expect(m.nps).toEqual([expect.objectContaining({ score: 10, storeId: A })])
  expect(m.tier).toMatchObject({ tierId: expect.any(String), growth: expect.any(Number) })
  expect(m.audit.map((a: any) => a.action)).toEqual(expect.arrayContaining(['adjustPoints']))
  expect(m.can).toEqual({ adjustPoints: true, tag: true, tierFloor: true, issueCoupon: true, revealPhone: true })

  const asManager = ok(await env.admin({ action: 'member360', memberNo: no[M1] }, MGR))
  expect(asManager.can).toEqual({ adjustPoints: false, tag: false, tierFloor: false, issueCoupon: false, revealPhone: true })
  const m2 = ok(await env.admin({ action: 'member360', memberNo: no[M2] }, BOSS))
  expect(m2.followUps).toEqual([expect.objectContaining({ status: 'open', storeId: B })])

  expect(ok(await env.admin({ action: 'revealPhone', memberNo: no[M2], reason: '客诉回访' }, BOSS))).toEqual({ phone: PHONE2 })
  const { data } = await env.db.collection('audit_log').where({ action: 'revealPhone', target: no[M2], actor: BOSS }).get()
  expect(data.some((r: any) => r.after?.reason === '客诉回访')).toBe(true)
  expect(await env.admin({ action: 'revealPhone', memberNo: no[M3], reason: '客诉回访' }, BOSS)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await env.admin({ action: 'member360', memberNo: '9999999999' }, BOSS)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await env.admin({ action: 'member360', memberNo: no[GONE] }, BOSS)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
})

test('auditLog: filters, newest first, paging; a manager sees their store only', async () => {
  const log = async (event: Record<string, unknown>, caller: string | undefined = BOSS) => ok(await env.admin({ action: 'auditLog', ...event }, caller))
  const reveals = await log({ auditAction: 'revealPhone' })
  expect(reveals.rows.length).toBeGreaterThanOrEqual(2)
  expect(reveals.rows.every((r: any) => r.action === 'revealPhone')).toBe(true)
  expect(reveals.next).toBeNull()
  const byActor = await log({ actor: SA })
  expect(byActor.rows.length).toBeGreaterThan(0)
  expect(byActor.rows.every((r: any) => r.actor === SA)).toBe(true)
  expect((await log({ target: no[M2] })).rows.every((r: any) => r.target === no[M2])).toBe(true)

  // paging: 1 row a page over the newest rows, strictly older each time, newest first overall
  await setClock(env.emu, null)
  for (let i = 0; i < 3; i++) {
    ok(await env.admin({ action: 'revealPhone', memberNo: no[M1], reason: `分页测试${i}` }, BOSS))
    await new Promise(r => setTimeout(r, 5))
  }
  const seen: string[] = []
  let before: string | undefined
  for (let page = 0; page < 3; page++) {
    const res = await log({ actor: BOSS, auditAction: 'revealPhone', limit: 1, ...(before ? { before } : {}) })
    expect(res.rows).toHaveLength(1)
    expect(res.next).toBe(`${res.rows[0].at}~${res.rows[0].id}`)
    if (before) expect(res.rows[0].at < before.split('~')[0]).toBe(true)
    seen.push(res.rows[0].after.reason)
    before = res.next
  }
  expect(seen).toEqual(['分页测试2', '分页测试1', '分页测试0'])

  // rows of the same millisecond (the clock stands still): each page continues after the last row, none skipped or repeated
  await setClock(env.emu, '2026-03-12T02:00:00.000Z')
  for (let i = 0; i < 3; i++) ok(await env.admin({ action: 'revealPhone', memberNo: no[M1], reason: `同一时刻${i}` }, BOSS))
  const sameInstant: string[] = []
  // a bare instant (older clients) starts the walk just after the three rows
  before = '2026-03-12T02:00:00.001Z'
  for (let page = 0; page < 2; page++) {
    const res = await log({ actor: BOSS, auditAction: 'revealPhone', limit: 2, before })
    sameInstant.push(...res.rows.filter((r: any) => r.at === '2026-03-12T02:00:00.000Z').map((r: any) => r.after.reason))
    before = res.next
  }
  expect(sameInstant.sort()).toEqual(['同一时刻0', '同一时刻1', '同一时刻2'])
  expect(await env.admin({ action: 'auditLog', before: 'yesterday' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  await setClock(env.emu, null)

  const mine = await log({}, MGR)
  expect(mine.rows.length).toBeGreaterThan(0)
  expect(mine.rows.every((r: any) => r.storeId === A)).toBe(true)
  expect((await log({ actor: SB }, MGR)).rows).toEqual([])
})

describe('the 360 actions by member number (adjustPoints, tagMembers, setMemberTier)', () => {
  const audits = async (action: string, target: string) => (await env.db.collection('audit_log').where({ action, target }).get()).data

  test('adjustPoints { memberNo }: the member by number, replay-safe per requestId, audited', async () => {
    const before = ok(await env.admin({ action: 'member360', memberNo: no[M3] }, BOSS)).points.balance
    const requestId = rid('conno')
    const first = ok(await env.admin({ action: 'adjustPoints', memberNo: no[M3], delta: 40, reason: '到店补偿', requestId }, BOSS))
    expect(first).toMatchObject({ openid: M3, delta: 40, balance: before + 40, replayed: false })
    // a retry with the same requestId, by number or by openid, books nothing twice
    expect(ok(await env.admin({ action: 'adjustPoints', memberNo: no[M3], delta: 40, reason: '到店补偿', requestId }, BOSS))).toMatchObject({ balance: before + 40, replayed: true })
    expect(ok(await env.admin({ action: 'adjustPoints', openid: M3, delta: 40, reason: '到店补偿', requestId }, BOSS))).toMatchObject({ replayed: true })
    expect(await env.admin({ action: 'adjustPoints', memberNo: no[M1], delta: 40, reason: '到店补偿', requestId }, BOSS)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    const spent = ok(await env.admin({ action: 'adjustPoints', memberNo: no[M3], delta: -15, reason: '兑换礼品', requestId: rid('conno') }, BOSS))
    expect(spent.balance).toBe(before + 25)
    expect(ok(await env.admin({ action: 'member360', memberNo: no[M3] }, BOSS)).points.balance).toBe(before + 25)
    const rows = await audits('adjustPoints', M3)
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ actor: BOSS, reason: '到店补偿', requestId, after: { points: before + 40 } })]))
    expect(rows.filter((r: any) => r.requestId === requestId)).toHaveLength(1)
  })

  test('unknown, deleted or malformed member numbers; both or neither of openid/memberNo', async () => {
    const adj = (e: Record<string, unknown>) => env.admin({ action: 'adjustPoints', delta: 5, reason: '测试原因', requestId: rid('conbad'), ...e }, BOSS)
    expect(await adj({ memberNo: '9999999999' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await adj({ memberNo: no[GONE] })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await adj({ memberNo: '12345' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await adj({ memberNo: no[M3], openid: M3 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await adj({})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await adj({ memberNo: no[M3], reason: '短'.slice(0, 1) })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })

    const tier = (e: Record<string, unknown>) => env.admin({ action: 'setMemberTier', mode: 'clear', reason: '测试原因', ...e }, BOSS)
    expect(await tier({ memberNo: '9999999999' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await tier({ memberNo: no[GONE] })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await tier({ memberNo: no[M3], openid: M3 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await tier({})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await tier({ memberNo: 'abc' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })

    const tag = (e: Record<string, unknown>) => env.admin({ action: 'tagMembers', add: ['测试'], ...e }, BOSS)
    expect(await tag({})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await tag({ memberNos: ['12'] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await tag({ memberNos: Array.from({ length: 600 }, (_x, i) => String(2000000000 + i)), openids: Array.from({ length: 600 }, (_x, i) => `o_x_${i}`) })).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
    })
    // bulk: an unknown or deleted number is listed in `missing`, the others are tagged
    expect(ok(await tag({ memberNos: ['9999999999', no[GONE]], dryRun: true }))).toEqual({ dryRun: true, updated: 0, unchanged: 0, missing: ['9999999999', no[GONE]] })
  })

  test('tagMembers { memberNos }: add and remove manual tags, audited, the 360 shows them', async () => {
    expect(ok(await env.admin({ action: 'tagMembers', memberNos: [no[M3]], add: ['大客户', '咖啡控'] }, BOSS))).toEqual({ dryRun: false, updated: 1, unchanged: 0, missing: [] })
    // the same member by openid and by number counts once
    expect(ok(await env.admin({ action: 'tagMembers', openids: [M3], memberNos: [no[M3]], add: ['大客户'] }, BOSS))).toEqual({ dryRun: false, updated: 0, unchanged: 1, missing: [] })
    let view = ok(await env.admin({ action: 'member360', memberNo: no[M3] }, BOSS))
    expect(view.manualTags).toEqual(expect.arrayContaining(['大客户', '咖啡控']))
    expect(view.tags).toEqual(expect.arrayContaining(['大客户', '咖啡控']))
    ok(await env.admin({ action: 'tagMembers', memberNos: [no[M3]], remove: ['咖啡控'] }, BOSS))
    view = ok(await env.admin({ action: 'member360', memberNo: no[M3] }, BOSS))
    expect(view.manualTags).toContain('大客户')
    expect(view.manualTags).not.toContain('咖啡控')
    const rows = await audits('tagMembers', M3)
    expect(rows.some((r: any) => r.actor === BOSS && r.after.manualTags.includes('咖啡控'))).toBe(true)
    expect(rows.some((r: any) => r.actor === BOSS && r.before.manualTags.includes('咖啡控') && !r.after.manualTags.includes('咖啡控'))).toBe(true)
  })

  test('setMemberTier { memberNo }: a floor until a date shows in the 360, clear removes it; audited', async () => {
    const { rules: ladder } = ok(await env.admin({ action: 'getTierLadder' }, BOSS))
    const top = ladder.tiers[ladder.tiers.length - 1]
    const until = '2099-12-31T23:59:59+08:00'
    expect(ok(await env.admin({ action: 'setMemberTier', memberNo: no[M3], mode: 'floor', tierId: top.tierId, until, reason: '大客户协议' }, BOSS))).toMatchObject({
      openid: M3,
      tierId: top.tierId,
      tierName: top.name,
    })
    let view = ok(await env.admin({ action: 'member360', memberNo: no[M3] }, BOSS))
    expect(view.tier.tierId).toBe(top.tierId)
    expect(view.tierManual).toEqual({ tierId: top.tierId, tierName: top.name, mode: 'floor', until: new Date(until).toISOString(), reason: '大客户协议' })
    expect(await env.admin({ action: 'setMemberTier', memberNo: no[M3], mode: 'floor', tierId: 'no_such_tier', reason: '大客户协议' }, BOSS)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    ok(await env.admin({ action: 'setMemberTier', memberNo: no[M3], mode: 'clear', reason: '协议结束' }, BOSS))
    view = ok(await env.admin({ action: 'member360', memberNo: no[M3] }, BOSS))
    expect(view.tierManual).toBeNull()
    const rows = await audits('setMemberTier', M3)
    expect(rows.some((r: any) => r.actor === BOSS && r.reason === '大客户协议' && r.after.manual.tierId === top.tierId)).toBe(true)
    expect(rows.some((r: any) => r.reason === '协议结束' && r.after.manual === null)).toBe(true)
    // the 360's audit trail lists them (its rows are targeted by openid or member number)
    expect(view.audit.map((a: any) => a.action)).toEqual(expect.arrayContaining(['setMemberTier', 'tagMembers', 'adjustPoints']))
  })
})
