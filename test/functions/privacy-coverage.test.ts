/**
 * PIPL coverage: every collection has a privacy declaration (domain/privacy.ts), and exportMyData and
 * deleteMyAccount follow it for a member who has a row in every collection that can name a member —
 * seeded through the real actions (sign-up by invitation, import claim, check-in, coupons with a
 * partner code, a till purchase with a member code and a write-off, refund, NPS and its follow-up,
 * subscribe, campaign and its message, tracking, history orders, staff / manager / admin roles and an
 * operator's export file), then exported, deleted and checked collection by collection.
 */
import { campaignGroup } from '../../domain/campaigns'
import { CONSENT_RECORD_FIELDS, DELETED_NICKNAME, MEMBER_DELETED_REASON, MEMBER_RELATIONS, PRIVACY, memberErasureFields, type MemberRelation, type RowKey } from '../../domain/privacy'
import { fakePhoneNumber } from '../../emulator/openapi/apis'
import { INDEXES } from '../../deploy/indexes'
import { COLLECTIONS } from '../../types/collections'
import { EXPORT_ROW_SECTIONS } from '../../types/member'
import { DEFAULT_REMINDER_CONFIG } from '../../types/reminders'
import { invoke, sdkFor, setClock } from '../../scripts/emulator-process'
import { agreePrivacy, codeOf, makeStaff, memberDoc, rid, signUp, useEmulator } from './support'

describe('the declaration', () => {
  test('every collection in COLLECTIONS has one, and nothing else does', () => {
    const declared = Object.keys(PRIVACY).sort()
    expect(declared).toEqual([...COLLECTIONS].sort())
    for (const name of COLLECTIONS) {
      const decl = PRIVACY[name]
      if (decl.names === 'none') expect({ name, why: decl.why.length > 0 }).toEqual({ name, why: true })
      else expect({ name, relations: decl.relations.length > 0 }).toEqual({ name, relations: true })
    }
  })

  test('every relation says why, and anonymizes at least one field', () => {
    for (const r of MEMBER_RELATIONS) {
      expect({ at: r.collection, why: r.erase.why.length > 10 }).toEqual({ at: r.collection, why: true })
      if (r.erase.do === 'anonymize') expect({ at: r.collection, fields: Object.keys(r.erase.fields).length > 0 }).toEqual({ at: r.collection, fields: true })
    }
  })

  test('a field key is read through an index: the key field first, then the declared order', () => {
    const unindexed: string[] = []
    for (const r of MEMBER_RELATIONS) {
      if (r.key.by !== 'field') {
        // id and id-prefix keys use the built-in _id index
        if (r.key.by === 'idPrefix') expect(r.order).toEqual([['_id', 'asc']])
        continue
      }
      const wanted = [r.key.field, ...r.order.map(([f]) => f)]
      const served = INDEXES[r.collection].some(ix => wanted.every((f, i) => Object.keys(ix.keys)[i] === f))
      if (!served) unindexed.push(`${r.collection}: ${wanted.join(', ')}`)
    }
    expect(unindexed).toEqual([])
  })

  test('consent records are declared: kept on deletion as proof of consent, and no erasure touches them', () => {
    const keeping = PRIVACY.members.relations.map(r => r.erase).find(e => e.do === 'keep' && 'fields' in e)
    expect(keeping).toMatchObject({ do: 'keep', fields: [...CONSENT_RECORD_FIELDS] })
    expect(keeping!.why).toMatch(/proof of consent/)
    const erased = Object.keys(memberErasureFields())
    for (const field of CONSENT_RECORD_FIELDS) expect({ field, erased: erased.includes(field) }).toEqual({ field, erased: false })
  })

  test('a settle makes the row stop matching its condition (a retry finds nothing left to settle) and stamps a time', () => {
    const settles = MEMBER_RELATIONS.flatMap(r => (r.erase.do === 'anonymize' && r.erase.settle ? [{ at: r.collection, settle: r.erase.settle }] : []))
    expect(settles.map(s => s.at)).toEqual(['follow_ups', 'care_tasks'])
    for (const { at, settle } of settles) {
      const stillMatches = Object.entries(settle.where).every(([k, v]) => (k in settle.set ? settle.set[k] : v) === v)
      expect({ at, stillMatches, stamp: settle.stamp.length > 0, stampNotSet: !(settle.stamp in settle.set) }).toEqual({ at, stillMatches: false, stamp: true, stampNotSet: true })
    }
  })

  test('export sections: the row sections are the answer’s, each fed by a relation', () => {
    const sections = new Set(MEMBER_RELATIONS.map(r => r.export.section))
    for (const s of EXPORT_ROW_SECTIONS) expect(sections.has(s)).toBe(true)
  })
})

