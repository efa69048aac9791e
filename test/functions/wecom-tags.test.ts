/**
 * Member tags mirrored as WeCom corporate tags (wecom.syncTags, docs/wecom.md): only after the day's
 * scoring job, resumable under a cap of mark_tag calls, idempotent, incremental the next day — and
 * what WeCom (the emulator's fake) ends up holding per contact.
 */
import fs from 'fs'
import path from 'path'
import { setClock } from '../../scripts/emulator-process'
import { shanghaiDay } from '../../domain/time'
import { makeStaff, useEmulator } from './support'

const env = useEmulator()

const STAFF = 'o_tags_staff'
const STAFF_USER = 'TagStaff'
const DAY1 = '2026-12-10T02:00:00.000Z' // 10:00 Shanghai
const DAY2 = '2026-12-11T02:00:00.000Z'
const MEMBERS = [
  { openid: 'o_tags_a', unionid: 'u_tags_a', ext: 'wm_tags_a' },
  { openid: 'o_tags_b', unionid: 'u_tags_b', ext: 'wm_tags_b' },
]

const ok = (res: any) => {
  if (!res?.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const post = async (route: string, body: unknown) => (await fetch(`${env.emu.baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()
const wecom = (event: unknown) => post('/functions/wecom', event)
const outbox = async (): Promise<any[]> => (await fetch(`${env.emu.baseUrl}/wecom/outbox`)).json()
const calls = async (api: string) => (await outbox()).filter(m => m.api === api)
const scoringDone = (day: string) => env.db.collection('jobs').add({ data: { _id: `tiers-${day}`, status: 'done', day } })
const setMember = (openid: string, data: Record<string, unknown>) => env.db.collection('members').doc(openid).update({ data })

/** The tag names WeCom (the fake) holds on the contact, as its externalcontact/get answers them. */
async function tagsInWecom(ext: string): Promise<string[]> {
  const corp = JSON.parse(fs.readFileSync(path.join(env.emu.dataDir, 'wecom', 'config.json'), 'utf8'))
  const query = new URLSearchParams({ corpid: corp.corpId, corpsecret: corp.secret })
  const { access_token } = await (await fetch(`${env.emu.baseUrl}/cgi-bin/gettoken?${query}`)).json()
  const answer = await (await fetch(`${env.emu.baseUrl}/cgi-bin/externalcontact/get?${new URLSearchParams({ access_token, external_userid: ext })}`)).json()
  return answer.follow_user.flatMap((f: any) => f.tags.map((t: any) => t.tag_name)).sort()
}

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_tags', '标签店员')
  ok(await env.admin({ action: 'setStaffWecomUser', openid: STAFF, wecomUserId: STAFF_USER }))
  for (const m of MEMBERS) {
    const res = await fetch(`${env.emu.baseUrl}/functions/member`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': m.openid, 'x-wx-unionid': m.unionid },
      body: JSON.stringify({ action: 'login' }),
    })
    ok(await res.json())
    expect((await post('/wecom/simulate/add-contact', { userId: STAFF_USER, externalUserId: m.ext, unionid: m.unionid })).callback.status).toBe(200)
  }
  // a contact of nobody who signed in: no member, no tags
  await post('/wecom/simulate/add-contact', { userId: STAFF_USER, externalUserId: 'wm_tags_stranger', unionid: 'u_tags_stranger' })
  await setMember('o_tags_a', { ruleTags: ['高价值会员'], tags: ['高价值会员'] })
  await setMember('o_tags_b', { ruleTags: ['流失预警'], tags: ['流失预警'], birthday: '1990-12-15', gender: 'female' })
  ok(await env.admin({ action: 'saveSegment', segmentId: 'tags-women', name: '女性会员', rule: { all: [{ field: 'gender', op: 'eq', value: 'female' }] } }))
  ok(await env.admin({ action: 'setWecomTagSegments', segmentIds: ['tags-women'] }))
}, 90_000)

test('an unknown segment is refused', async () => {
  expect(await env.admin({ action: 'setWecomTagSegments', segmentIds: ['tags-nobody'] })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
})

test('before the day’s scoring job has finished it waits and calls nobody', async () => {
  await setClock(env.emu, DAY1)
  const before = (await outbox()).length
  expect(ok(await wecom({ action: 'syncTags' }))).toEqual({ day: '2026-12-10', status: 'waiting', contacts: 0, marked: 0, more: true })
  expect((await outbox()).length).toBe(before)
})

test('after it: resumable under a cap of mark_tag calls, each contact marked once, then done and idempotent', async () => {
  await setClock(env.emu, DAY1)
  await scoringDone('2026-12-10')
  const first = ok(await wecom({ action: 'syncTags', maxMarks: 1 }))
  expect(first).toMatchObject({ status: 'running', marked: 1, more: true })
  expect(await calls('externalcontact/mark_tag')).toHaveLength(1)
  expect(await calls('externalcontact/get_corp_tag_list')).toHaveLength(1)

  // the next invocation goes on from the cursor: the other contact, not the first again
  const second = ok(await wecom({ action: 'syncTags', maxMarks: 1 }))
  expect(second).toMatchObject({ marked: 2 })
  const third = ok(await wecom({ action: 'syncTags' }))
  expect(third).toMatchObject({ status: 'done', marked: 2, more: false })

  const marks = await calls('externalcontact/mark_tag')
  expect(marks.map(m => m.payload.body.external_userid).sort()).toEqual(['wm_tags_a', 'wm_tags_b'])
  expect(marks.every(m => m.payload.answer.errcode === 0 && m.payload.body.userid === STAFF_USER)).toBe(true)
  // the group's tags were made once, for the names needed
  const made = (await calls('externalcontact/add_corp_tag')).flatMap(m => m.payload.body.tag.map((t: any) => t.name))
  expect(made.sort()).toEqual(['女性会员', '流失预警', '生日月', '高价值会员'].sort())
  expect(new Set(made).size).toBe(made.length)
  expect(await tagsInWecom('wm_tags_a')).toEqual(['高价值会员'])
  expect(await tagsInWecom('wm_tags_b')).toEqual(['女性会员', '流失预警', '生日月'].sort())
  // the console's member 360 shows what was synced, and the store the member came through
  const memberNo = (await env.db.collection('members').doc('o_tags_b').get()).data.memberNo
  const m360 = ok(await env.admin({ action: 'member360', memberNo }))
  expect(m360.wecom.contacts).toEqual([expect.objectContaining({ externalUserId: 'wm_tags_b', tagsSyncedAt: DAY1 })])
  expect([...m360.wecom.contacts[0].tags].sort()).toEqual(['女性会员', '流失预警', '生日月'].sort())
  expect(m360.signup).toMatchObject({ kindLabel: '企业微信', channelName: '企业微信「联系我」', storeId: 'store_tags', staffName: '标签店员' })
  const day = shanghaiDay(new Date(m360.signup.at))
  const report = ok(await env.admin({ action: 'attributionReport', from: day, to: day }))
  expect(report.byChannel).toEqual([expect.objectContaining({ key: 'wecom', name: '企业微信「联系我」', kind: 'staff', newMembers: 2 })])
  const calledBefore = (await outbox()).length
  expect(ok(await wecom({ action: 'syncTags' }))).toMatchObject({ status: 'done', marked: 2 })
  expect((await outbox()).length).toBe(calledBefore)
})

test('the next day only what changed is marked: a lost tag removed, an unchanged contact left alone', async () => {
  await setClock(env.emu, DAY2)
  await scoringDone('2026-12-11')
  await setMember('o_tags_a', { ruleTags: [], tags: [] })
  const before = (await calls('externalcontact/mark_tag')).length
  expect(ok(await wecom({ action: 'syncTags' }))).toMatchObject({ day: '2026-12-11', status: 'done', marked: 1 })
  const marks = (await calls('externalcontact/mark_tag')).slice(before)
  expect(marks).toHaveLength(1)
  expect(marks[0].payload.body).toMatchObject({ external_userid: 'wm_tags_a', remove_tag: [expect.any(String)] })
  expect(marks[0].payload.body.add_tag).toBeUndefined()
  expect(await tagsInWecom('wm_tags_a')).toEqual([])
  // no second get_corp_tag_list needed within a day; one per run
  expect(await calls('externalcontact/get_corp_tag_list')).toHaveLength(2)
})
