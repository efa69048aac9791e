/** 渠道码 and sign-up attribution through the SDK on the emulator (domain/attribution.ts, admin/attribution.ts). */
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, makeStaff } from './support'

const env = useEmulator()

const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const at = (iso: string) => setClock(env.emu, iso)
const signupOf = async (openid: string) => (await env.db.collection('signups').where({ _id: openid }).get()).data[0] ?? null
const login = (openid: string, scene?: string) => env.member(scene === undefined ? { action: 'login' } : { action: 'login', scene }, openid)

const STAFF = 'o_attr_staff'
let storeCode: any
let staffCode: any
let campaignCode: any

beforeAll(async () => {
  await makeStaff(env, STAFF, 'store_attr', '陈一鸣')
  ok(await env.admin({ action: 'upsertStore', storeId: 'store_attr2', name: '徐汇店' }))
  storeCode = ok(await env.admin({ action: 'createChannelCode', kind: 'store', storeId: 'store_attr2', name: '徐汇店 前台' }))
  staffCode = ok(await env.admin({ action: 'createChannelCode', kind: 'staff', staffOpenid: STAFF, name: '陈一鸣' }))
  campaignCode = ok(await env.admin({ action: 'createChannelCode', kind: 'campaign', campaignId: 'double11-poster', name: '双十一海报' }))
}, 120_000)

