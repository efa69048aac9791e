/** Shared set-up for the function tests: an emulator per file, callers, members with codes, the ledger invariant. */
import { memberCode } from '../../domain/member-code'
import { expiryFor } from '../../domain/points'
import { startEmulator, sdkFor, invoke, deployCollections, type RunningEmulator } from '../../scripts/emulator-process'

export interface Env {
  emu: RunningEmulator
  db: any
  _: any
  member(event: unknown, openid?: string): Promise<any>
  staff(event: unknown, openid?: string): Promise<any>
  admin(event: unknown, openid?: string): Promise<any>
}

/**
 * Starts an emulator for the file (beforeAll/afterAll registered here) and returns the handles, filled
 * in before the tests run. At the end of the file the ledger invariant is checked for every member.
 */
export function useEmulator(): Env {
  const env = {} as Env
  beforeAll(async () => {
    env.emu = await startEmulator({ args: ['--no-timers'] })
    await deployCollections(env.emu)
    env.db = sdkFor(env.emu).database()
    env._ = env.db.command
    env.member = (event, openid) => invoke(env.emu, 'member', event, openid)
    env.staff = (event, openid) => invoke(env.emu, 'staff', event, openid)
    env.admin = (event, openid) => invoke(env.emu, 'admin', event, openid)
  }, 60_000)
  afterAll(async () => {
    try {
      if (env.db) await expectAll([() => expectFunctionQueriesIndexed(env), () => expectLedgerInvariant(env)])
    } finally {
      await env.emu?.stop()
    }
  }, 60_000)
  return env
}

/** Runs every check, then fails with the first failure (so one failing check does not hide another). */
async function expectAll(checks: Array<() => Promise<unknown>>): Promise<void> {
  const failures: unknown[] = []
  for (const check of checks) await check().catch(err => failures.push(err))
  if (failures.length) throw failures[0]
}

/**
 * Collections that stay small whatever the number of members or purchases (rule documents, the
 * brand's stores and staff roles, its coupon templates, segments, campaigns and API keys): a scan of
 * them costs the same at any size. Everything else grows with members, purchases or time, including
 * products (a catalog can hold tens of thousands of SKUs) and jobs (shards per daily run).
 */
export const SMALL_COLLECTIONS: ReadonlySet<string> = new Set(['settings', 'tiers_config', 'stores', 'admins', 'managers', 'coupon_templates', 'segments', 'campaigns', 'api_keys'])

/**
 * The emulator classifies every query (GET /stats `unindexed`, docs/emulator.md); a query a function
 * sent to a growing collection without an index fails the file, listing the shapes. Queries from the
 * test itself (`outside`) are not the functions' and are not checked.
 */
export async function expectFunctionQueriesIndexed(env: Env): Promise<void> {
  const res = await fetch(`${env.emu.baseUrl}/stats`)
  const { unindexed } = (await res.json()) as { unindexed: Array<{ collection: string; shape: string; caller: string; count: number }> }
  const offending = unindexed.filter(e => e.caller !== 'outside' && e.caller !== 'emulator' && !SMALL_COLLECTIONS.has(e.collection))
  expect(offending.map(e => `${e.collection}: ${e.shape} (${e.count}× from ${e.caller}); add its index to deploy/indexes.ts`)).toEqual([])
}

let seq = 0
/** A request id unique within the run (8–64 chars of [\w-]). */
export const rid = (label = 'req') => `${label}-${Date.now().toString(36)}-${(++seq).toString(36)}`

/** Signs a member up through `member.login`; returns the profile. */
export async function signUp(env: Env, openid: string): Promise<any> {
  const res = await env.member({ action: 'login' }, openid)
  if (!res.ok) throw new Error(`login ${openid}: ${JSON.stringify(res)}`)
  return res.data.member
}

/**
 * The member agrees to the current 用户隐私保护指引, as the app asks before phone binding and a new
 * avatar or nickname (refused with PRIVACY_CONSENT_REQUIRED without it). Works with a member or a
 * `member` function invoker (a test holding its own emulator).
 */
export async function agreePrivacy(env: Pick<Env, 'member'>, openid: string): Promise<void> {
  const guide = await env.member({ action: 'privacyPolicy' }, openid)
  if (!guide.ok) throw new Error(`privacyPolicy ${openid}: ${JSON.stringify(guide)}`)
  const res = await env.member({ action: 'agreePrivacy', version: guide.data.policy.version }, openid)
  if (!res.ok) throw new Error(`agreePrivacy ${openid}: ${JSON.stringify(res)}`)
}

/** signUp, then agreePrivacy: a member who went through the app's consent dialog (phone binding, avatar and nickname need it). */
export async function signUpAgreeing(env: Env, openid: string): Promise<any> {
  await signUp(env, openid)
  await agreePrivacy(env, openid)
  return (await env.member({ action: 'getProfile' }, openid)).data.member
}

