/**
 * 用户隐私保护指引 and consent on the emulator: the default guide, agreeing to the current version
 * (idempotent), a stale version refused, withdrawing, an admin's new version making consent out of
 * date (login says so too), the audit rows, and who may read or set the guide.
 */
import { DEFAULT_PRIVACY_POLICY } from '../../types/consent'
import { setClock } from '../../scripts/emulator-process'
import { memberDoc, signUp, useEmulator } from './support'

const env = useEmulator()
const ALICE = 'o_consent_alice'
const BOB = 'o_consent_bob'
const BOSS = 'o_consent_boss'
const STRANGER = 'o_consent_never_signed_up'
const T1 = '2026-03-10T02:00:00.000Z'
const T2 = '2026-03-11T02:00:00.000Z'

const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const audits = async (action: string, target: string) => (await env.db.collection('audit_log').where({ action, target }).orderBy('at', 'asc').get()).data

const NEW_POLICY = {
  version: '2026-03',
  title: '用户隐私保护指引（2026 年 3 月版）',
  summary: '新增了满意度评价的说明，请重新阅读并同意后继续使用相关功能。',
  sections: [{ heading: '满意度评价', body: '你提交的评分与意见仅用于改进门店服务。' }],
}

beforeAll(async () => {
  await setClock(env.emu, T1)
  await env.db.collection('admins').add({ data: { _id: BOSS, name: 'boss' } })
  for (const id of [ALICE, BOB, BOSS]) await signUp(env, id)
}, 60_000)

