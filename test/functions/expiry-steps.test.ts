/**
 * The daily expiries in bounded steps (issue 15): `admin.expirePoints` and `admin.expireCoupons` do at
 * most `limit` members / coupons per call, a next call goes on (`more`), and two runs at once handle
 * each member or coupon exactly once.
 */
import { useEmulator, memberDoc, ledgerRows, writeMemberWithBatches, monthsAgo } from './support'

const env = useEmulator()
const MEMBERS = 12
const ids = Array.from({ length: MEMBERS }, (_x, i) => `o_exp_step_${String(i).padStart(2, '0')}`)

describe('expirePoints in steps', () => {
  beforeAll(async () => {
    for (const [i, id] of ids.entries()) {
      await writeMemberWithBatches(env, id, String(1000001000 + i), [
        { id: `exp_step_old_${i}`, earnedAt: monthsAgo(14), amount: 10 + i },
        { id: `exp_step_new_${i}`, earnedAt: monthsAgo(1), amount: 5 },
      ])
    }
    // a due batch with nothing left books no row, but it must leave the member (or every call would find them again)
    await writeMemberWithBatches(env, 'o_exp_step_spent', '1000001999', [{ id: 'exp_step_spent', earnedAt: monthsAgo(14), amount: 7, remaining: 0 }])
  }, 60_000)

  const duePoints = ids.reduce((s, _id, i) => s + 10 + i, 0)

  test('dryRun counts everything due in one call and writes nothing', async () => {
    expect(await env.admin({ action: 'expirePoints', dryRun: true })).toEqual({ ok: true, data: { dryRun: true, members: MEMBERS, rows: MEMBERS, points: duePoints, more: false } })
    expect((await memberDoc(env, ids[0])).points).toBe(15)
  })

  test('two runs at once, then further calls while `more`: every member expired exactly once', async () => {
    const calls = await Promise.all([env.admin({ action: 'expirePoints', limit: 5 }), env.admin({ action: 'expirePoints', limit: 5 })])
    for (const c of calls) expect(c).toMatchObject({ ok: true, data: { dryRun: false, more: true } })
    let next = await env.admin({ action: 'expirePoints', limit: 5 })
    calls.push(next)
    for (let i = 0; next.data.more && i < 10; i++) calls.push((next = await env.admin({ action: 'expirePoints', limit: 5 })))
    expect(next.data.more).toBe(false)
    // one step is at most `limit` members
    for (const c of calls) expect(c.data.members).toBeLessThanOrEqual(5)
    const sum = (k: 'members' | 'rows' | 'points') => calls.reduce((s, c) => s + c.data[k], 0)
    expect({ members: sum('members'), rows: sum('rows'), points: sum('points') }).toEqual({ members: MEMBERS, rows: MEMBERS, points: duePoints })
    for (const [i, id] of ids.entries()) {
      const m = await memberDoc(env, id)
      expect({ id, points: m.points, batches: m.pointBatches.map((b: any) => b.batchId) }).toEqual({ id, points: 5, batches: [`exp_step_new_${i}`] })
      const expired = (await ledgerRows(env, id)).filter(r => r.kind === 'expire')
      expect(expired).toEqual([expect.objectContaining({ _id: `expire:exp_step_old_${i}`, delta: -(10 + i), balanceAfter: 5 })])
    }
    expect((await memberDoc(env, 'o_exp_step_spent')).pointBatches).toEqual([])
    expect(await env.admin({ action: 'expirePoints', dryRun: true })).toEqual({ ok: true, data: { dryRun: true, members: 0, rows: 0, points: 0, more: false } })
    // every call that expired someone left its audit entry
    const trail = (await env.db.collection('audit_log').where({ action: 'expirePoints' }).limit(100).get()).data
    expect(trail).toHaveLength(calls.length)
    expect(trail.reduce((s: number, a: any) => s + a.after.members, 0)).toBe(MEMBERS)
  })
})

describe('expireCoupons in steps', () => {
  const DUE = 23
  beforeAll(async () => {
    const now = Date.now()
    const coupons = env.db.collection('coupons')
    const base = { templateId: 'exp_step_tpl', type: 'cash', validFrom: new Date(now - 30 * 86_400_000), issuedAt: new Date(now - 30 * 86_400_000) }
    for (let i = 0; i < DUE; i++) {
      await coupons.add({ data: { _id: `exp_step_due_${i}`, memberId: ids[i % MEMBERS], status: 'available', validUntil: new Date(now - (i + 1) * 3_600_000), ...base } })
    }
    await coupons.add({ data: { _id: 'exp_step_valid', memberId: ids[0], status: 'available', validUntil: new Date(now + 86_400_000), ...base } })
    await coupons.add({ data: { _id: 'exp_step_used', memberId: ids[0], status: 'used', validUntil: new Date(now - 3_600_000), ...base } })
  }, 60_000)

  test('two runs at once, then further calls while `more`: every due coupon marked exactly once, nothing else', async () => {
    expect(await env.admin({ action: 'expireCoupons', dryRun: true })).toEqual({ ok: true, data: { dryRun: true, marked: DUE, more: false } })
    const calls = await Promise.all([env.admin({ action: 'expireCoupons', limit: 7 }), env.admin({ action: 'expireCoupons', limit: 7 })])
    for (const c of calls) expect(c).toMatchObject({ ok: true, data: { dryRun: false, more: true } })
    let next = await env.admin({ action: 'expireCoupons', limit: 7 })
    calls.push(next)
    for (let i = 0; next.data.more && i < 10; i++) calls.push((next = await env.admin({ action: 'expireCoupons', limit: 7 })))
    expect(next.data.more).toBe(false)
    for (const c of calls) expect(c.data.marked).toBeLessThanOrEqual(7)
    expect(calls.reduce((s, c) => s + c.data.marked, 0)).toBe(DUE)
    const { data } = await env.db.collection('coupons').where({ templateId: 'exp_step_tpl' }).limit(100).get()
    const status = Object.fromEntries(data.map((c: any) => [c._id, c.status]))
    for (let i = 0; i < DUE; i++) expect(status[`exp_step_due_${i}`]).toBe('expired')
    expect(status).toMatchObject({ exp_step_valid: 'available', exp_step_used: 'used' })
  })

  test('dailyJobs reports whether a next call is needed', async () => {
    const res = await env.admin({ action: 'dailyJobs' })
    expect(res).toMatchObject({ ok: true, data: { more: false, expirePoints: { members: 0, more: false }, expireCoupons: { marked: 0, more: false } } })
  })
})