describe('channel codes', () => {
  test('a code per store, staff member and campaign: a printable PNG behind a short-lived link, the scene within 32 characters', async () => {
    expect(staffCode.channel).toMatchObject({ kind: 'staff', name: '陈一鸣', storeId: 'store_attr', storeName: '门店 store_attr', staffName: '陈一鸣', page: 'pages/index/index' })
    expect(staffCode.channel).not.toHaveProperty('staffOpenid')
    expect(staffCode.channel.scene).toBe(`c=${staffCode.channel.channelId}`)
    expect(staffCode.channel.scene.length).toBeLessThanOrEqual(32)
    expect(staffCode.fileId).toMatch(/^cloud:\/\/.+\/exports\/channels\//)
    const res = await fetch(staffCode.url)
    expect(res.status).toBe(200)
    const png = Buffer.from(await res.arrayBuffer())
    // a real PNG: the signature, then IHDR with the width and height (a square code, at least WeChat's 280 px)
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR')
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(280)
    expect(png.readUInt32BE(16)).toBe(png.readUInt32BE(20))
    // the file itself is private: its plain storage URL is refused
    const plain = new URL(staffCode.url)
    plain.search = ''
    expect((await fetch(plain)).status).toBe(403)
  })

  test('asking again finds the same channel (renamed), and the audit names it', async () => {
    const again = ok(await env.admin({ action: 'createChannelCode', kind: 'store', storeId: 'store_attr2', name: '徐汇店 收银台' }))
    expect(again).toMatchObject({ created: false, channel: { channelId: storeCode.channel.channelId, name: '徐汇店 收银台' } })
    expect(again.fileId).toBe(storeCode.fileId)
    const listed = ok(await env.admin({ action: 'listChannels' })).channels
    expect(listed.map((c: any) => c.channelId).sort()).toEqual([storeCode.channel.channelId, staffCode.channel.channelId, campaignCode.channel.channelId].sort())
    // each with a fresh link to print it again
    const printed = await fetch(listed.find((c: any) => c.channelId === staffCode.channel.channelId).url)
    expect(printed.status).toBe(200)
    expect(printed.headers.get('content-type')).toContain('image/png')
    const { data } = await env.db.collection('audit_log').where({ action: 'createChannelCode', target: storeCode.channel.channelId }).get()
    expect(data).toHaveLength(2)
  })

  test('bad input is refused with stable codes', async () => {
    expect(await env.admin({ action: 'createChannelCode', kind: 'store', name: '无门店' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', issues: [{ path: 'storeId' }] })
    expect(await env.admin({ action: 'createChannelCode', kind: 'store', storeId: 'store_none', name: 'x' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.admin({ action: 'createChannelCode', kind: 'staff', staffOpenid: 'o_not_staff', name: 'x' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await env.admin({ action: 'createChannelCode', kind: 'store', storeId: 'store_attr2', name: 'x', page: '/pages/index/index' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    // a mini-program user who is not an admin
    expect(await env.admin({ action: 'createChannelCode', kind: 'store', storeId: 'store_attr2', name: 'x' }, STAFF)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
  })
})

describe('attribution at sign-up', () => {
  test('a new member through a staff code records the channel, store and staff (scene decoded or not)', async () => {
    const created = ok(await login('o_attr_new_1', encodeURIComponent(staffCode.channel.scene)))
    expect(created.created).toBe(true)
    expect(await signupOf('o_attr_new_1')).toMatchObject({ memberId: 'o_attr_new_1', channelId: staffCode.channel.channelId, kind: 'staff', storeId: 'store_attr', staffOpenid: STAFF })
    ok(await login('o_attr_new_2', storeCode.channel.scene))
    expect(await signupOf('o_attr_new_2')).toMatchObject({ channelId: storeCode.channel.channelId, storeId: 'store_attr2', staffOpenid: null })
  })

  test('first touch: an existing member keeps theirs, and a member without one gets none later', async () => {
    ok(await login('o_attr_new_1', storeCode.channel.scene))
    expect(await signupOf('o_attr_new_1')).toMatchObject({ channelId: staffCode.channel.channelId })
    await signUp(env, 'o_attr_plain')
    ok(await login('o_attr_plain', staffCode.channel.scene))
    expect(await signupOf('o_attr_plain')).toBeNull()
  })

  test('a bad or unknown scene is ignored: the member is created, nothing is attributed', async () => {
    for (const [openid, scene] of [
      ['o_attr_bad_1', 'c=nonsense'],
      ['o_attr_bad_2', '%E0%A4%A'],
      ['o_attr_bad_3', 'c=c000000000000'],
      ['o_attr_bad_4', 'x'.repeat(128)],
    ]) {
      expect(ok(await login(openid, scene)).created).toBe(true)
      expect(await signupOf(openid)).toBeNull()
    }
    // longer than the contract allows: refused as a whole (the app then signs in without it)
    expect(await login('o_attr_bad_5', 'x'.repeat(129))).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})

describe('attributionReport', () => {
  test('new members and their first-90-day value by channel, store and staff on seeded data', async () => {
    // joined 2026-03-10 (Shanghai) through the staff code and the campaign code; one without a code
    await at('2026-03-10T02:00:00Z')
    for (const m of ['o_rep_a', 'o_rep_b']) ok(await login(m, staffCode.channel.scene))
    ok(await login('o_rep_c', campaignCode.channel.scene))
    ok(await login('o_rep_d'))
    await at('2026-03-20T02:00:00Z')
    ok(await login('o_rep_e', storeCode.channel.scene))
    const joined = new Date('2026-03-10T02:00:00Z').getTime()
    const day = 86_400_000
    const purchase = async (id: string, memberId: string, daysAfter: number, amountFen: number, refundedFen = 0) =>
      env.db.collection('purchases').add({
        data: {
          _id: id,
          requestId: id,
          storeId: 'store_attr',
          staffOpenid: STAFF,
          memberId,
          memberNo: '0000000000',
          amountFen,
          lines: [],
          pointsEarned: 0,
          batchId: null,
          refundedFen,
          pointsReversed: 0,
          status: refundedFen ? 'partially_refunded' : 'completed',
          createdAt: new Date(joined + daysAfter * day),
        },
      })
    await purchase('p_rep_1', 'o_rep_a', 1, 10_000)
    await purchase('p_rep_2', 'o_rep_a', 80, 5_000, 1_000)
    await purchase('p_rep_3', 'o_rep_a', 95, 99_900) // after the 90 days: not counted
    await purchase('p_rep_4', 'o_rep_c', 30, 3_000)
    await purchase('p_rep_5', 'o_rep_d', 2, 7_000) // not attributed
    await at('2026-04-01T02:00:00Z')

    const report = ok(await env.admin({ action: 'attributionReport', from: '2026-03-01', to: '2026-03-15' }))
    expect(report).toMatchObject({ from: '2026-03-01', to: '2026-03-15', joined: 4, attributed: 3 })
    expect(report.byChannel).toEqual([
      { key: staffCode.channel.channelId, kind: 'staff', name: '陈一鸣', newMembers: 2, buyers: 1, value90Fen: 14_000, avgValue90Fen: 7_000, openWindows: 2 },
      { key: campaignCode.channel.channelId, kind: 'campaign', name: '双十一海报', newMembers: 1, buyers: 1, value90Fen: 3_000, avgValue90Fen: 3_000, openWindows: 1 },
    ])
    // the campaign code has no store: only the staff code's members count for a store
    expect(report.byStore).toEqual([{ key: 'store_attr', name: '门店 store_attr', newMembers: 2, buyers: 1, value90Fen: 14_000, avgValue90Fen: 7_000, openWindows: 2 }])
    expect(report.byStaff).toEqual([{ key: staffCode.channel.channelId, name: '陈一鸣', newMembers: 2, buyers: 1, value90Fen: 14_000, avgValue90Fen: 7_000, openWindows: 2 }])
    expect(JSON.stringify(report)).not.toContain(STAFF)

    // the whole month also has the store code's member
    const month = ok(await env.admin({ action: 'attributionReport', from: '2026-03-01', to: '2026-03-31' }))
    expect(month).toMatchObject({ joined: 5, attributed: 4 })
    expect(month.byStore.map((r: any) => [r.key, r.newMembers])).toEqual([
      ['store_attr', 2],
      ['store_attr2', 1],
    ])
    expect(await env.admin({ action: 'attributionReport', from: '2026-03-31', to: '2026-03-01' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    await setClock(env.emu, null)
  })

  test('the member’s export shows their sign-up without the staff member’s id', async () => {
    const exported = ok(await env.member({ action: 'exportMyData' }, 'o_attr_new_1'))
    expect(exported.signup).toEqual([expect.objectContaining({ channelId: staffCode.channel.channelId, kind: 'staff', storeId: 'store_attr' })])
    expect(JSON.stringify(exported.signup)).not.toContain(STAFF)
    const staffExport = ok(await env.member({ action: 'exportMyData' }, STAFF))
    expect(staffExport.roles).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'channelCode', kind: 'staff', name: '陈一鸣' })]))
  })
})
