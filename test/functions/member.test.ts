/** The `member` function through the real runtime and the unmodified SDK on the emulator. */
import { startEmulator, sdkFor, invoke, deployCollections, type RunningEmulator } from '../../scripts/emulator-process'
import { agreePrivacy, expectLedgerInvariant, type Env } from './support'

let emu: RunningEmulator
const call = (event: unknown, openid?: string) => invoke(emu, 'member', event, openid)

beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
  await deployCollections(emu)
}, 60_000)
afterAll(async () => {
  try {
    await expectLedgerInvariant({ db: sdkFor(emu).database() } as Env)
  } finally {
    await emu?.stop()
  }
})

describe('login', () => {
  test('creates the member on first sign-in from the context OPENID, then finds it', async () => {
    const first = await call({ action: 'login' }, 'o_login_1')
    expect(first).toMatchObject({ ok: true, data: { created: true, member: { _id: 'o_login_1', openid: 'o_login_1', nickname: '微信用户', points: 0, gender: 'unknown' } } })
    expect(new Date(first.data.member.createdAt).toString()).not.toBe('Invalid Date')
    const again = await call({ action: 'login' }, 'o_login_1')
    expect(again).toMatchObject({ ok: true, data: { created: false, member: { _id: 'o_login_1' } } })
    expect(again.data.member.createdAt).toBe(first.data.member.createdAt)
  })

  test('parallel first sign-ins create exactly one member', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => call({ action: 'login' }, 'o_race')))
    expect(results.every(r => r.ok)).toBe(true)
    expect(results.filter(r => r.data.created)).toHaveLength(1)
    const db = sdkFor(emu).database()
    expect((await db.collection('members').where({ openid: 'o_race' }).count()).total).toBe(1)
  })

  test('without a mini-program identity is UNAUTHENTICATED (console, other function)', async () => {
    expect(await call({ action: 'login' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    const res = await sdkFor(emu).callFunction({ name: 'member', data: { action: 'login' } })
    expect(res.result).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  test('sign-up assigns a 10-digit member number and an empty wallet; the profile hides batches and key version', async () => {
    const res = await call({ action: 'login' }, 'o_login_no')
    expect(res.data.member.memberNo).toMatch(/^\d{10}$/)
    expect(res.data.member).toMatchObject({ phone: null, points: 0 })
    expect(res.data.member).not.toHaveProperty('pointBatches')
    expect(res.data.member).not.toHaveProperty('codeKeyVersion')
    const stored = (await sdkFor(emu).database().collection('members').doc('o_login_no').get()).data as any
    expect(stored).toMatchObject({ memberNo: res.data.member.memberNo, pointBatches: [], codeKeyVersion: 1, points: 0 })
  })

  test('a member stored before member numbers existed gets one at the next sign-in', async () => {
    const now = new Date()
    await sdkFor(emu)
      .database()
      .collection('members')
      .add({
        data: { _id: 'o_legacy', openid: 'o_legacy', nickname: '老会员', avatarFileId: null, birthday: null, gender: 'unknown', points: 0, createdAt: now, updatedAt: now, lastLoginAt: now },
      })
    const res = await call({ action: 'login' }, 'o_legacy')
    expect(res).toMatchObject({ ok: true, data: { created: false, member: { nickname: '老会员', phone: null } } })
    expect(res.data.member.memberNo).toMatch(/^\d{10}$/)
    expect(await call({ action: 'getProfile' }, 'o_legacy')).toMatchObject({ ok: true, data: { member: { memberNo: res.data.member.memberNo } } })
  })

  test('an openid in the event cannot choose the identity', async () => {
    expect(await call({ action: 'login', openid: 'o_victim' }, 'o_attacker')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

describe('getProfile', () => {
  test('before sign-up is NOT_FOUND', async () => {
    expect(await call({ action: 'getProfile' }, 'o_never_signed_in')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })
  test('returns what login created', async () => {
    await call({ action: 'login' }, 'o_profile')
    expect(await call({ action: 'getProfile' }, 'o_profile')).toMatchObject({ ok: true, data: { member: { _id: 'o_profile' } } })
  })
})

describe('updateProfile', () => {
  const user = 'o_editor'
  beforeAll(async () => {
    await call({ action: 'login' }, user)
    // a new nickname or avatar needs the member's consent to the privacy guide (the app asks first; test/functions/consent-gate.test.ts)
    await agreePrivacy({ member: call }, user)
  })

  test('saves nickname, avatar, birthday and gender, and they persist', async () => {
    const patch = { nickname: '  小满  ', avatarFileId: `cloud://local.bucket/avatars/${user}/1.png`, birthday: '1996-02-29', gender: 'female' }
    const res = await call({ action: 'updateProfile', patch }, user)
    expect(res).toMatchObject({ ok: true, data: { member: { nickname: '小满', avatarFileId: patch.avatarFileId, birthday: '1996-02-29', gender: 'female' } } })
    expect(await call({ action: 'getProfile' }, user)).toMatchObject({ ok: true, data: { member: { nickname: '小满', birthday: '1996-02-29', gender: 'female' } } })
    const stored = (await sdkFor(emu).database().collection('members').doc(user).get()).data as any
    expect(stored.updatedAt).toBeInstanceOf(Date)
    expect(stored.nickname).toBe('小满')
  })

  test('a partial patch changes only the given fields; null clears the birthday', async () => {
    const res = await call({ action: 'updateProfile', patch: { birthday: null } }, user)
    expect(res).toMatchObject({ ok: true, data: { member: { nickname: '小满', birthday: null, gender: 'female' } } })
  })

  test.each([
    ['an empty nickname', { nickname: '   ' }],
    ['a nickname over 20 characters', { nickname: '一'.repeat(21) }],
    ['an impossible date', { birthday: '2023-02-30' }],
    ['a birthday in the future', { birthday: '2999-01-01' }],
    ['an unknown gender', { gender: 'other' }],
    ['an avatar that is not a cloud file', { avatarFileId: 'https://evil.example/x.png' }],
    ['an avatar uploaded by someone else', { avatarFileId: 'cloud://local.bucket/avatars/o_other/1.png' }],
    ['an unknown field', { points: 999999 }],
  ])('rejects %s with INVALID_ARGUMENT and changes nothing', async (_label, patch) => {
    const before = await call({ action: 'getProfile' }, user)
    const res = await call({ action: 'updateProfile', patch }, user)
    expect(res.ok).toBe(false)
    expect(res.code).toBe('INVALID_ARGUMENT')
    expect(typeof res.message).toBe('string')
    expect(await call({ action: 'getProfile' }, user)).toEqual(before)
  })

  test('before sign-up is NOT_FOUND', async () => {
    expect(await call({ action: 'updateProfile', patch: { nickname: 'x' } }, 'o_ghost')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })
})

describe('bad events', () => {
  test.each([
    ['no action', {}],
    ['an unknown action', { action: 'dropDatabase' }],
    ['a non-string action', { action: 42 }],
  ])('%s is UNKNOWN_ACTION', async (_label, event) => {
    expect(await call(event, 'o_bad')).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' })
  })
  test('a patch that is not an object is INVALID_ARGUMENT', async () => {
    expect(await call({ action: 'updateProfile', patch: 'nickname=x' }, 'o_bad')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

describe('admin', () => {
  test('a consumer gets PERMISSION_DENIED; the console lists members', async () => {
    await call({ action: 'login' }, 'o_admin_list')
    expect(await invoke(emu, 'admin', { action: 'listMembers' }, 'o_admin_list')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    const res = await invoke(emu, 'admin', { action: 'listMembers', limit: 100 })
    expect(res.ok).toBe(true)
    expect(res.data.total).toBeGreaterThan(0)
    expect(res.data.members.map((m: any) => m._id)).toContain('o_admin_list')
  })
  test('an OPENID on the admins list is allowed', async () => {
    await sdkFor(emu)
      .database()
      .collection('admins')
      .add({ data: { _id: 'o_boss', name: 'boss' } })
    expect(await invoke(emu, 'admin', { action: 'getMember', openid: 'o_admin_list' }, 'o_boss')).toMatchObject({ ok: true, data: { member: { _id: 'o_admin_list' } } })
  })
  test('getMember of a stranger is NOT_FOUND; a bad limit is INVALID_ARGUMENT', async () => {
    expect(await invoke(emu, 'admin', { action: 'getMember', openid: 'o_nobody' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await invoke(emu, 'admin', { action: 'listMembers', limit: 5000 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})
