/** Bulk import through the SDK on the emulator: members + opening balances, the claim at phone binding, partner coupon codes. */
import { spawnSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { fakePhoneNumber } from '../../emulator/openapi/apis'
import { csvRows, importCodesFile, importMembersFile, parseImportArgs } from '../../scripts/import'
import { erasedImportId } from '../../domain/import'
import { ROOT } from '../../scripts/emulator-process'
import { requestStats } from '../../scripts/bench-emulator'
import { useEmulator, signUpAgreeing, memberDoc, ledgerRows, rid } from './support'

/** The members here bind phones and set avatars: they agreed to the privacy guide at sign-up, as the app asks first. */
const signUp = signUpAgreeing

const env = useEmulator()

const row = (externalId: string, phone: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  phone,
  name: `会员${externalId}`,
  birthday: '1990-05-20',
  joinDate: '2019-03-01',
  openingPoints: 1200,
  ...extra,
})

async function importMembers(rows: unknown[], opts: { batchId?: string; dryRun?: boolean } = {}, caller?: string) {
  return env.admin({ action: 'importMembers', batchId: opts.batchId ?? rid('batch'), rows, ...(opts.dryRun ? { dryRun: true } : {}) }, caller)
}

async function importDoc(phone: string) {
  return (await env.db.collection('member_imports').where({ _id: phone }).get()).data[0]
}

async function count(collection: string, where: Record<string, unknown> = {}) {
  return (await env.db.collection(collection).where(where).count()).total
}

/** A consumer who signs in and binds `wxCode`'s phone (the emulator derives the phone from the code). */
async function signUpWithPhone(openid: string, wxCode: string) {
  await signUp(env, openid)
  return env.member({ action: 'bindPhone', wxCode }, openid)
}

