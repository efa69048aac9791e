/**
 * Personal data needs a consent to the current 用户隐私保护指引 (domain/consent.ts): phone binding
 * (WeChat button, SMS code and its request) and a new avatar or nickname are PRIVACY_CONSENT_REQUIRED
 * without one — before agreeing, after withdrawing, and after an admin's new version until the member
 * agrees to it — and go through once the member agrees, with the same phone code (nothing was used up).
 * Birthday and gender, and removing the avatar, need none. The default guide (no guide set by the brand)
 * is agreed to like any other; a stored guide that cannot be read locks nobody out.
 */
import { DEFAULT_PRIVACY_POLICY } from '../../types/consent'
import { fakePhoneNumber } from '../../emulator/openapi/apis'
import { setClock } from '../../scripts/emulator-process'
import { agreePrivacy, memberDoc, signUp, useEmulator } from './support'

const env = useEmulator()
const T0 = Date.parse('2026-05-10T02:00:00.000Z')
let clock = T0
/** moves the pinned clock on: past the resend wait of SMS codes and the 30 s rule cache */
const later = async (seconds = 61) => {
  clock += seconds * 1000
  await setClock(env.emu, new Date(clock).toISOString())
}

const NEW_POLICY = {
  version: '2026-05',
  title: '会员隐私指引',
  summary: '新增了满意度评价的说明，请重新阅读并同意后继续使用头像、昵称和手机号功能。',
  sections: [{ heading: '满意度评价', body: '你提交的评分与意见仅用于改进门店服务。' }],
}

const refused = { ok: false, code: 'PRIVACY_CONSENT_REQUIRED' }
const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const avatarOf = (openid: string, name = 'a.png') => `cloud://local.bucket/avatars/${openid}/${name}`

/** Every gated action once, as a member would send it; the answers by name. */
async function gatedAnswers(openid: string, tag: string) {
  return {
    bindPhone: await env.member({ action: 'bindPhone', wxCode: `gate-${tag}` }, openid),
    requestPhoneCode: await env.member({ action: 'requestPhoneCode', phone: '13900001111' }, openid),
    avatar: await env.member({ action: 'updateProfile', patch: { avatarFileId: avatarOf(openid, `${tag}.png`) } }, openid),
    nickname: await env.member({ action: 'updateProfile', patch: { nickname: `昵称${tag}` } }, openid),
  }
}

beforeAll(async () => {
  await setClock(env.emu, new Date(clock).toISOString())
}, 60_000)