/** A store and an active staff member in it (signed up as a member first, appointed by the console). */
export async function makeStaff(env: Env, openid: string, storeId = 'store_a', name = '店员'): Promise<void> {
  await signUp(env, openid)
  const store = await env.admin({ action: 'upsertStore', storeId, name: `门店 ${storeId}` })
  if (!store.ok) throw new Error(JSON.stringify(store))
  const res = await env.admin({ action: 'appointStaff', openid, storeId, name })
  if (!res.ok && res.code !== 'ALREADY_EXISTS') throw new Error(JSON.stringify(res))
}

/** The member's code at `at` (default now), made as the member's device does: from the key getCodeKey delivers. */
export async function codeOf(env: Env, openid: string, at = new Date()): Promise<{ code: string; memberNo: string; key: string }> {
  const res = await env.member({ action: 'getCodeKey' }, openid)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return { code: memberCode(res.data.key, res.data.memberNo, at), memberNo: res.data.memberNo, key: res.data.key }
}

export async function memberDoc(env: Env, openid: string): Promise<any> {
  const { data } = await env.db.collection('members').where({ _id: openid }).get()
  return data[0]
}

export async function ledgerRows(env: Env, memberId: string): Promise<any[]> {
  const out: any[] = []
  for (let offset = 0; ; offset += 1000) {
    const { data } = await env.db.collection('points_ledger').where({ memberId }).orderBy('_id', 'asc').skip(offset).limit(1000).get()
    out.push(...data)
    if (data.length < 1000) return out
  }
}

/**
 * The ledger invariant for every member: `points == sum(ledger deltas) == sum(batches.remaining)`,
 * no negative balance or batch. Returns the members checked.
 */
export async function expectLedgerInvariant(env: Env): Promise<number> {
  const members: any[] = []
  for (let offset = 0; ; offset += 1000) {
    const { data } = await env.db.collection('members').orderBy('_id', 'asc').skip(offset).limit(1000).get()
    members.push(...data)
    if (data.length < 1000) break
  }
  const problems: string[] = []
  for (const m of members) {
    const rows = await ledgerRows(env, m._id)
    const ledger = rows.reduce((s, r) => s + r.delta, 0)
    const batches = (m.pointBatches ?? []).reduce((s: number, b: any) => s + b.remaining, 0)
    if (m.points !== ledger || m.points !== batches || m.points < 0 || (m.pointBatches ?? []).some((b: any) => b.remaining <= 0)) {
      problems.push(`${m._id}: points ${m.points}, ledger ${ledger}, batches ${batches}`)
    }
  }
  expect(problems).toEqual([])
  return members.length
}

/**
 * Writes a member whose wallet holds the given batches, with the `earn` (or `adjust`) ledger rows that
 * explain them — as if earned long ago — so the invariant holds. Batches may already be past expiry.
 */
export async function writeMemberWithBatches(
  env: Env,
  openid: string,
  memberNo: string,
  batches: Array<{ id: string; earnedAt: Date; amount: number; remaining?: number; expiryMonths?: number }>,
): Promise<void> {
  const now = new Date()
  const pointBatches = []
  let balance = 0
  let seqNo = 0
  for (const b of batches) {
    balance += b.amount
    await env.db.collection('points_ledger').add({
      data: {
        _id: `earn:import:${b.id}`,
        memberId: openid,
        delta: b.amount,
        kind: 'earn',
        sourceType: 'import',
        sourceId: b.id,
        batchId: b.id,
        balanceAfter: balance,
        seq: seqNo++,
        createdAt: b.earnedAt,
        operator: 'test',
      },
    })
    const remaining = b.remaining ?? b.amount
    if (remaining < b.amount) {
      // what was used of the batch, as a spend row
      balance -= b.amount - remaining
      await env.db.collection('points_ledger').add({
        data: {
          _id: `spend:exchange:${b.id}`,
          memberId: openid,
          delta: remaining - b.amount,
          kind: 'spend',
          sourceType: 'exchange',
          sourceId: b.id,
          batchId: null,
          consumed: [{ batchId: b.id, amount: b.amount - remaining }],
          balanceAfter: balance,
          seq: seqNo++,
          createdAt: b.earnedAt,
          operator: 'test',
        },
      })
    }
    if (remaining > 0) pointBatches.push({ batchId: b.id, earnedAt: b.earnedAt, expiresAt: expiryFor(b.earnedAt, b.expiryMonths ?? 12), remaining, sourceType: 'import', sourceId: b.id })
  }
  await env.db.collection('members').add({
    data: {
      _id: openid,
      openid,
      memberNo,
      nickname: '导入会员',
      avatarFileId: null,
      birthday: null,
      gender: 'unknown',
      phone: null,
      points: balance,
      pointBatches,
      codeKeyVersion: 1,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: now,
    },
  })
}

export const monthsAgo = (n: number, from = new Date()) => {
  const d = new Date(from)
  d.setUTCMonth(d.getUTCMonth() - n)
  return d
}
