/** One-time tasks and invitations through the SDK on the emulator (rules: domain/tasks.ts, shared/referrals.ts). */
import { DEFAULT_TASK_RULES, type TaskRules } from '../../types/tasks'
import { useEmulator, signUp, makeStaff, memberDoc, ledgerRows, rid, agreePrivacy } from './support'

const env = useEmulator()
const STAFF = 'o_task_staff'

const setTaskRules = async (rules: TaskRules) => expect(await env.admin({ action: 'setTaskRules', rules })).toMatchObject({ ok: true })
const claim = (openid: string, taskId: string) => env.member({ action: 'claimTaskReward', taskId }, openid)
const tasksOf = async (openid: string) => {
  const res = await env.member({ action: 'tasks' }, openid)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return Object.fromEntries(res.data.tasks.map((t: any) => [t.taskId, t]))
}
const buy = async (openid: string, amountFen = 10_000) => {
  const { memberNo } = await memberDoc(env, openid)
  const res = await env.staff({ action: 'recordPurchase', requestId: rid('p'), member: { memberNo }, amountFen }, STAFF)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const login = (openid: string, inviteCode?: string) => env.member({ action: 'login', ...(inviteCode ? { inviteCode } : {}) }, openid)
const inviteOf = async (openid: string) => (await env.db.collection('invites').where({ _id: openid }).get()).data[0]
const completeProfile = async (openid: string) => {
  const patch = { nickname: '小林', birthday: '1990-05-01', gender: 'female', avatarFileId: `cloud://env.bucket/avatars/${openid}/a.png` }
  await agreePrivacy(env, openid)
  expect(await env.member({ action: 'updateProfile', patch }, openid)).toMatchObject({ ok: true })
}

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_tasks', '任务店员')
  await setTaskRules(DEFAULT_TASK_RULES)
}, 60_000)

describe('tasks', () => {
  test('progress tells what is missing; each task rewards once', async () => {
    const M = 'o_task_1'
    await signUp(env, M)
    const before = await tasksOf(M)
    expect(Object.keys(before).sort()).toEqual(['bind_phone', 'complete_profile', 'first_checkin', 'first_purchase'])
    expect(before.complete_profile).toMatchObject({ done: false, rewarded: false, progress: '还差：昵称、头像、生日、性别', reward: { points: 20 } })
    for (const taskId of Object.keys(before)) expect(await claim(M, taskId)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })

    // nickname, avatar and phone need the member's consent to the privacy guide (the app asks first)
    await agreePrivacy(env, M)
    expect(await env.member({ action: 'updateProfile', patch: { nickname: '小林', gender: 'female' } }, M)).toMatchObject({ ok: true })
    expect((await tasksOf(M)).complete_profile).toMatchObject({ done: false, progress: '还差：头像、生日' })
    await completeProfile(M)
    const sms = await env.member({ action: 'requestPhoneCode', phone: '13900007001' }, M)
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13900007001', smsCode: sms.data.devCode }, M)).toMatchObject({ ok: true })
    expect(await env.member({ action: 'checkIn' }, M)).toMatchObject({ ok: true })
    await buy(M)
    const done = await tasksOf(M)
    for (const t of Object.values(done) as any[]) expect(t).toMatchObject({ done: true, rewarded: false })

    // two parallel claims of each task: one reward each
    const results = await Promise.all(['complete_profile', 'bind_phone', 'first_checkin', 'first_purchase'].flatMap(id => [claim(M, id), claim(M, id)]))
    expect(results.filter(r => r.ok)).toHaveLength(4)
    expect(results.filter(r => !r.ok).map(r => r.code)).toEqual(['ALREADY_EXISTS', 'ALREADY_EXISTS', 'ALREADY_EXISTS', 'ALREADY_EXISTS'])
    expect(await claim(M, 'bind_phone')).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    const taskRows = (await ledgerRows(env, M)).filter(r => r.sourceType === 'task')
    expect(taskRows.map(r => [r._id, r.delta]).sort()).toEqual([
      [`earn:task:${M}:bind_phone`, 20],
      [`earn:task:${M}:complete_profile`, 20],
      [`earn:task:${M}:first_checkin`, 10],
      [`earn:task:${M}:first_purchase`, 50],
    ])
    // 100 (purchase) + 5 (check-in) + 100 (tasks)
    expect((await memberDoc(env, M)).points).toBe(205)
    for (const t of Object.values(await tasksOf(M)) as any[]) expect(t.rewarded).toBe(true)
    expect(Object.keys((await memberDoc(env, M)).taskRewards).sort()).toEqual(['bind_phone', 'complete_profile', 'first_checkin', 'first_purchase'])
  })

  test('a disabled task is hidden and cannot be claimed; a coupon reward is issued with the points, once', async () => {
    await env.admin({
      action: 'upsertCouponTemplate',
      template: { templateId: 'tpl-task', name: '完善资料礼', type: 'cash', valueFen: 500, validity: { kind: 'relative', days: 30 }, totalStock: 1, channels: ['admin'] },
    })
    await setTaskRules({
      ...DEFAULT_TASK_RULES,
      tasks: [
        { taskId: 'complete_profile', title: '完善个人资料', enabled: true, reward: { points: 20, couponTemplateId: 'tpl-task' } },
        { taskId: 'bind_phone', title: '绑定手机号', enabled: false, reward: { points: 20 } },
      ],
    })
    const [A, B] = ['o_task_cpn_a', 'o_task_cpn_b']
    for (const m of [A, B]) {
      await signUp(env, m)
      await completeProfile(m)
    }
    expect(Object.keys(await tasksOf(A))).toEqual(['complete_profile'])
    expect(await claim(A, 'bind_phone')).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    const [r1, r2] = await Promise.all([claim(A, 'complete_profile'), claim(A, 'complete_profile')])
    const ok = [r1, r2].find(r => r.ok)
    expect(ok.data).toMatchObject({ pointsAwarded: 20, balance: 20, task: { rewarded: true }, coupon: { templateId: 'tpl-task', type: 'cash', state: 'available' } })
    expect([r1, r2].filter(r => !r.ok).map(r => r.code)).toEqual(['ALREADY_EXISTS'])
    expect((await env.db.collection('coupons').where({ memberId: A }).get()).data).toHaveLength(1)
    // stock 1: B's claim fails whole — no points without the coupon — and can be claimed later
    expect(await claim(B, 'complete_profile')).toMatchObject({ ok: false, code: 'OUT_OF_STOCK' })
    expect(await memberDoc(env, B)).toMatchObject({ points: 0, taskRewards: {} })
    await setTaskRules(DEFAULT_TASK_RULES)
  })
})