const env = useEmulator()
const NOON = '2026-11-23T04:00:00.000Z' // 12:00 Shanghai: outside the reminders' quiet hours
const T_CAMPAIGN = 'tplPiplCampaign001'
const STORE = 'store_pipl'
const STAFF = 'o_pipl_staff'
const INVITER = 'o_pipl_inviter'
const M = 'o_pipl_member'
const INVITEE = 'o_pipl_invitee'
const WX_CODE = 'pipl-phone'
const PHONE = fakePhoneNumber(WX_CODE)

const ok = (res: any) => {
  if (!res?.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const memberNoOf = async (openid: string) => (await memberDoc(env, openid)).memberNo as string
const cloud = () => sdkFor(env.emu)
const fileExists = (fileID: string) =>
  cloud()
    .downloadFile({ fileID })
    .then(
      () => true,
      () => false,
    )

/** The relation's rows as the emulator holds them (the test's own reading of the key). */
async function rowsFor(r: MemberRelation, who: { openid: string; memberNo: string }): Promise<any[]> {
  const coll = env.db.collection(r.collection)
  const key: RowKey = r.key
  if (key.by === 'id') return (await coll.where({ _id: who.openid }).get()).data
  if (key.by === 'field')
    return (
      await coll
        .where({ [key.field]: env._.in(key.values.map(v => who[v])) })
        .limit(1000)
        .get()
    ).data
  const fill = (p: string) => p.replace('{openid}', who.openid).replace('{memberNo}', who.memberNo)
  const all = await Promise.all(
    key.prefixes.map(p =>
      coll
        .where({ _id: env.db.RegExp({ regexp: `^${fill(p)}` }) })
        .limit(1000)
        .get(),
    ),
  )
  return all.flatMap((r: any) => r.data)
}

const label = (r: MemberRelation) => `${r.collection} (${r.key.by === 'field' ? r.key.field : r.key.by}${r.export.role ? `, ${r.export.role}` : ''})`

describe('a member with a row in every collection that names a member', () => {
  let memberNo: string
  let avatar: string
  let exportFile: string
  const before = new Map<MemberRelation, any[]>()

  beforeAll(async () => {
    await setClock(env.emu, NOON)
    // roles and rules
    await makeStaff(env, STAFF, STORE, '隐私店员')
    // a staff 渠道码 the member signs up through (signups), and a 生日礼 to claim (birthday_gifts)
    const staffCode = ok(await env.admin({ action: 'createChannelCode', kind: 'staff', staffOpenid: STAFF, name: '隐私店员' }))
    ok(await env.admin({ action: 'setBirthdayGiftRules', rules: { enabled: true, points: 20, couponTemplateId: null } }))
    const config = structuredClone(DEFAULT_REMINDER_CONFIG)
    config.kinds.campaign = { ...config.kinds.campaign, enabled: true, templateId: T_CAMPAIGN }
    ok(await env.admin({ action: 'setReminderConfig', config }))
    const template = (templateId: string, extra: object) => ({
      templateId,
      name: '隐私测试券',
      validity: { kind: 'relative', days: 30 },
      totalStock: null,
      perMemberLimit: 5,
      audience: { kind: 'all' },
      channels: ['claim_center', 'admin'],
      ...extra,
    })
    ok(await env.admin({ action: 'upsertCouponTemplate', template: template('pipl-cash', { type: 'cash', valueFen: 500, minSpendFen: 0 }) }))
    ok(await env.admin({ action: 'upsertCouponTemplate', template: template('pipl-gift', { type: 'gift', giftName: '联名帆布袋' }) }))
    ok(await env.admin({ action: 'importCouponCodes', templateId: 'pipl-gift', codes: ['PIPL-0001', 'PIPL-0002'] }))
    ok(
      await env.admin({
        action: 'importMembers',
        batchId: 'pipl-batch',
        rows: [{ externalId: 'PIPL-EXT-1', phone: PHONE, name: '迁移会员', birthday: '1988-08-08', joinDate: '2019-01-01', openingPoints: 300, tags: ['老会员'] }],
      }),
    )

    // sign-up through an invitation; the member invites someone too
    await signUp(env, INVITER)
    ok(await env.member({ action: 'login', inviteCode: await memberNoOf(INVITER), scene: staffCode.channel.scene }, M))
    memberNo = await memberNoOf(M)
    ok(await env.member({ action: 'login', inviteCode: memberNo }, INVITEE))

    // the consent the app asks for first (a new avatar, nickname and the phone need it), then
    // a profile with an avatar in the member's own folder; the phone claims the import
    await agreePrivacy(env, M)
    // withdrawn and given again: the consent record has both fields (and three audit rows)
    ok(await env.member({ action: 'withdrawPrivacy' }, M))
    await agreePrivacy(env, M)
    avatar = (await cloud().uploadFile({ cloudPath: `avatars/${M}/me.png`, fileContent: Buffer.from('png bytes') })).fileID
    ok(await env.member({ action: 'updateProfile', patch: { nickname: '隐私会员', birthday: '1990-01-02', gender: 'female', avatarFileId: avatar } }, M))
    ok(await env.member({ action: 'bindPhone', wxCode: WX_CODE }, M))
    // the birthday week of 2 January
    await setClock(env.emu, '2027-01-02T04:00:00.000Z')
    ok(await env.member({ action: 'claimBirthdayGift' }, M))
    await setClock(env.emu, NOON)
    // the daily job's scores (written as it writes them: a churn score needs fitted models)
    await env.db
      .collection('members')
      .doc(M)
      .update({
        data: {
          rfm: { r: 2, f: 1, m: 3, score: 6, layer: 'mid' },
          valueLayer: 'mid',
          churn: { risk: 0.7, pAlive: 0.3, expectedPurchases: 0.4, clvFen: 1200, reasons: ['距上次消费 60 天'], scoredAt: new Date(NOON) },
          ruleTags: ['高流失风险'],
          tags: ['老会员', '高流失风险'],
        },
      })

    ok(await env.member({ action: 'checkIn' }, M))
    const cash = ok(await env.member({ action: 'claimCoupon', templateId: 'pipl-cash', requestId: rid('claim') }, M)).coupon
    ok(await env.member({ action: 'claimCoupon', templateId: 'pipl-gift', requestId: rid('claim') }, M))

    // a till purchase with the member code and the coupon, a partial refund
    const { code } = await codeOf(env, M, new Date(NOON))
    const bought = ok(await env.staff({ action: 'recordPurchase', requestId: rid('buy'), member: { code }, amountFen: 6_000, couponCodes: [cash.code] }, STAFF))
    ok(await env.staff({ action: 'refundPurchase', requestId: rid('refund'), purchaseId: bought.purchase.purchaseId, amountFen: 1_000 }, STAFF))
    // a failed code check counts against the member's number; the invitee's first purchase fills the inviter's counter
    const wrongCode = code.slice(0, -1) + String((Number(code.slice(-1)) + 1) % 10)
    expect(await env.staff({ action: 'verifyCode', code: wrongCode }, STAFF)).toMatchObject({ ok: false })
    ok(await env.staff({ action: 'recordPurchase', requestId: rid('buy'), member: { memberNo: await memberNoOf(INVITEE) }, amountFen: 2_000 }, STAFF))

    // NPS as a detractor: a follow-up the store closes with a note
    ok(await env.member({ action: 'submitNps', purchaseId: bought.purchase.purchaseId, score: 3, comment: '排队太久，店员态度差' }, M))
    const followUp = ok(await env.staff({ action: 'followUps' }, STAFF)).items.find((f: any) => f.memberNo === memberNo)
    ok(await env.staff({ action: 'closeFollowUp', followUpId: followUp.followUpId, note: '已电话致歉，会员说下周再来' }, STAFF))

    // history orders
    ok(
      await env.admin({
        action: 'importOrders',
        batchId: 'pipl-orders',
        source: 'history',
        awardPoints: true,
        orders: [
          {
            orderId: 'PIPL-O-1',
            createdAt: '2026-11-20T10:00:00+08:00',
            member: { memberNo },
            amountFen: 3_000,
            lines: [{ sku: 'latte', title: '拿铁', category: 'coffee', quantity: 1, priceFen: 3_000 }],
          },
        ],
      }),
    )

    // taps, a subscribe grant, a campaign (treated) and its message
    ok(
      await env.member(
        {
          action: 'track',
          requestId: rid('trk'),
          events: [
            { type: 'view', productId: 'latte' },
            { type: 'click', productId: 'latte', source: 'home.recommend' },
          ],
        },
        M,
      ),
    )
    ok(await env.member({ action: 'reportSubscribe', requestId: rid('sub'), result: { [T_CAMPAIGN]: 'accept' } }, M))
    ok(await env.admin({ action: 'saveSegment', segmentId: 'pipl-all', name: '全部会员', rule: { all: [{ field: 'createdAt', op: 'exists', value: true }] } }))
    const campaignId = Array.from({ length: 50 }, (_x, i) => `pipl-camp-${i}`).find(id => campaignGroup(id, M, 1) === 'treated')!
    ok(
      await env.admin({
        action: 'startCampaign',
        campaign: { campaignId, name: '隐私测试活动', segmentId: 'pipl-all', templateId: 'pipl-cash', holdoutPercent: 1, windowDays: 7, message: { text: '新品第二杯半价' } },
      }),
    )
    expect(ok(await invoke(env.emu, 'reminders', { action: 'run' })).sent).toBeGreaterThan(0)

    // roles: staff at the till (a failed code check of their own), store manager, brand admin with an export file
    ok(await env.admin({ action: 'appointStaff', openid: M, storeId: STORE, name: '兼职店员' }))
    ok(await env.admin({ action: 'createChannelCode', kind: 'staff', staffOpenid: M, name: '兼职店员的渠道码' }))
    expect(await env.staff({ action: 'verifyCode', code: wrongCode }, M)).toMatchObject({ ok: false })
    ok(await env.admin({ action: 'appointManager', openid: M, storeId: STORE, name: '隐私店长' }))
    await env.db.collection('admins').add({ data: { _id: M, name: '隐私管理员', createdAt: new Date(NOON) } })
    exportFile = ok(await env.admin({ action: 'exportSegment', segmentId: 'pipl-all' }, M)).fileId

    // a pending SMS code for another number (local fake SMS)
    ok(await env.member({ action: 'requestPhoneCode', phone: '13900009999' }, M))

    // a WeCom contact (docs/wecom.md): the member signs in with a UNIONID and adds the staff member on WeCom
    ok(await env.admin({ action: 'setStaffWecomUser', openid: STAFF, wecomUserId: 'pipl_advisor' }))
    const headers = { 'content-type': 'application/json', 'x-wx-openid': M, 'x-wx-unionid': 'u_pipl_member' }
    ok(await (await fetch(`${env.emu.baseUrl}/functions/member`, { method: 'POST', headers, body: JSON.stringify({ action: 'login' }) })).json())
    const added = await fetch(`${env.emu.baseUrl}/wecom/simulate/add-contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'pipl_advisor', externalUserId: 'wm_pipl_member', unionid: 'u_pipl_member' }),
    })
    expect((await added.json()).callback.status).toBe(200)

    for (const r of MEMBER_RELATIONS) before.set(r, await rowsFor(r, { openid: M, memberNo }))
  }, 240_000)

  test('the seed covers every relation: each has rows', () => {
    const empty = MEMBER_RELATIONS.filter(r => !before.get(r)!.length).map(label)
    expect(empty).toEqual([])
  })

  test('exportMyData: a non-empty section for every declared export, nothing about anyone else', async () => {
    const d = ok(await env.member({ action: 'exportMyData' }, M))
    const empty = [...new Set(MEMBER_RELATIONS.map(r => r.export.section))].filter(s => {
      const v = d[s]
      return v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)
    })
    expect(empty).toEqual([])
    // the existing fields keep their shape
    expect(d.member).toMatchObject({ _id: M, memberNo, nickname: '隐私会员', phone: PHONE, avatarFileId: avatar })
    expect(d.staff).toEqual({ storeId: STORE, name: '兼职店员', active: true })
    // what toProfile leaves out: tags, stage, RFM, churn and CLV with the reasons
    expect(d.derived).toMatchObject({ tags: ['老会员', '高流失风险'], manualTags: ['老会员'], rfm: { score: 6 }, churn: { risk: 0.7, clvFen: 1200, reasons: ['距上次消费 60 天'] } })
    expect(typeof d.derived.stage).toBe('string')
    expect(d.derived.privacyConsent).toEqual({ version: '1.0', agreedAt: NOON })
    expect(d.derived).not.toHaveProperty('invitedBy')
    expect(d.roles.map((r: any) => r.role).sort()).toEqual(['admin', 'channelCode', 'manager', 'staff'])
    expect(d.invites.map((r: any) => r.role).sort()).toEqual(['invitee', 'inviter'])
    expect(d.npsAnswers).toEqual([expect.objectContaining({ score: 3, comment: '排队太久，店员态度差' })])
    expect(d.followUps).toEqual([expect.objectContaining({ note: '已电话致歉，会员说下周再来', status: 'closed' })])
    expect(d.couponCodes).toEqual([expect.objectContaining({ templateId: 'pipl-gift', code: expect.stringMatching(/^PIPL-000[12]$/) })])
    expect(d.rateLimits.map((r: any) => r._id.split(':')[0]).sort()).toEqual(['code-member', 'code-staff', 'track'])
    // the inviter's reward names the invitee in its ledger and batch ids: hashed in the export
    expect(d.ledger.filter((l: any) => /:invite:#[0-9a-f]{10}$/.test(l.id))).toHaveLength(1)
    const text = JSON.stringify(d)
    for (const other of [STAFF, INVITER, INVITEE]) expect(text).not.toContain(other)
  })

  describe('deleteMyAccount', () => {
    beforeAll(async () => {
      expect(await fileExists(avatar)).toBe(true)
      expect(await fileExists(exportFile)).toBe(true)
      expect(await env.member({ action: 'deleteMyAccount', confirm: true }, M)).toEqual({ ok: true, data: { deleted: true } })
    }, 60_000)

    test('every relation as declared: deleted rows gone, anonymized rows without the personal fields, kept rows still there', async () => {
      const problems: string[] = []
      for (const r of MEMBER_RELATIONS) {
        const ids = before.get(r)!.map(row => row._id)
        const now = await env.db
          .collection(r.collection)
          .where({ _id: env._.in(ids) })
          .limit(1000)
          .get()
        const byId = new Map(now.data.map((row: any) => [row._id, row]))
        if (r.erase.do === 'delete') {
          if (byId.size) problems.push(`${label(r)}: ${byId.size} rows not deleted`)
          if ((await rowsFor(r, { openid: M, memberNo })).length) problems.push(`${label(r)}: rows still found by the key`)
        } else {
          if (byId.size !== ids.length) problems.push(`${label(r)}: ${ids.length - byId.size} kept rows gone`)
          const erase = r.erase
          // part of a doc another relation erases: these fields stay as they were
          if (erase.do === 'keep' && erase.fields) {
            for (const row of before.get(r)!) {
              for (const field of erase.fields) {
                if (JSON.stringify(row[field]) !== JSON.stringify((byId.get(row._id) as any)?.[field])) problems.push(`${label(r)} ${row._id}: kept ${field} changed`)
              }
            }
          }
          // rows that still asked somebody to act are settled, stamped with the deletion's time
          if (erase.do === 'anonymize' && erase.settle) {
            const { where, set, stamp } = erase.settle
            const matches = (row: any) => Object.entries(where).every(([k, v]) => row[k] === v)
            for (const row of byId.values()) if (matches(row)) problems.push(`${label(r)} ${(row as any)._id}: still ${JSON.stringify(where)}`)
            for (const old of before.get(r)!.filter(matches)) {
              const row: any = byId.get(old._id)
              for (const [field, value] of Object.entries(set)) if (row?.[field] !== value) problems.push(`${label(r)} ${old._id}: ${field} = ${JSON.stringify(row?.[field])}`)
              if (!(row?.[stamp] instanceof Date)) problems.push(`${label(r)} ${old._id}: ${stamp} not stamped`)
            }
          }
          if (r.erase.do === 'anonymize') {
            for (const row of byId.values()) {
              for (const [field, value] of Object.entries(r.erase.fields)) {
                if (JSON.stringify((row as any)[field]) !== JSON.stringify(value)) problems.push(`${label(r)} ${(row as any)._id}: ${field} = ${JSON.stringify((row as any)[field])}`)
              }
            }
          }
        }
      }
      expect(problems).toEqual([])
    })

    test('what anonymized and kept rows still hold says nothing personal', async () => {
      const doc = await memberDoc(env, M)
      expect(doc).toMatchObject({
        status: 'deleted',
        nickname: DELETED_NICKNAME,
        phone: null,
        avatarFileId: null,
        birthday: null,
        tags: [],
        churn: null,
        rfm: null,
        erasure: { finishedAt: expect.any(Date), files: [], orderKeys: [] },
      })
      const personal = ['隐私会员', '兼职店员', '隐私店长', PHONE, '排队太久', '已电话致歉', '1990-01-02', 'PIPL-EXT-1', '迁移会员']
      for (const name of ['members', 'nps_responses', 'follow_ups', 'invites', 'reminders_log', 'orders', 'member_imports', 'staff', 'managers']) {
        const { data } = await env.db.collection(name).limit(1000).get()
        const text = JSON.stringify(data)
        for (const p of personal) expect({ name, leaks: text.includes(p) ? p : null }).toEqual({ name, leaks: null })
      }
      // the consent record stays as proof of consent (withdrawn once, given again), and its audit rows
      expect(doc.privacyConsent).toEqual({ version: '1.0', agreedAt: new Date(NOON) })
      expect(doc.privacyWithdrawnAt).toEqual(new Date(NOON))
      const consentAudits = async (action: string) => (await env.db.collection('audit_log').where({ action, target: M }).count()).total
      expect([await consentAudits('privacyConsent'), await consentAudits('privacyConsentWithdrawn')]).toEqual([2, 1])
      // the claimed import left a tombstone, the invitation shows the inviter 已注销用户
      expect((await env.db.collection('member_imports').where({ status: 'erased' }).count()).total).toBe(1)
      expect((await env.db.collection('invites').doc(M).get()).data).toMatchObject({ inviteeNickname: DELETED_NICKNAME, inviterId: INVITER })
    })

    test('the member’s files are gone: the avatar and the export in their own folder', async () => {
      expect(await fileExists(avatar)).toBe(false)
      expect(await fileExists(exportFile)).toBe(false)
    })

    test('roles end, sign-in stays refused, and a second deletion answers as before', async () => {
      expect(await env.staff({ action: 'me' }, M)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
      expect(await env.admin({ action: 'consoleHome', from: '2026-11-01', to: '2026-11-23' }, M)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
      expect(await env.member({ action: 'login' }, M)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
      expect(await env.member({ action: 'deleteMyAccount', confirm: true }, M)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
      expect((await env.db.collection('audit_log').where({ action: 'deleteMyAccount', target: M }).count()).total).toBe(1)
    })
  })
})

test("a replaced avatar is deleted from storage; a file outside the member's own folder is never touched", async () => {
  const A = 'o_pipl_avatar'
  await signUp(env, A)
  await agreePrivacy(env, A)
  const put = (cloudPath: string) =>
    cloud()
      .uploadFile({ cloudPath, fileContent: Buffer.from(cloudPath) })
      .then(r => r.fileID)
  const first = await put(`avatars/${A}/1.png`)
  const second = await put(`avatars/${A}/2.png`)
  const brand = await put('brand/logo.png')
  ok(await env.member({ action: 'updateProfile', patch: { avatarFileId: first } }, A))
  ok(await env.member({ action: 'updateProfile', patch: { avatarFileId: second } }, A))
  expect(await fileExists(first)).toBe(false)
  expect(await fileExists(second)).toBe(true)
  // an avatar pointing at a shared file (set by hand) is replaced without deleting that file
  await env.db
    .collection('members')
    .doc(A)
    .update({ data: { avatarFileId: brand } })
  ok(await env.member({ action: 'updateProfile', patch: { avatarFileId: second } }, A))
  expect(await fileExists(brand)).toBe(true)
})

describe('open follow-ups (回访) of a deleted member', () => {
  const F = 'o_pipl_followup'
  const openOnes = async () => ok(await env.staff({ action: 'followUps', status: 'open' }, STAFF)).items.filter((f: any) => f.memberNo === memberNo)
  let memberNo: string

  /** A detractor's answer about a till purchase: an open follow-up for the store. */
  beforeAll(async () => {
    await setClock(env.emu, NOON)
    await makeStaff(env, STAFF, STORE, '隐私店员')
    memberNo = (await signUp(env, F)).memberNo
    const { code } = await codeOf(env, F, new Date(NOON))
    const bought = ok(await env.staff({ action: 'recordPurchase', requestId: rid('buy'), member: { code }, amountFen: 3_000 }, STAFF))
    ok(await env.member({ action: 'submitNps', purchaseId: bought.purchase.purchaseId, score: 1, comment: '咖啡是凉的' }, F))
    expect(await openOnes()).toHaveLength(1)
  }, 60_000)

  test('deletion closes them with the reason 会员已注销 and the deletion time; the staff’s list no longer shows them open', async () => {
    const [task] = await openOnes()
    ok(await env.member({ action: 'deleteMyAccount', confirm: true }, F))
    const deletedAt = (await memberDoc(env, F)).deletedAt
    const row = (await env.db.collection('follow_ups').doc(task.followUpId).get()).data
    expect(row).toMatchObject({ status: 'closed', closedReason: MEMBER_DELETED_REASON, closedBy: 'system', closedAt: deletedAt, comment: '', nickname: DELETED_NICKNAME, note: null, score: 1 })
    expect(await openOnes()).toEqual([])
    // the 关怀任务 of the same answer closes too, without the message
    const [care] = (await env.db.collection('care_tasks').where({ memberId: F }).get()).data
    expect(care).toMatchObject({ kind: 'nps_detractor', status: 'closed', closedReason: MEMBER_DELETED_REASON, closedAt: deletedAt, nickname: DELETED_NICKNAME, message: '', reason: '' })
    const closed = ok(await env.staff({ action: 'followUps', status: 'closed' }, STAFF)).items.find((f: any) => f.followUpId === task.followUpId)
    expect(closed).toMatchObject({ status: 'closed', note: MEMBER_DELETED_REASON, comment: '' })
    // the store cannot close it again
    expect(await env.staff({ action: 'closeFollowUp', followUpId: task.followUpId, note: '回访' }, STAFF)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
  })

  test('a crash before the rows were erased: the retry closes the task, stamped with the time the deletion began', async () => {
    const [task] = ok(await env.staff({ action: 'followUps', status: 'closed' }, STAFF)).items.filter((f: any) => f.memberNo === memberNo)
    const startedAt = new Date('2026-11-23T03:59:00.000Z')
    // what a crash right after the transaction leaves: the plan not finished, the task still open
    await env.db
      .collection('follow_ups')
      .doc(task.followUpId)
      .update({ data: { status: 'open', closedAt: null, closedBy: null, closedReason: env._.remove() } })
    await env.db
      .collection('members')
      .doc(F)
      .update({ data: { erasure: env._.set({ startedAt, files: [], orderKeys: [], finishedAt: null }) } })
    expect(await openOnes()).toHaveLength(1)
    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, F)).toEqual({ ok: true, data: { deleted: true } })
    expect((await env.db.collection('follow_ups').doc(task.followUpId).get()).data).toMatchObject({ status: 'closed', closedReason: MEMBER_DELETED_REASON, closedAt: startedAt })
    expect(await openOnes()).toEqual([])
  })
})

describe('retry safety', () => {
  test('a crash after the transaction: the deletion stays pending, sign-in is refused, calling again finishes it', async () => {
    const C = 'o_pipl_crash'
    await signUp(env, C)
    await agreePrivacy(env, C)
    const upload = () =>
      cloud()
        .uploadFile({ cloudPath: `avatars/${C}/a.png`, fileContent: Buffer.from('x') })
        .then(r => r.fileID)
    const file = await upload()
    ok(await env.member({ action: 'updateProfile', patch: { avatarFileId: file } }, C))
    ok(await env.member({ action: 'deleteMyAccount', confirm: true }, C))
    // what a crash right after the transaction leaves: the plan not finished, the rows and files of the second part still there
    await env.db
      .collection('members')
      .doc(C)
      .update({ data: { erasure: env._.set({ startedAt: new Date(), files: [file], orderKeys: [], finishedAt: null }) } })
    await env.db.collection('events').add({ data: { _id: `evt_crash_${C}`, memberId: C, events: [{ type: 'view', productId: 'latte' }], at: new Date() } })
    await env.db.collection('nps_responses').add({ data: { _id: `nps_crash_${C}`, memberId: C, storeId: STORE, score: 2, comment: '很失望', dismissed: false, at: new Date() } })
    expect(await upload()).toBe(file)

    expect(await env.member({ action: 'login' }, C)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.member({ action: 'exportMyData' }, C)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, C)).toEqual({ ok: true, data: { deleted: true } })
    expect((await env.db.collection('events').where({ memberId: C }).count()).total).toBe(0)
    expect((await env.db.collection('nps_responses').doc(`nps_crash_${C}`).get()).data).toMatchObject({ comment: '', score: 2 })
    expect(await fileExists(file)).toBe(false)
    expect((await memberDoc(env, C)).erasure.finishedAt).toBeInstanceOf(Date)
    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, C)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    // the transaction ran once (one audit row), whatever the retries
    expect((await env.db.collection('audit_log').where({ action: 'deleteMyAccount', target: C }).count()).total).toBe(1)
  }, 60_000)

  test('parallel deletions: the transaction commits once, every answer is deleted or PERMISSION_DENIED, the erasure finishes', async () => {
    const P = 'o_pipl_parallel'
    await signUp(env, P)
    ok(await env.member({ action: 'track', requestId: rid('trk'), events: [{ type: 'view', productId: 'latte' }] }, P))
    const answers = await Promise.all(Array.from({ length: 4 }, () => env.member({ action: 'deleteMyAccount', confirm: true }, P)))
    for (const a of answers) expect(a.ok ? a.data : a.code).toEqual(a.ok ? { deleted: true } : 'PERMISSION_DENIED')
    expect(answers.some(a => a.ok)).toBe(true)
    expect((await env.db.collection('audit_log').where({ action: 'deleteMyAccount', target: P }).count()).total).toBe(1)
    expect((await env.db.collection('events').where({ memberId: P }).count()).total).toBe(0)
    expect((await memberDoc(env, P)).erasure.finishedAt).toBeInstanceOf(Date)
  }, 60_000)
})