describe('importMembers', () => {
  test('3 rows create 3 pending imports; the same rows again change nothing; a consumer is denied; one audit row per call', async () => {
    const rows = [row('A001', '13700000001'), row('A002', '+86 137-0000-0002', { gender: '女', tags: '老会员|母婴' }), row('A003', '13700000003', { openingPoints: '0' })]
    const first = await importMembers(rows, { batchId: 'batch-a' })
    expect(first).toMatchObject({ ok: true, data: { dryRun: false, rows: 3, created: 3, attached: 0, updated: 0, unchanged: 0, errors: 0, unfinished: 0, rowErrors: [] } })
    expect(await importDoc('13700000002')).toMatchObject({ externalId: 'A002', status: 'pending', gender: 'female', tags: ['老会员', '母婴'], openingPoints: 1200, memberId: null })
    const membersBefore = await count('members')
    const ledgerBefore = await count('points_ledger')

    const again = await importMembers(rows, { batchId: 'batch-a' })
    expect(again).toMatchObject({ ok: true, data: { created: 0, updated: 0, unchanged: 3, errors: 0 } })
    expect(await count('members')).toBe(membersBefore)
    expect(await count('points_ledger')).toBe(ledgerBefore)
    expect(await count('member_imports', { externalId: env._.in(['A001', 'A002', 'A003']) })).toBe(3)

    await signUp(env, 'o_imp_consumer')
    expect(await importMembers(rows, {}, 'o_imp_consumer')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.admin({ action: 'importCouponCodes', templateId: 'whatever', codes: ['ABCD-1234'] }, 'o_imp_consumer')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })

    const audits = (await env.db.collection('audit_log').where({ action: 'importMembers', target: 'batch-a' }).get()).data
    expect(audits).toHaveLength(2)
    expect(audits.map((a: any) => a.after.created).sort()).toEqual([0, 3])
    expect(audits[0].actor).toBe('console')
  })

  test('bad rows are reported with their index and code; the good rows beside them are imported', async () => {
    const rows = [
      row('B001', '13700000101'),
      row('B002', '1234'), // not a phone
      row('B003', '13700000103', { birthday: '2099-01-01' }), // in the future
      row('B004', '13700000104', { openingPoints: -5 }),
      row('B005', '13700000101'), // the phone of row 0 again
      row('B001', '13700000106'), // the externalId of row 0 again
      { externalId: 'B007', phone: '13700000107', shoeSize: 42 }, // unknown column
      'not a row',
      row('B009', '13700000109', { tierId: 'diamond' }), // no such tier
      row('B010', '13700000110', { joinDate: '2023/2/29' }), // not a date
      row('B011', '13700000111', { birthday: '19880704', tierId: 'gold' }),
    ]
    const res = await importMembers(rows)
    expect(res.ok).toBe(true)
    expect(res.data).toMatchObject({ rows: 11, created: 2, errors: 9 })
    expect(res.data.rowErrors.map((e: any) => [e.index, e.code])).toEqual([
      [1, 'INVALID_ROW'],
      [2, 'INVALID_ROW'],
      [3, 'INVALID_ROW'],
      [4, 'DUPLICATE_IN_BATCH'],
      [5, 'DUPLICATE_IN_BATCH'],
      [6, 'INVALID_ROW'],
      [7, 'INVALID_ROW'],
      [8, 'INVALID_ROW'],
      [9, 'INVALID_ROW'],
    ])
    expect(res.data.rowErrors[0]).toMatchObject({ externalId: 'B002', field: 'phone' })
    expect(res.data.rowErrors[5]).toMatchObject({ field: 'shoeSize' })
    expect(await importDoc('13700000111')).toMatchObject({ birthday: '1988-07-04', tierId: 'gold', status: 'pending' })
    expect(await importDoc('13700000106')).toBeUndefined()

    // the same phone under another externalId, and the same externalId with another phone, in a later call
    const later = await importMembers([row('B099', '13700000101'), row('B011', '13700000199')])
    expect(later.data.rowErrors.map((e: any) => [e.index, e.code])).toEqual([
      [0, 'PHONE_CONFLICT'],
      [1, 'EXTERNAL_ID_CONFLICT'],
    ])
    expect(later.data).toMatchObject({ created: 0, errors: 2 })
    // a pending import with other cells is updated
    expect((await importMembers([row('B001', '13700000101', { openingPoints: 1500 })])).data).toMatchObject({ updated: 1, errors: 0 })
    expect(await importDoc('13700000101')).toMatchObject({ externalId: 'B001', openingPoints: 1500 })
  })

  test('dryRun reports the same outcomes and writes nothing (no imports, no ledger, no audit)', async () => {
    const rows = [row('C001', '13700000201'), row('C002', 'bad'), row('C003', '13700000203')]
    const before = { imports: await count('member_imports'), ledger: await count('points_ledger'), audit: await count('audit_log') }
    const dry = await importMembers(rows, { batchId: 'batch-dry', dryRun: true })
    expect(dry).toMatchObject({ ok: true, data: { dryRun: true, created: 2, errors: 1, rowErrors: [{ index: 1, code: 'INVALID_ROW' }] } })
    expect({ imports: await count('member_imports'), ledger: await count('points_ledger'), audit: await count('audit_log') }).toEqual(before)
    const real = await importMembers(rows, { batchId: 'batch-dry' })
    expect(real.data).toMatchObject({ dryRun: false, created: 2, errors: 1 })
    // a dry run of an imported batch says unchanged
    expect((await importMembers(rows, { dryRun: true })).data).toMatchObject({ created: 0, unchanged: 2 })
  })

  test('a member who later binds the imported phone gets the profile and opening balance once, even with two binds in parallel', async () => {
    const wxCode = 'imp-claim-1'
    const phone = fakePhoneNumber(wxCode)
    await importMembers([row('D001', phone, { name: '王小明', gender: 'male', tierId: 'silver', tags: ['老会员'], openingPoints: 880 })])
    const openid = 'o_imp_claimer'
    await signUp(env, openid)
    const binds = await Promise.all([env.member({ action: 'bindPhone', wxCode }, openid), env.member({ action: 'bindPhone', wxCode }, openid)])
    for (const b of binds) expect(b).toMatchObject({ ok: true, data: { member: { phone } } })
    // and a third, later
    expect(await env.member({ action: 'bindPhone', wxCode }, openid)).toMatchObject({ ok: true })

    const m = await memberDoc(env, openid)
    expect(m).toMatchObject({ points: 880, nickname: '王小明', birthday: '1990-05-20', gender: 'male', manualTags: ['老会员'], tierId: 'silver' })
    expect(m.tier.manual).toMatchObject({ tierId: 'silver', mode: 'floor' })
    expect(m.stage).toBe('new') // the old join date (kept on the import record) does not make them churned
    const rows = await ledgerRows(env, openid)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ delta: 880, kind: 'adjust', sourceType: 'import', balanceAfter: 880 })
    const record = await importDoc(phone)
    expect(rows[0]._id).toBe(`adjust:import:${record.importId}`)
    expect(record).toMatchObject({ status: 'claimed', memberId: openid, claimedVia: 'bind', name: null, birthday: null, joinDate: '2019-03-01' })
    expect((await env.member({ action: 'getPoints' }, openid)).data.balance).toBe(880)

    // re-importing the same row afterwards changes nothing; a changed row is refused
    expect((await importMembers([row('D001', phone, { name: '王小明', gender: 'male', tierId: 'silver', tags: ['老会员'], openingPoints: 880 })])).data).toMatchObject({ unchanged: 1, errors: 0 })
    expect((await importMembers([row('D001', phone, { openingPoints: 9999 })])).data.rowErrors).toMatchObject([{ index: 0, code: 'ALREADY_CLAIMED' }])
    expect((await memberDoc(env, openid)).points).toBe(880)
  })

  test('the H5 path (bindPhoneBySms) claims too; another member cannot bind the claimed phone and gets nothing', async () => {
    await importMembers([row('H001', '13700000401', { openingPoints: 42 })])
    const openid = 'o_imp_sms'
    await signUp(env, openid)
    const sms = await env.member({ action: 'requestPhoneCode', phone: '13700000401' }, openid)
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13700000401', smsCode: sms.data.devCode }, openid)).toMatchObject({ ok: true })
    expect(await memberDoc(env, openid)).toMatchObject({ points: 42, nickname: '会员H001' })
    // the claimed phone cannot be claimed again by someone else: binding it is ALREADY_EXISTS, nothing credited
    await signUp(env, 'o_imp_sms_other')
    const other = await env.member({ action: 'requestPhoneCode', phone: '13700000401' }, 'o_imp_sms_other')
    expect(await env.member({ action: 'bindPhoneBySms', phone: '13700000401', smsCode: other.data.devCode }, 'o_imp_sms_other')).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    expect((await memberDoc(env, 'o_imp_sms_other')).points).toBe(0)
  })

  test('an import that missed a racing binding (still pending on a bound phone) is attached by the next bind', async () => {
    const wxCode = 'imp-race-1'
    const phone = fakePhoneNumber(wxCode)
    const openid = 'o_imp_race'
    expect(await signUpWithPhone(openid, wxCode)).toMatchObject({ ok: true })
    // what the race leaves behind: a pending import of a phone that is bound already
    const now = new Date()
    await env.db.collection('member_imports').add({
      data: {
        _id: phone,
        importId: 'imp_race_1',
        externalId: 'R001',
        name: null,
        birthday: null,
        joinDate: null,
        openingPoints: 77,
        gender: null,
        tierId: null,
        tags: [],
        rowHash: 'x',
        status: 'pending',
        memberId: null,
        claimedAt: null,
        claimedVia: null,
        batchId: 'race',
        createdAt: now,
        updatedAt: now,
      },
    })
    expect(await env.member({ action: 'bindPhone', wxCode }, openid)).toMatchObject({ ok: true })
    expect((await memberDoc(env, openid)).points).toBe(77)
    expect(await importDoc(phone)).toMatchObject({ status: 'claimed', memberId: openid })
  })

  test('a phone already bound to a member credits that member at import, once; the own profile wins', async () => {
    const wxCode = 'imp-bound-1'
    const phone = fakePhoneNumber(wxCode)
    const openid = 'o_imp_bound'
    expect(await signUpWithPhone(openid, wxCode)).toMatchObject({ ok: true })
    await env.member({ action: 'updateProfile', patch: { nickname: '自己的昵称' } }, openid)
    const rows = [row('E001', phone, { name: '导入的名字', openingPoints: 300 })]
    const [a, b] = await Promise.all([importMembers(rows), importMembers(rows)])
    expect([a.data.attached, b.data.attached].sort()).toEqual([0, 1])
    expect(a.data.unchanged + b.data.unchanged).toBe(1)
    const m = await memberDoc(env, openid)
    expect(m).toMatchObject({ points: 300, nickname: '自己的昵称', birthday: '1990-05-20' })
    expect(await ledgerRows(env, openid)).toHaveLength(1)
    expect(await importDoc(phone)).toMatchObject({ status: 'claimed', memberId: openid, claimedVia: 'import' })
  })

  test('deleteMyAccount erases a claimed import: a tombstone without personal data stays; the same row again is ALREADY_CLAIMED; a new account binding the phone gets no opening balance', async () => {
    const wxCode = 'imp-erase-1'
    const phone = fakePhoneNumber(wxCode)
    const imported = row('G001', phone, { name: '赵六', gender: 'female', tierId: 'silver', tags: ['老会员'], openingPoints: 500 })
    expect((await importMembers([imported])).data).toMatchObject({ created: 1, errors: 0 })
    const openid = 'o_imp_erase'
    expect(await signUpWithPhone(openid, wxCode)).toMatchObject({ ok: true })
    expect((await memberDoc(env, openid)).points).toBe(500)
    const { importId } = await importDoc(phone)
    expect(await importDoc(phone)).toMatchObject({ status: 'claimed', memberId: openid })

    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, openid)).toEqual({ ok: true, data: { deleted: true } })
    expect(await importDoc(phone)).toBeUndefined()
    const tombstoneId = erasedImportId(phone)
    expect(tombstoneId).toMatch(/^erased:[0-9a-f]{64}$/)
    const tombstone = (await env.db.collection('member_imports').where({ _id: tombstoneId }).get()).data[0]
    expect(tombstone).toEqual({ _id: tombstoneId, status: 'erased', claimed: true, erasedAt: expect.any(Date) })
    // nothing in member_imports holds the phone, the externalId, the importId or the member any more
    const all = (await env.db.collection('member_imports').limit(1000).get()).data
    const stored = JSON.stringify(all)
    for (const personal of [phone, 'G001', importId, openid, '赵六']) expect(stored).not.toContain(personal)
    expect(await count('member_imports', { memberId: openid })).toBe(0)
    // the deletion is audited with how many imports it erased (a count, nothing personal)
    expect((await env.db.collection('audit_log').where({ action: 'deleteMyAccount', target: openid }).get()).data[0].after).toEqual({ erasedImports: 1 })
    // the ledger keeps the opening balance row (keyed by the member id), so the totals stay true
    expect((await ledgerRows(env, openid)).map(r => r._id)).toEqual([`adjust:import:${importId}`])

    // the same row again (dry run and real), or a changed one: reported per row, nothing claimable created
    const auditsBefore = await count('audit_log', { action: 'importMembers' })
    for (const dryRun of [true, false]) {
      const again = await importMembers([imported, row('G002', '13700000501')], { dryRun })
      expect(again).toMatchObject({ ok: true, data: { created: 1, errors: 1, unchanged: 0, attached: 0, rowErrors: [{ index: 0, externalId: 'G001', code: 'ALREADY_CLAIMED' }] } })
      expect(again.data.rowErrors[0].message).toMatch(/注销/)
    }
    expect(await count('audit_log', { action: 'importMembers' })).toBe(auditsBefore + 1)
    expect((await importMembers([{ ...imported, openingPoints: 9999 }])).data.rowErrors).toMatchObject([{ index: 0, code: 'ALREADY_CLAIMED' }])
    expect(await importDoc(phone)).toBeUndefined()

    // a new account binding that phone gets no opening balance (and importing again does not attach it either)
    const next = 'o_imp_erase_next'
    expect(await signUpWithPhone(next, wxCode)).toMatchObject({ ok: true, data: { member: { phone } } })
    expect((await importMembers([imported])).data).toMatchObject({ attached: 0, errors: 1, rowErrors: [{ code: 'ALREADY_CLAIMED' }] })
    const fresh = await memberDoc(env, next)
    expect(fresh).toMatchObject({ points: 0, pointBatches: [], birthday: null })
    expect(fresh.nickname).not.toBe('赵六')
    expect(await ledgerRows(env, next)).toEqual([])
    expect(await importDoc(phone)).toBeUndefined()
  })

  test('deleteMyAccount also erases an import claimed under a phone the member changed since', async () => {
    await importMembers([row('G101', '13700000601', { openingPoints: 60 })])
    const openid = 'o_imp_erase_moved'
    await signUp(env, openid)
    const bind = async (phone: string) => {
      const sms = await env.member({ action: 'requestPhoneCode', phone }, openid)
      return env.member({ action: 'bindPhoneBySms', phone, smsCode: sms.data.devCode }, openid)
    }
    expect(await bind('13700000601')).toMatchObject({ ok: true })
    expect((await memberDoc(env, openid)).points).toBe(60)
    expect(await bind('13700000602')).toMatchObject({ ok: true, data: { member: { phone: '13700000602' } } })
    expect(await importDoc('13700000601')).toMatchObject({ status: 'claimed', memberId: openid })

    expect(await env.member({ action: 'deleteMyAccount', confirm: true }, openid)).toMatchObject({ ok: true })
    expect(await importDoc('13700000601')).toBeUndefined()
    expect(await count('member_imports', { _id: erasedImportId('13700000601') })).toBe(1)
    expect((await importMembers([row('G101', '13700000601', { openingPoints: 60 })])).data.rowErrors).toMatchObject([{ code: 'ALREADY_CLAIMED' }])
  })

  test('a bind racing the account deletion: the import ends either erased (claimed first) or still pending (deleted first), never claimed by a deleted member', async () => {
    // a row with nothing to copy and no balance: the claim changes no member field but updatedAt
    const pairs = Array.from({ length: 6 }, (_x, i) => ({ openid: `o_imp_race_del_${i}`, wxCode: `imp-race-del-${i}` }))
    await importMembers(pairs.map((p, i) => ({ externalId: `RD${i}`, phone: fakePhoneNumber(p.wxCode), openingPoints: 0 })))
    for (const p of pairs) await signUp(env, p.openid)
    await Promise.all(pairs.flatMap(p => [env.member({ action: 'bindPhone', wxCode: p.wxCode }, p.openid), env.member({ action: 'deleteMyAccount', confirm: true }, p.openid)]))
    const seen = { erased: 0, pending: 0 }
    for (const p of pairs) {
      const phone = fakePhoneNumber(p.wxCode)
      seen[(await importDoc(phone)) ? 'pending' : 'erased']++
      expect(await memberDoc(env, p.openid)).toMatchObject({ status: 'deleted', phone: null })
      const record = await importDoc(phone)
      const tombstones = await count('member_imports', { _id: erasedImportId(phone) })
      if (record) expect([record.status, record.memberId, tombstones]).toEqual(['pending', null, 0])
      else expect(tombstones).toBe(1)
      expect(await count('member_phones', { _id: phone })).toBe(0)
    }
    console.log(`bind racing deletion: ${JSON.stringify(seen)}`)
  })

  test('parallel imports of the same batch create each import once', async () => {
    const rows = Array.from({ length: 20 }, (_x, i) => row(`F${String(i).padStart(3, '0')}`, `1370000${String(3000 + i)}`))
    const results = await Promise.all([1, 2, 3].map(() => importMembers(rows, { batchId: 'batch-par' })))
    for (const r of results) expect(r).toMatchObject({ ok: true, data: { errors: 0 } })
    expect(results.reduce((s, r) => s + r.data.created, 0)).toBe(20)
    expect(results.reduce((s, r) => s + r.data.unchanged, 0)).toBe(40)
    expect(await count('member_imports', { externalId: env._.in(rows.map(r => r.externalId)) })).toBe(20)
  })

  test('500 rows in one call finish within the function timeout', async () => {
    const rows = Array.from({ length: 500 }, (_x, i) => row(`G${i}`, `1360000${String(i).padStart(4, '0')}`))
    const started = Date.now()
    const res = await importMembers(rows, { batchId: 'batch-500' })
    expect(res).toMatchObject({ ok: true })
    expect(res.data.created + res.data.unfinished).toBe(500)
    console.log(`importMembers: 500 rows in ${Date.now() - started} ms (${res.data.unfinished} unfinished)`)
    if (res.data.unfinished) {
      const rest = await importMembers(rows, { batchId: 'batch-500' })
      expect(rest.data.created).toBe(res.data.unfinished)
    }
    expect(await count('member_imports', { externalId: env._.in(rows.slice(0, 100).map(r => r.externalId)) })).toBe(100)
  }, 90_000)
})

