/** The `admin` function's store, staff, rules, adjustment and expiry actions on the emulator. */
import { ADMIN_ACTION_DOCS } from '../../types/admin'
import { DEFAULT_POINT_RULES } from '../../types/points'
import { useEmulator, signUp, memberDoc, ledgerRows, writeMemberWithBatches, monthsAgo, rid } from './support'

const env = useEmulator()
const CONSUMER = 'o_admin_consumer'
const BOSS = 'o_admin_boss'

beforeAll(async () => {
  await signUp(env, CONSUMER)
  await env.db.collection('admins').add({ data: { _id: BOSS, name: 'boss' } })
}, 60_000)

const audits = async (action: string, target?: string): Promise<any[]> =>
  (
    await env.db
      .collection('audit_log')
      .where({ action, ...(target ? { target } : {}) })
      .get()
  ).data

describe('who may call', () => {
  const examples = Object.values(ADMIN_ACTION_DOCS).map(d => d.example)
  test.each(examples)('a plain consumer gets PERMISSION_DENIED: $action', async event => {
    expect(await env.admin(event, CONSUMER)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
  test('a timer-shaped event from a consumer is still a consumer', async () => {
    expect(await env.admin({ Type: 'Timer', TriggerName: 'expirePoints' }, CONSUMER)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
  test('an OPENID on the admins list may call; its OPENID is the audit actor', async () => {
    expect(await env.admin({ action: 'upsertStore', storeId: 'store_boss', name: '老板店' }, BOSS)).toMatchObject({ ok: true, data: { created: true } })
    expect(await audits('upsertStore', 'store_boss')).toEqual([expect.objectContaining({ actor: BOSS, before: null, after: expect.objectContaining({ name: '老板店' }) })])
  })
})

describe('bad input', () => {
  test.each([
    ['upsertStore with a bad storeId', { action: 'upsertStore', storeId: 'a b', name: 'x' }],
    ['upsertStore without name', { action: 'upsertStore', storeId: 's1' }],
    ['appointStaff without storeId', { action: 'appointStaff', openid: 'o_x', name: 'x' }],
    ['appointStaff with a long name', { action: 'appointStaff', openid: 'o_x', storeId: 's1', name: '一'.repeat(21) }],
    ['removeStaff without openid', { action: 'removeStaff' }],
    ['listStaff with a bad storeId', { action: 'listStaff', storeId: '$where' }],
    ['getPointRules with extras', { action: 'getPointRules', x: 1 }],
    ['setPointRules without rules', { action: 'setPointRules' }],
    ['setPointRules with a negative rate', { action: 'setPointRules', rules: { ...DEFAULT_POINT_RULES, pointsPerYuan: -1 } }],
    ['setPointRules with an unknown rounding', { action: 'setPointRules', rules: { ...DEFAULT_POINT_RULES, rounding: 'bankers' } }],
    [
      'setPointRules with a promotion ending before it starts',
      { action: 'setPointRules', rules: { ...DEFAULT_POINT_RULES, promotions: [{ name: 'x', start: '2026-01-02T00:00:00+08:00', end: '2026-01-01T00:00:00+08:00', multiplier: 2 }] } },
    ],
    ['setPointRules with a dotted category key', { action: 'setPointRules', rules: { ...DEFAULT_POINT_RULES, categoryMultipliers: { 'a.b': 2 } } }],
    ['adjustPoints with delta 0', { action: 'adjustPoints', openid: 'o_x', delta: 0, reason: '测试原因', requestId: 'adj-bad-0001' }],
    ['adjustPoints with a fractional delta', { action: 'adjustPoints', openid: 'o_x', delta: 1.5, reason: '测试原因', requestId: 'adj-bad-0002' }],
    ['adjustPoints without reason', { action: 'adjustPoints', openid: 'o_x', delta: 5, requestId: 'adj-bad-0003' }],
    ['adjustPoints without requestId', { action: 'adjustPoints', openid: 'o_x', delta: 5, reason: '测试原因' }],
    ['expirePoints with a string dryRun', { action: 'expirePoints', dryRun: 'yes' }],
  ])('%s → INVALID_ARGUMENT', async (_label, event) => {
    expect(await env.admin(event)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

describe('stores and staff', () => {
  test('upsertStore creates, then updates (audited with before/after)', async () => {
    expect(await env.admin({ action: 'upsertStore', storeId: 'store_x', name: '徐汇店', city: '上海' })).toMatchObject({
      ok: true,
      data: { created: true, store: { storeId: 'store_x', name: '徐汇店', city: '上海' } },
    })
    expect(await env.admin({ action: 'upsertStore', storeId: 'store_x', name: '徐汇旗舰店' })).toMatchObject({ ok: true, data: { created: false, store: { name: '徐汇旗舰店', city: '上海' } } })
    const rows = await audits('upsertStore', 'store_x')
    expect(rows).toHaveLength(2)
    expect(rows.map(r => r.actor)).toEqual(['console', 'console'])
    expect(rows.find(r => r.before)?.before).toMatchObject({ name: '徐汇店' })
  })

  test('appointStaff: must be a signed-up member and an existing store; twice is ALREADY_EXISTS; removeStaff deactivates', async () => {
    expect(await env.admin({ action: 'appointStaff', openid: 'o_never_seen', storeId: 'store_x', name: '新人' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    await signUp(env, 'o_new_staff')
    expect(await env.admin({ action: 'appointStaff', openid: 'o_new_staff', storeId: 'store_nowhere', name: '新人' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.staff({ action: 'me' }, 'o_new_staff')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.admin({ action: 'appointStaff', openid: 'o_new_staff', storeId: 'store_x', name: '新人' })).toMatchObject({
      ok: true,
      data: { staff: { openid: 'o_new_staff', storeId: 'store_x', active: true } },
    })
    expect(await env.staff({ action: 'me' }, 'o_new_staff')).toMatchObject({ ok: true, data: { storeId: 'store_x', storeName: '徐汇旗舰店' } })
    expect(await env.admin({ action: 'appointStaff', openid: 'o_new_staff', storeId: 'store_x', name: '新人' })).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    expect(await audits('appointStaff', 'o_new_staff')).toHaveLength(1)

    expect(await env.admin({ action: 'listStaff', storeId: 'store_x' })).toMatchObject({ ok: true, data: { staff: [{ openid: 'o_new_staff', active: true }] } })
    expect(await env.admin({ action: 'removeStaff', openid: 'o_new_staff' })).toMatchObject({ ok: true, data: { changed: true, staff: { active: false } } })
    expect(await env.admin({ action: 'removeStaff', openid: 'o_new_staff' })).toMatchObject({ ok: true, data: { changed: false } })
    expect(await env.staff({ action: 'me' }, 'o_new_staff')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await audits('removeStaff', 'o_new_staff')).toEqual([expect.objectContaining({ actor: 'console', before: { active: true }, after: { active: false } })])
    expect(await env.admin({ action: 'removeStaff', openid: 'o_not_staff' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })

    // re-appointed later (another store): active again
    await env.admin({ action: 'upsertStore', storeId: 'store_y', name: '浦东店' })
    expect(await env.admin({ action: 'appointStaff', openid: 'o_new_staff', storeId: 'store_y', name: '新人' })).toMatchObject({ ok: true })
    expect(await env.staff({ action: 'me' }, 'o_new_staff')).toMatchObject({ ok: true, data: { storeId: 'store_y' } })
    const all = await env.admin({ action: 'listStaff' })
    expect(all.data.staff.map((s: any) => s.openid)).toContain('o_new_staff')
    expect((await env.admin({ action: 'listStaff', storeId: 'store_x' })).data.staff).toEqual([])
  })
})

describe('point rules', () => {
  test('defaults until set; set is audited with before/after; a later set replaces the whole rules', async () => {
    expect(await env.admin({ action: 'getPointRules' })).toEqual({ ok: true, data: { rules: DEFAULT_POINT_RULES, isDefault: true, updatedAt: null } })
    const rules = { ...DEFAULT_POINT_RULES, storeMultipliers: { store_x: 1.5 }, categoryMultipliers: { coffee: 2 } }
    expect(await env.admin({ action: 'setPointRules', rules })).toMatchObject({ ok: true })
    expect(await env.admin({ action: 'getPointRules' })).toMatchObject({ ok: true, data: { rules, isDefault: false } })
    const next = { ...DEFAULT_POINT_RULES, pointsPerYuan: 2, categoryMultipliers: { tea: 3 } }
    expect(await env.admin({ action: 'setPointRules', rules: next }, BOSS)).toMatchObject({ ok: true })
    expect((await env.admin({ action: 'getPointRules' })).data.rules).toEqual(next)
    const rows = (await audits('setPointRules')).sort((a, b) => a.at - b.at)
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({ actor: 'console', before: null, after: rules })
    expect(rows[1]).toMatchObject({ actor: BOSS, before: rules, after: next })
    await env.admin({ action: 'setPointRules', rules: DEFAULT_POINT_RULES })
  })
})

describe('adjustPoints', () => {
  test('positive then negative, with reason and audit; idempotent per requestId; below available is INSUFFICIENT_POINTS', async () => {
    const M = 'o_adjust_1'
    await signUp(env, M)
    const up = rid('adj')
    expect(await env.admin({ action: 'adjustPoints', openid: M, delta: 300, reason: '客诉补偿', requestId: up })).toMatchObject({ ok: true, data: { balance: 300, replayed: false } })
    expect(await env.admin({ action: 'adjustPoints', openid: M, delta: 300, reason: '客诉补偿', requestId: up })).toMatchObject({ ok: true, data: { balance: 300, replayed: true } })
    expect(await env.admin({ action: 'adjustPoints', openid: M, delta: 999, reason: '客诉补偿', requestId: up })).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    expect(await env.admin({ action: 'adjustPoints', openid: M, delta: -301, reason: '误发扣回', requestId: rid('adj') })).toMatchObject({ ok: false, code: 'INSUFFICIENT_POINTS' })
    expect(await env.admin({ action: 'adjustPoints', openid: M, delta: -120, reason: '误发扣回', requestId: rid('adj') }, BOSS)).toMatchObject({ ok: true, data: { balance: 180 } })
    const rows = await ledgerRows(env, M)
    expect(rows.map(r => [r.kind, r.delta, r.reason]).sort()).toEqual([
      ['adjust', -120, '误发扣回'],
      ['adjust', 300, '客诉补偿'],
    ])
    expect(rows.find(r => r.delta === -120)).toMatchObject({ operator: BOSS })
    const trail = await audits('adjustPoints', M)
    expect(trail).toHaveLength(2)
    expect(trail.find(a => a.actor === BOSS)).toMatchObject({ reason: '误发扣回', before: { points: 300 }, after: { points: 180 } })
    expect(await env.admin({ action: 'adjustPoints', openid: 'o_ghost', delta: 5, reason: '测试原因', requestId: rid('adj') })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })

  test('50 parallel deductions that together exceed the balance never drive it negative', async () => {
    const M = 'o_adjust_50'
    await signUp(env, M)
    expect(await env.admin({ action: 'adjustPoints', openid: M, delta: 1_000, reason: '初始积分', requestId: rid('seed') })).toMatchObject({ ok: true })
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => env.admin({ action: 'adjustPoints', openid: M, delta: -30, reason: '并发扣减', requestId: `par-${i}-${rid('x')}` })))
    const codes = results.map(r => (r.ok ? 'ok' : r.code))
    expect(codes.filter(c => c !== 'ok' && c !== 'INSUFFICIENT_POINTS')).toEqual([])
    const succeeded = codes.filter(c => c === 'ok').length
    expect(succeeded).toBe(33) // floor(1000 / 30)
    const member = await memberDoc(env, M)
    expect(member.points).toBe(1_000 - 30 * succeeded)
    expect(member.points).toBeGreaterThanOrEqual(0)
    const rows = await ledgerRows(env, M)
    expect(rows.reduce((s, r) => s + r.delta, 0)).toBe(member.points)
    expect(rows.every(r => r.balanceAfter >= 0)).toBe(true)
  }, 60_000)
})

describe('expirePoints', () => {
  const M = 'o_expiring'
  beforeAll(async () => {
    // one batch expired with 40 of 100 left, one expired and fully spent, one current
    await writeMemberWithBatches(env, M, '1000000777', [
      { id: 'imp_old_1', earnedAt: monthsAgo(15), amount: 100, remaining: 40 },
      { id: 'imp_old_2', earnedAt: monthsAgo(14), amount: 50, remaining: 0 },
      { id: 'imp_new', earnedAt: monthsAgo(1), amount: 70 },
    ])
    await writeMemberWithBatches(env, 'o_not_expiring', '1000000778', [{ id: 'imp_fresh', earnedAt: monthsAgo(2), amount: 10 }])
  })

  test('dryRun counts without writing', async () => {
    const res = await env.admin({ action: 'expirePoints', dryRun: true })
    expect(res).toEqual({ ok: true, data: { dryRun: true, members: 1, rows: 1, points: 40, more: false } })
    expect((await memberDoc(env, M)).points).toBe(110)
  })

  test('writes expire rows only for what is left; a rerun writes nothing; the daily timer event runs it', async () => {
    // rate-limit counters: one whose window has passed (removed by the daily job), one still running (kept)
    await env.db.collection('rate_limits').add({ data: { _id: 'track:o_old:2020-01-01T00:00', calls: 3, expiresAt: new Date('2020-01-01T01:01:00Z') } })
    await env.db.collection('rate_limits').add({ data: { _id: 'track:o_now:future', calls: 1, expiresAt: new Date(Date.now() + 3_600_000) } })
    const res = await env.admin({ Type: 'Timer', TriggerName: 'dailyJobs', Time: new Date().toISOString(), Message: '' })
    expect(res).toMatchObject({ ok: true, data: { expirePoints: { dryRun: false, members: 1, rows: 1, points: 40, more: false }, expireCoupons: { dryRun: false } } })
    expect(res.data.rateLimits.removed).toBeGreaterThanOrEqual(1)
    expect(
      (
        await env.db
          .collection('rate_limits')
          .where({ _id: env._.in(['track:o_old:2020-01-01T00:00', 'track:o_now:future']) })
          .get()
      ).data.map((r: any) => r._id),
    ).toEqual(['track:o_now:future'])
    const rows = await ledgerRows(env, M)
    expect(rows.filter(r => r.kind === 'expire')).toEqual([
      expect.objectContaining({ _id: 'expire:imp_old_1', delta: -40, sourceType: 'expiry', batchId: 'imp_old_1', balanceAfter: 70, operator: 'system' }),
    ])
    const member = await memberDoc(env, M)
    expect(member.points).toBe(70)
    expect(member.pointBatches.map((b: any) => b.batchId)).toEqual(['imp_new'])
    expect(await env.admin({ action: 'expirePoints' })).toEqual({ ok: true, data: { dryRun: false, members: 0, rows: 0, points: 0, more: false } })
    expect((await memberDoc(env, 'o_not_expiring')).points).toBe(10)
    const trail = await audits('expirePoints')
    expect(trail).toHaveLength(2)
    expect(trail.some(a => a.actor === 'console' && a.after.points === 40)).toBe(true)
  })

  test('the timer ticks all night: the pending-order sweep runs once a day on them, every time by hand', async () => {
    const tick = () => env.admin({ Type: 'Timer', TriggerName: 'dailyJobs', Time: new Date().toISOString(), Message: '' })
    // today's sweep is complete after this tick (or an earlier one): the next ticks skip it
    expect(await tick()).toMatchObject({ ok: true })
    expect(await tick()).toMatchObject({ ok: true, data: { orders: { swept: false, credited: 0 } } })
    expect(await env.admin({ action: 'dailyJobs' })).toMatchObject({ ok: true, data: { orders: { swept: true } } })
    const day = (await env.db.collection('jobs').doc('orders-sweep').get()).data.day
    await env.db
      .collection('jobs')
      .doc('orders-sweep')
      .update({ data: { day: '2000-01-01' } })
    expect(await tick()).toMatchObject({ ok: true, data: { orders: { swept: true } } })
    expect((await env.db.collection('jobs').doc('orders-sweep').get()).data.day).toBe(day)
  })

  test('the one timer trigger CloudBase allows per function is declared in config.json', () => {
    const config = require('../../cloudfunctions/admin/config.json')
    expect(config.triggers).toEqual([{ name: 'dailyJobs', type: 'timer', config: '0 */10 3-5 * * * *' }])
  })
})