describe('the default guide', () => {
  test('privacyPolicy answers the default guide and no consent; login says consent is needed', async () => {
    const data = ok(await env.member({ action: 'privacyPolicy' }, ALICE))
    expect(data).toEqual({ policy: DEFAULT_PRIVACY_POLICY, updatedAt: null, consent: null, withdrawnAt: null, upToDate: false })
    // the default is a real guide: what is collected, retention, the processor, the member's rights
    const text = data.policy.sections.map((s: any) => `${s.heading}${s.body}`).join('')
    for (const word of ['手机号', '生日', '消费记录', '积分', '优惠券', '签到', '订阅消息', '浏览和点击', '腾讯云', '保存期限', '导出', '注销', '撤回同意']) expect(text).toContain(word)
    expect(ok(await env.member({ action: 'login' }, ALICE)).privacy).toEqual({ version: DEFAULT_PRIVACY_POLICY.version, upToDate: false })
  })

  test('readable before sign-up (consent null); agreeing then needs a member', async () => {
    expect(ok(await env.member({ action: 'privacyPolicy' }, STRANGER))).toMatchObject({ consent: null, upToDate: false })
    expect(await env.member({ action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, STRANGER)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.member({ action: 'privacyPolicy' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })
})

describe('agree and withdraw', () => {
  test('agreeing to the current version records it once (a second agree is a replay) and audits it', async () => {
    const first = ok(await env.member({ action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, ALICE))
    expect(first).toEqual({ consent: { version: DEFAULT_PRIVACY_POLICY.version, agreedAt: T1 }, upToDate: true, replayed: false })
    const again = ok(await env.member({ action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, ALICE))
    expect(again).toEqual({ ...first, replayed: true })
    expect((await memberDoc(env, ALICE)).privacyConsent).toEqual({ version: DEFAULT_PRIVACY_POLICY.version, agreedAt: new Date(T1) })
    expect(ok(await env.member({ action: 'privacyPolicy' }, ALICE))).toMatchObject({ consent: first.consent, upToDate: true })
    expect(ok(await env.member({ action: 'login' }, ALICE)).privacy).toEqual({ version: DEFAULT_PRIVACY_POLICY.version, upToDate: true })
    const rows = await audits('privacyConsent', ALICE)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ actor: ALICE, before: null, after: { version: DEFAULT_PRIVACY_POLICY.version } })
  })

  test('a version that is not the current one is FAILED_PRECONDITION with the field named; a malformed one INVALID_ARGUMENT', async () => {
    const stale = await env.member({ action: 'agreePrivacy', version: '0.9' }, BOB)
    expect(stale).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION', issues: [{ path: 'version' }] })
    expect(stale.message).toContain(DEFAULT_PRIVACY_POLICY.version)
    expect(await env.member({ action: 'agreePrivacy', version: 'v 1' }, BOB)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', issues: [{ path: 'version' }] })
    expect((await memberDoc(env, BOB)).privacyConsent).toBeUndefined()
    expect(await audits('privacyConsent', BOB)).toEqual([])
  })

  test('withdrawing clears the consent, records when and audits it; withdrawing again changes nothing', async () => {
    ok(await env.member({ action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, BOB))
    await setClock(env.emu, T2)
    expect(ok(await env.member({ action: 'withdrawPrivacy' }, BOB))).toEqual({ consent: null, upToDate: false, withdrawnAt: T2, changed: true })
    const doc = await memberDoc(env, BOB)
    expect(doc.privacyConsent).toBeNull()
    expect(doc.privacyWithdrawnAt).toEqual(new Date(T2))
    expect(ok(await env.member({ action: 'privacyPolicy' }, BOB))).toMatchObject({ consent: null, withdrawnAt: T2, upToDate: false })
    expect(ok(await env.member({ action: 'withdrawPrivacy' }, BOB))).toEqual({ consent: null, upToDate: false, withdrawnAt: T2, changed: false })
    const rows = await audits('privacyConsentWithdrawn', BOB)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ actor: BOB, before: { version: DEFAULT_PRIVACY_POLICY.version }, after: { withdrawnAt: new Date(T2) } })
    // agreeing again after a withdrawal (the app asks before the next personal-data feature)
    expect(ok(await env.member({ action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, BOB))).toMatchObject({ consent: { agreedAt: T2 }, replayed: false })
  })
})

describe('a new version from an admin', () => {
  test('consumers can neither read nor set the guide through admin', async () => {
    expect(await env.admin({ action: 'getPrivacyPolicy' }, ALICE)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.admin({ action: 'setPrivacyPolicy', policy: NEW_POLICY }, ALICE)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(ok(await env.member({ action: 'privacyPolicy' }, ALICE)).policy.version).toBe(DEFAULT_PRIVACY_POLICY.version)
  })

  test('bad input names the field', async () => {
    const res = await env.admin({ action: 'setPrivacyPolicy', policy: { ...NEW_POLICY, version: '', sections: [] } }, BOSS)
    expect(res).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(res.issues.map((i: any) => i.path).sort()).toEqual(['policy.sections', 'policy.version'])
  })

  test('a brand admin sets a new version: audited, every consent out of date, agreeing to the old one refused', async () => {
    expect(ok(await env.admin({ action: 'getPrivacyPolicy' }, BOSS))).toEqual({ policy: DEFAULT_PRIVACY_POLICY, isDefault: true, updatedAt: null })
    expect(ok(await env.admin({ action: 'setPrivacyPolicy', policy: NEW_POLICY }, BOSS))).toEqual({ policy: NEW_POLICY, versionChanged: true })
    expect(ok(await env.admin({ action: 'getPrivacyPolicy' }))).toEqual({ policy: NEW_POLICY, isDefault: false, updatedAt: T2 })
    const rows = await audits('setPrivacyPolicy', 'privacyPolicy')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ actor: BOSS, before: null, after: { version: NEW_POLICY.version } })

    const alice = ok(await env.member({ action: 'privacyPolicy' }, ALICE))
    expect(alice).toMatchObject({ policy: NEW_POLICY, updatedAt: T2, consent: { version: DEFAULT_PRIVACY_POLICY.version }, upToDate: false })
    expect(ok(await env.member({ action: 'login' }, ALICE)).privacy).toEqual({ version: NEW_POLICY.version, upToDate: false })
    expect(await env.member({ action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, ALICE)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })

    expect(ok(await env.member({ action: 'agreePrivacy', version: NEW_POLICY.version }, ALICE))).toMatchObject({ consent: { version: NEW_POLICY.version, agreedAt: T2 }, replayed: false })
    const consents = await audits('privacyConsent', ALICE)
    expect(consents.map((r: any) => [r.before?.version ?? null, r.after.version])).toEqual([
      [null, DEFAULT_PRIVACY_POLICY.version],
      [DEFAULT_PRIVACY_POLICY.version, NEW_POLICY.version],
    ])
  })

  test('the same version with edited text is not a new version (members are not asked again)', async () => {
    const edited = { ...NEW_POLICY, summary: `${NEW_POLICY.summary}（修正错别字）` }
    expect(ok(await env.admin({ action: 'setPrivacyPolicy', policy: edited }))).toEqual({ policy: edited, versionChanged: false })
    expect(ok(await env.member({ action: 'privacyPolicy' }, ALICE))).toMatchObject({ policy: edited, upToDate: true })
    expect((await audits('setPrivacyPolicy', 'privacyPolicy')).map((r: any) => r.actor)).toEqual([BOSS, 'console'])
  })
})