describe('importCouponCodes', () => {
  const template = (templateId: string, overrides: Record<string, unknown> = {}) => ({
    templateId,
    name: '合作方兑换礼',
    type: 'gift',
    giftName: '联名帆布袋',
    validity: { kind: 'relative', days: 30 },
    totalStock: null,
    perMemberLimit: 1,
    audience: { kind: 'all' },
    channels: ['claim_center', 'admin'],
    ...overrides,
  })

  test('duplicates in the batch or already stored are rejected per code; dryRun writes nothing; audited once per call', async () => {
    expect(await env.admin({ action: 'upsertCouponTemplate', template: template('gift-codes-1') })).toMatchObject({ ok: true })
    expect(await env.admin({ action: 'importCouponCodes', templateId: 'no-such-tpl', codes: ['ABCD-0001'] })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    const dry = await env.admin({ action: 'importCouponCodes', templateId: 'gift-codes-1', codes: ['ABCD-0001', 'ABCD-0002', 'ABCD-0001', 'x'], dryRun: true })
    expect(dry).toMatchObject({ ok: true, data: { dryRun: true, imported: 2, errors: 2, pool: { imported: 2, assigned: 0, available: 2 } } })
    expect(await count('coupon_codes', { templateId: 'gift-codes-1' })).toBe(0)

    const first = await env.admin({ action: 'importCouponCodes', templateId: 'gift-codes-1', codes: ['ABCD-0001', 'ABCD-0002', 'ABCD-0001', 'x', 'ABCD-0003'], batchId: 'codes-1' })
    expect(first.data).toMatchObject({ imported: 3, errors: 2, pool: { imported: 3, assigned: 0, available: 3 } })
    expect(first.data.codeErrors.map((e: any) => [e.index, e.error])).toEqual([
      [2, 'DUPLICATE_IN_BATCH'],
      [3, 'INVALID_CODE'],
    ])
    expect(first.data.stockWarning).toMatch(/不限/)
    const second = await env.admin({ action: 'importCouponCodes', templateId: 'gift-codes-1', codes: ['ABCD-0003', 'ABCD-0004'] })
    expect(second.data).toMatchObject({ imported: 1, errors: 1, codeErrors: [{ index: 0, error: 'ALREADY_EXISTS' }], pool: { imported: 4 } })
    // parallel imports of overlapping codes store each code once
    const par = await Promise.all(
      [
        ['P-0001', 'P-0002', 'P-0003'],
        ['P-0002', 'P-0003', 'P-0004'],
      ].map(codes => env.admin({ action: 'importCouponCodes', templateId: 'gift-codes-1', codes })),
    )
    expect(par[0].data.imported + par[1].data.imported).toBe(4)
    const stored = (await env.db.collection('coupon_codes').where({ templateId: 'gift-codes-1', kind: 'code' }).limit(100).get()).data
    expect(stored).toHaveLength(8)
    expect(new Set(stored.map((c: any) => c.seq))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]))
    const audits = (await env.db.collection('audit_log').where({ action: 'importCouponCodes', target: 'gift-codes-1' }).get()).data
    expect(audits).toHaveLength(4)
  })

  test('a template without codes is never asked for its pool; one with codes (also one stored before the flag) hands them out; lastClaimAt is written once a day', async () => {
    const claims = async (templateId: string, member: string) => {
      await requestStats(env.emu, 'DELETE')
      const res = await env.member({ action: 'claimCoupon', templateId, requestId: rid('pool') }, member)
      const { requests } = await requestStats(env.emu)
      return {
        res,
        reads: requests['database.getDocument'] ?? 0,
        total: Object.entries(requests)
          .filter(([k]) => k.startsWith('database.'))
          .reduce((a, [, v]) => a + v, 0),
      }
    }
    expect(await env.admin({ action: 'upsertCouponTemplate', template: template('pool-none', { perMemberLimit: 5 }) })).toMatchObject({ ok: true })
    expect((await env.db.collection('coupon_templates').doc('pool-none').get()).data.codePool).toBe(false)
    await signUpAgreeing(env, 'o_imp_pool')
    // member, template, the member's claims of it: no code pool; then the day's lastClaimAt
    const first = await claims('pool-none', 'o_imp_pool')
    expect(first.res).toMatchObject({ ok: true, data: { replayed: false } })
    expect(first.reads).toBe(3)
    expect(first.total).toBe(9)
    const second = await claims('pool-none', 'o_imp_pool')
    expect(second.res.ok).toBe(true)
    expect(second.total).toBe(8)
    expect((await memberDoc(env, 'o_imp_pool')).lastClaimAt).toEqual(expect.any(Date))

    // codes imported later: the template is marked, the next claim gets one
    expect((await env.admin({ action: 'importCouponCodes', templateId: 'pool-none', codes: ['LATE-0001'] })).data).toMatchObject({ imported: 1 })
    expect((await env.db.collection('coupon_templates').doc('pool-none').get()).data.codePool).toBe(true)
    expect((await claims('pool-none', 'o_imp_pool')).res.data.coupon.externalCode).toBe('LATE-0001')

    // a template stored before the flag (no codePool field) still reads its pool
    expect(await env.admin({ action: 'upsertCouponTemplate', template: template('pool-old') })).toMatchObject({ ok: true })
    expect((await env.admin({ action: 'importCouponCodes', templateId: 'pool-old', codes: ['OLD-0001'] })).data).toMatchObject({ imported: 1 })
    await env.db
      .collection('coupon_templates')
      .doc('pool-old')
      .update({ data: { codePool: env._.remove() } })
    expect(await env.admin({ action: 'upsertCouponTemplate', template: template('pool-old', { name: '改名' }) })).toMatchObject({ ok: true })
    expect((await env.db.collection('coupon_templates').doc('pool-old').get()).data).not.toHaveProperty('codePool')
    expect((await claims('pool-old', 'o_imp_pool')).res.data.coupon.externalCode).toBe('OLD-0001')
  })

  test('1000 codes in one call', async () => {
    expect(await env.admin({ action: 'upsertCouponTemplate', template: template('gift-codes-1000', { totalStock: 1000 }) })).toMatchObject({ ok: true })
    const codes = Array.from({ length: 1000 }, (_x, i) => `K-${String(i).padStart(6, '0')}`)
    const started = Date.now()
    const res = await env.admin({ action: 'importCouponCodes', templateId: 'gift-codes-1000', codes })
    console.log(`importCouponCodes: 1000 codes in ${Date.now() - started} ms`)
    expect(res).toMatchObject({ ok: true, data: { imported: 1000, errors: 0, pool: { imported: 1000, available: 1000 }, stockWarning: null } })
  }, 60_000)

  test('20 parallel claims of a template with 10 codes: 10 coupons, each with its own code; then OUT_OF_STOCK', async () => {
    expect(await env.admin({ action: 'upsertCouponTemplate', template: template('gift-codes-rush') })).toMatchObject({ ok: true })
    const codes = Array.from({ length: 10 }, (_x, i) => `RUSH-${String(i).padStart(4, '0')}`)
    expect((await env.admin({ action: 'importCouponCodes', templateId: 'gift-codes-rush', codes })).data).toMatchObject({ imported: 10 })
    const members = Array.from({ length: 20 }, (_x, i) => `o_imp_rush_${i}`)
    for (const m of members) await signUp(env, m)
    // CONFLICT means "busy, try again" (and on a loaded machine a call may time out): the client retries with the same requestId
    const attempt = async (m: string) => {
      const requestId = rid('rush')
      for (;;) {
        const res = await env.member({ action: 'claimCoupon', templateId: 'gift-codes-rush', requestId }, m)
        if (res.ok || !['CONFLICT', 'FUNCTIONS_TIME_LIMIT_EXCEEDED'].includes(res.code)) return res
      }
    }
    const results = await Promise.all(members.map(attempt))
    const won = results.filter(r => r.ok)
    expect(won).toHaveLength(10)
    expect(results.filter(r => !r.ok).map(r => r.code)).toEqual(Array(10).fill('OUT_OF_STOCK'))
    const given = won.map(r => r.data.coupon.externalCode)
    expect(new Set(given)).toEqual(new Set(codes))
    const issued = (await env.db.collection('coupons').where({ templateId: 'gift-codes-rush' }).limit(100).get()).data
    expect(issued).toHaveLength(10)
    expect(new Set(issued.map((c: any) => c.externalCode)).size).toBe(10)
    const slots = (await env.db.collection('coupon_codes').where({ templateId: 'gift-codes-rush', kind: 'code' }).limit(100).get()).data
    for (const s of slots) expect(issued.find((c: any) => c._id === s.couponId)?.externalCode).toBe(s.code)
    // the member sees the code on the coupon
    const winner = members[results.findIndex(r => r.ok)]
    const mine = await env.member({ action: 'myCoupons', state: 'available' }, winner)
    expect(mine.data.items.find((c: any) => c.templateId === 'gift-codes-rush').externalCode).toMatch(/^RUSH-/)
  }, 60_000)
  test('issueCoupons dryRun counts the codes left in the pool: members beyond them are 已领完, as in the real run', async () => {
    // stock 10, but only 3 codes imported (2 left once one is claimed)
    expect(await env.admin({ action: 'upsertCouponTemplate', template: template('gift-codes-dry', { totalStock: 10 }) })).toMatchObject({ ok: true })
    expect((await env.admin({ action: 'importCouponCodes', templateId: 'gift-codes-dry', codes: ['DRY-0001', 'DRY-0002', 'DRY-0003'] })).data).toMatchObject({ imported: 3 })
    const members = Array.from({ length: 5 }, (_x, i) => `o_imp_dry_${i}`)
    for (const m of members) await signUp(env, m)
    expect(await env.member({ action: 'claimCoupon', templateId: 'gift-codes-dry', requestId: rid('dry') }, members[0])).toMatchObject({ ok: true })
    const event = { action: 'issueCoupons', templateId: 'gift-codes-dry', openids: members, requestId: rid('dry') }

    const dry = await env.admin({ ...event, dryRun: true })
    expect(dry).toMatchObject({ ok: true, data: { dryRun: true, requested: 5, wouldIssue: 2, issued: 0, skipped: { 已达领取上限: 1, 已领完: 2 } } })
    const first = (await memberDoc(env, members[0])).memberNo
    expect(dry.data.results.find((r: any) => r.member === first)).toEqual({ member: first, outcome: 'skipped', reason: '已达领取上限' })
    expect(await count('coupons', { templateId: 'gift-codes-dry' })).toBe(1)

    // the real run agrees
    const real = await env.admin(event)
    expect(real).toMatchObject({ ok: true, data: { dryRun: false, issued: 2, skipped: { 已达领取上限: 1, 已领完: 2 }, unfinished: 0 } })
    expect(await count('coupons', { templateId: 'gift-codes-dry' })).toBe(3)
    // afterwards the pool is empty: a dry run for the rest says 已领完 for everyone who has none (not "would issue")
    const after = await env.admin({ ...event, requestId: rid('dry'), dryRun: true })
    expect(after.data).toMatchObject({ wouldIssue: 0, skipped: { 已达领取上限: 3, 已领完: 2 } })
  })
})