describe('without a consent to the current guide', () => {
  test('phone binding (button, SMS request, SMS code), a new avatar and a new nickname are refused with a Chinese message; nothing is written', async () => {
    const M = 'o_gate_none'
    await signUp(env, M)
    const answers = await gatedAnswers(M, 'none')
    for (const [name, res] of Object.entries(answers)) expect({ name, res }).toEqual({ name, res: expect.objectContaining(refused) })
    expect(answers.bindPhone.message).toContain('请先阅读并同意《用户隐私保护指引》')
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13900001111', smsCode: '123456' }, M)).toMatchObject(refused)
    const doc = await memberDoc(env, M)
    expect(doc).toMatchObject({ phone: null, avatarFileId: null, nickname: '微信用户' })
    expect((await env.db.collection('phone_codes').where({ _id: M }).count()).total).toBe(0)
    expect((await env.db.collection('member_phones').where({ memberId: M }).count()).total).toBe(0)
  })

  test('birthday and gender (typed into the app’s own form, no WeChat privacy API) and removing the avatar need no consent', async () => {
    const M = 'o_gate_birthday'
    await signUp(env, M)
    expect(ok(await env.member({ action: 'updateProfile', patch: { birthday: '1990-02-03', gender: 'female' } }, M)).member).toMatchObject({ birthday: '1990-02-03', gender: 'female' })
    expect(ok(await env.member({ action: 'updateProfile', patch: { avatarFileId: null } }, M)).member.avatarFileId).toBeNull()
    // a patch that changes nothing asks nothing either
    expect(await env.member({ action: 'updateProfile', patch: { nickname: '微信用户' } }, M)).toMatchObject({ ok: true })
    // but a birthday with a new nickname is one change: refused whole
    expect(await env.member({ action: 'updateProfile', patch: { birthday: '1991-02-03', nickname: '新名字' } }, M)).toMatchObject(refused)
    expect(await memberDoc(env, M)).toMatchObject({ birthday: '1990-02-03', nickname: '微信用户' })
  })

  test('not signed up is still NOT_FOUND, and no identity UNAUTHENTICATED (the consent check comes after)', async () => {
    expect(await env.member({ action: 'bindPhone', wxCode: 'gate-ghost' }, 'o_gate_ghost')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.member({ action: 'updateProfile', patch: { nickname: 'x' } }, 'o_gate_ghost')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.member({ action: 'bindPhone', wxCode: 'gate-ghost' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })
})

describe('agree, withdraw, a new version', () => {
  const M = 'o_gate_cycle'

  test('after agreeing to the default guide (no guide set by the brand) everything goes through, with the same phone code as the refused call', async () => {
    await signUp(env, M)
    expect(await env.member({ action: 'bindPhone', wxCode: 'gate-cycle' }, M)).toMatchObject(refused)
    expect(ok(await env.member({ action: 'agreePrivacy', version: DEFAULT_PRIVACY_POLICY.version }, M)).consent.version).toBe('1.0')
    // the refused call used nothing up: the same button code binds now
    expect(ok(await env.member({ action: 'bindPhone', wxCode: 'gate-cycle' }, M)).member.phone).toBe(fakePhoneNumber('gate-cycle'))
    const answers = await gatedAnswers(M, 'agreed')
    for (const [name, res] of Object.entries(answers)) expect({ name, ok: res.ok }).toEqual({ name, ok: true })
    expect(await memberDoc(env, M)).toMatchObject({ avatarFileId: avatarOf(M, 'agreed.png'), nickname: '昵称agreed', phone: fakePhoneNumber('gate-agreed') })
  })

  test('after withdrawPrivacy every gated action is refused again; a refused SMS code keeps its attempts', async () => {
    await later()
    const sms = ok(await env.member({ action: 'requestPhoneCode', phone: '13900002222' }, M))
    ok(await env.member({ action: 'withdrawPrivacy' }, M))
    await later()
    const answers = await gatedAnswers(M, 'withdrawn')
    for (const [name, res] of Object.entries(answers)) expect({ name, res }).toEqual({ name, res: expect.objectContaining(refused) })
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13900002222', smsCode: sms.devCode }, M)).toMatchObject(refused)
    expect((await env.db.collection('phone_codes').doc(M).get()).data.attempts).toBe(0)
    // agreeing again: the same SMS code binds
    await agreePrivacy(env, M)
    expect(ok(await env.member({ action: 'bindPhoneBySms', phone: '13900002222', smsCode: sms.devCode }, M)).member.phone).toBe('13900002222')
  })

  test('a new version from the brand: refused (the message names it) until the member agrees to that version', async () => {
    ok(await env.admin({ action: 'setPrivacyPolicy', policy: NEW_POLICY }))
    await later()
    const answers = await gatedAnswers(M, 'v2')
    for (const [name, res] of Object.entries(answers)) expect({ name, res }).toEqual({ name, res: expect.objectContaining(refused) })
    expect(answers.nickname.message).toBe('《会员隐私指引》已更新为 2026-05 版，请阅读并同意后再继续')
    // the consent to the old version is still on record: the old version is not enough
    expect((await memberDoc(env, M)).privacyConsent).toMatchObject({ version: '1.0' })
    ok(await env.member({ action: 'agreePrivacy', version: NEW_POLICY.version }, M))
    expect(ok(await env.member({ action: 'updateProfile', patch: { nickname: '新版已同意' } }, M)).member.nickname).toBe('新版已同意')
    // the same text again under the same version (a typo fix) asks nobody again
    ok(await env.admin({ action: 'setPrivacyPolicy', policy: { ...NEW_POLICY, summary: `${NEW_POLICY.summary}（修正）` } }))
    expect(await env.member({ action: 'updateProfile', patch: { nickname: '错别字之后' } }, M)).toMatchObject({ ok: true })
  })

  test('a member who agreed to the old version only is refused; a new member agrees to the new one and goes on', async () => {
    const OLD = 'o_gate_old'
    const NEW = 'o_gate_new'
    await signUp(env, OLD)
    await env.db
      .collection('members')
      .doc(OLD)
      .update({ data: { privacyConsent: { version: '1.0', agreedAt: new Date(clock) } } })
    expect(await env.member({ action: 'bindPhone', wxCode: 'gate-old' }, OLD)).toMatchObject(refused)
    await signUp(env, NEW)
    await agreePrivacy(env, NEW)
    expect(await env.member({ action: 'bindPhone', wxCode: 'gate-new' }, NEW)).toMatchObject({ ok: true })
  })
})

test('a stored guide that cannot be read (a hand edit in the console) locks nobody out; a valid one applies again', async () => {
  const M = 'o_gate_broken'
  await signUp(env, M)
  await env.db
    .collection('settings')
    .doc('privacyPolicy')
    .update({ data: { rules: { version: '' } } })
  await later() // past the rule cache
  expect(await env.member({ action: 'updateProfile', patch: { nickname: '指引坏了' } }, M)).toMatchObject({ ok: true })
  expect(await env.member({ action: 'bindPhone', wxCode: 'gate-broken' }, M)).toMatchObject({ ok: true })
  // repaired (here: removed, so the default guide applies): consent is asked again
  await env.db.collection('settings').doc('privacyPolicy').remove()
  await later()
  expect(await env.member({ action: 'updateProfile', patch: { nickname: '指引好了' } }, M)).toMatchObject(refused)
})