describe('invitations', () => {
  const INVITER = 'o_inv_host'
  let code: string

  beforeAll(async () => {
    code = (await signUp(env, INVITER)).memberNo
    await setTaskRules({ ...DEFAULT_TASK_RULES, referral: { enabled: true, inviter: { points: 100 }, invitee: { points: 50 }, monthlyCap: 2 } })
  })

  test('sign-up with an invite code links once; self, unknown, existing and second inviters are ignored', async () => {
    const res = await login('o_inv_1', code)
    expect(res).toMatchObject({ ok: true, data: { created: true } })
    expect(await memberDoc(env, 'o_inv_1')).toMatchObject({ invitedBy: INVITER })
    expect(await inviteOf('o_inv_1')).toMatchObject({ inviterId: INVITER, inviteeId: 'o_inv_1', status: 'joined' })

    // a second inviter later: still the first
    const other = (await signUp(env, 'o_inv_other')).memberNo
    expect(await login('o_inv_1', other)).toMatchObject({ ok: true, data: { created: false } })
    expect((await memberDoc(env, 'o_inv_1')).invitedBy).toBe(INVITER)
    // self-invite, an existing member, an unknown code: no link
    expect(await login(INVITER, code)).toMatchObject({ ok: true })
    expect(await login('o_inv_other', code)).toMatchObject({ ok: true })
    expect(await login('o_inv_unknown', '1000000001')).toMatchObject({ ok: true, data: { created: true } })
    for (const m of [INVITER, 'o_inv_other', 'o_inv_unknown']) {
      expect((await memberDoc(env, m)).invitedBy ?? null).toBeNull()
      expect(await inviteOf(m)).toBeUndefined()
    }
  })

  test('first purchase rewards both once; over the monthly cap: over_cap', async () => {
    for (const m of ['o_inv_2', 'o_inv_3']) expect(await login(m, code)).toMatchObject({ ok: true, data: { created: true } })
    const hostBefore = (await memberDoc(env, INVITER)).points
    const first = await buy('o_inv_1', 10_000)
    expect(first).toMatchObject({ pointsEarned: 100, balance: 150 })
    await buy('o_inv_1', 10_000)
    expect((await memberDoc(env, 'o_inv_1')).points).toBe(250)
    expect((await memberDoc(env, INVITER)).points).toBe(hostBefore + 100)
    expect(await inviteOf('o_inv_1')).toMatchObject({ status: 'rewarded' })
    expect((await ledgerRows(env, 'o_inv_1')).map(r => r._id)).toContain('earn:task:invited:o_inv_1')
    expect((await ledgerRows(env, INVITER)).map(r => r._id)).toContain('earn:task:invite:o_inv_1')

    await buy('o_inv_2')
    await buy('o_inv_3') // the third rewarded invitation this month: over the cap of 2
    expect(await inviteOf('o_inv_2')).toMatchObject({ status: 'rewarded' })
    expect(await inviteOf('o_inv_3')).toMatchObject({ status: 'over_cap' })
    expect((await memberDoc(env, 'o_inv_3')).points).toBe(100)
    expect((await memberDoc(env, INVITER)).points).toBe(hostBefore + 200)

    const mine = await env.member({ action: 'myInvites' }, INVITER)
    expect(mine).toMatchObject({ ok: true, data: { inviteCode: code, sharePath: `/pages/index/index?inviteCode=${code}`, rewardedThisMonth: 2, monthlyCap: 2 } })
    expect(mine.data.invitees.map((i: any) => i.status).sort()).toEqual(['over_cap', 'rewarded', 'rewarded'])
    for (const i of mine.data.invitees) expect(i.nickname).toBe('微*')
    expect(JSON.stringify(mine)).not.toMatch(/o_inv_\d/)
  })

  test('invitees are masked; a member sees only their own invitations', async () => {
    await agreePrivacy(env, 'o_inv_2')
    expect(await env.member({ action: 'updateProfile', patch: { nickname: '王小明' } }, 'o_inv_2')).toMatchObject({ ok: true })
    const mine = await env.member({ action: 'myInvites' }, INVITER)
    expect(mine.data.invitees.map((i: any) => i.nickname)).toContain('王*')
    expect(await env.member({ action: 'myInvites' }, 'o_inv_other')).toMatchObject({ ok: true, data: { invitees: [], rewardedThisMonth: 0 } })
    expect(await env.member({ action: 'myInvites', openid: INVITER }, 'o_inv_other')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await env.member({ action: 'myInvites' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })
})