describe('the import CLI (scripts/import.ts)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cli-'))
  const write = (name: string, text: string) => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, text)
    return file
  }

  test('arguments', () => {
    expect(parseImportArgs(['members', '--file', 'm.csv', '--dry-run', '--port', '9100'])).toEqual({
      kind: 'members',
      file: 'm.csv',
      templateId: undefined,
      batchId: undefined,
      dryRun: true,
      port: 9100,
    })
    expect(() => parseImportArgs(['codes', '--file', 'c.txt'])).toThrow(/--template/)
    expect(() => parseImportArgs(['members'])).toThrow(/--file/)
    expect(() => parseImportArgs(['people', '--file', 'x'])).toThrow(/usage/)
  })

  test('CSV with Chinese headers, quotes and a BOM; unknown columns are refused', () => {
    expect(csvRows('\uFEFF会员编号,手机号,姓名,期初积分\r\nK1,13800000001,"王, 小明",100\r\n\r\nK2,13800000002,,\r\n')).toEqual([
      { line: 2, row: { externalId: 'K1', phone: '13800000001', name: '王, 小明', openingPoints: '100' } },
      { line: 4, row: { externalId: 'K2', phone: '13800000002' } },
    ])
    expect(() => csvRows('externalId,phone,shoe\n1,2,3')).toThrow(/unknown column/)
  })

  test('members from a CSV in batches of 500: a dry run, the import, the same file again; bad lines reported by line', async () => {
    const lines = ['externalId,phone,name,birthday,joinDate,openingPoints,tags']
    for (let i = 0; i < 520; i++) lines.push(`CLI${i},1350000${String(i).padStart(4, '0')},会员${i},1991-01-0${(i % 9) + 1},2020-06-01,${i},老会员|CLI`)
    lines.push('CLIBAD,12345,坏行,,,,')
    const file = write('members.csv', lines.join('\n'))
    const quiet = () => {}
    const dry = await importMembersFile({ kind: 'members', file, dryRun: true, port: env.emu.port }, quiet)
    expect(dry).toMatchObject({ dryRun: true, batches: 2, rows: 521, created: 520, errors: [{ where: 'line 522', externalId: 'CLIBAD', code: 'INVALID_ROW' }] })
    expect(await count('member_imports', { externalId: 'CLI0' })).toBe(0)
    const real = await importMembersFile({ kind: 'members', file, dryRun: false, port: env.emu.port }, quiet)
    expect(real).toMatchObject({ batches: 2, created: 520, unchanged: 0, unfinished: 0 })
    expect(real.errors).toHaveLength(1)
    const again = await importMembersFile({ kind: 'members', file, dryRun: false, port: env.emu.port }, quiet)
    expect(again).toMatchObject({ created: 0, unchanged: 520 })
    // one audit row per call: the second batch (21 rows) was sent twice, the dry run wrote none
    expect(await count('audit_log', { action: 'importMembers', 'after.rows': 21 })).toBe(2)
  }, 90_000)

  test('npm run import: prints a summary and the failed lines; exit 1 when a row failed, 2 on bad arguments', () => {
    const file = write('cli.csv', '手机号,会员编号,期初积分\n13400000001,CLIP1,10\n13400000002,CLIP2,x\n')
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/import.ts'), ...args], { encoding: 'utf8', timeout: 60_000 })
    const r = run('members', '--file', file, '--batch-id', 'cli-run', '--port', String(env.emu.port))
    expect(r.status).toBe(1)
    expect(r.stdout).toContain('2 rows in 1 batches: created 1')
    expect(r.stdout).toMatch(/line 3 \(CLIP2\): INVALID_ROW/)
    expect(run('members').status).toBe(2)
  }, 60_000)

  test('codes from a text file', async () => {
    expect(
      await env.admin({
        action: 'upsertCouponTemplate',
        template: { templateId: 'gift-cli', name: '兑换礼', type: 'gift', giftName: '杯子', validity: { kind: 'relative', days: 30 }, totalStock: null, channels: ['claim_center'] },
      }),
    ).toMatchObject({ ok: true })
    const file = write('codes.txt', 'CLI-0001\nCLI-0002\n\nCLI-0001\nno\n')
    const res = await importCodesFile({ kind: 'codes', file, templateId: 'gift-cli', dryRun: false, port: env.emu.port }, () => {})
    expect(res).toMatchObject({ received: 4, imported: 2, pool: { imported: 2, assigned: 0, available: 2 } })
    expect(res.errors.map(e => [e.where, e.error])).toEqual([
      ['line 4', 'DUPLICATE_IN_BATCH'],
      ['line 5', 'INVALID_CODE'],
    ])
  })
})
