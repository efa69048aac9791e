import {
  batchDuplicates,
  decideRow,
  erasedImportId,
  headerField,
  normalizeDay,
  normalizeGender,
  normalizeMemberRow,
  normalizePhone,
  normalizePoints,
  normalizeTags,
  planClaim,
  rowHash,
} from '../../domain/import'
import { newMember } from '../../domain/member'
import { DEFAULT_TIER_LADDER } from '../../types/tiers'
import type { MemberImportRow } from '../../types/import'

const now = new Date('2026-11-23T17:30:00Z') // 01:30 on 24 Nov in Shanghai

const value = <T>(r: { ok: boolean; value?: T }) => (r.ok ? r.value : 'bad')

test('phones: separators and the +86 / 0086 / 86 prefixes are dropped; anything else must be a mainland mobile', () => {
  expect(value(normalizePhone('13800138000'))).toBe('13800138000')
  expect(value(normalizePhone(13800138000))).toBe('13800138000')
  expect(value(normalizePhone(' 138-0013-8000 '))).toBe('13800138000')
  expect(value(normalizePhone('+86 138 0013 8000'))).toBe('13800138000')
  expect(value(normalizePhone('008613800138000'))).toBe('13800138000')
  expect(value(normalizePhone('8613800138000'))).toBe('13800138000')
  expect(value(normalizePhone('(138)00138000'))).toBe('13800138000')
  for (const badPhone of ['', null, '12800138000', '1380013800', '138001380001', '+1 415 555 0100', '021-12345678', 'abc', true, {}]) {
    expect(normalizePhone(badPhone).ok).toBe(false)
  }
})

test('days: several spellings become YYYY-MM-DD; real dates only, 1900 to today in Shanghai', () => {
  expect(value(normalizeDay('1990-05-20', now))).toBe('1990-05-20')
  expect(value(normalizeDay('1990/5/2', now))).toBe('1990-05-02')
  expect(value(normalizeDay('1990.05.02', now))).toBe('1990-05-02')
  expect(value(normalizeDay('19900502', now))).toBe('1990-05-02')
  expect(value(normalizeDay('2019-03-01 10:22:33', now))).toBe('2019-03-01')
  expect(value(normalizeDay('', now))).toBeNull()
  expect(value(normalizeDay(null, now))).toBeNull()
  // 24 Nov is already today in Shanghai although it is still 23 Nov in UTC
  expect(value(normalizeDay('2026-11-24', now))).toBe('2026-11-24')
  expect(normalizeDay('2026-11-25', now).ok).toBe(false)
  expect(normalizeDay('2023-02-29', now).ok).toBe(false)
  expect(normalizeDay('2024-02-29', now).ok).toBe(true)
  expect(normalizeDay('1899-12-31', now).ok).toBe(false)
  expect(normalizeDay('20/05/1990', now).ok).toBe(false)
  expect(normalizeDay('1990-13-01', now).ok).toBe(false)
})

test('points, gender and tags', () => {
  expect(value(normalizePoints('1200'))).toBe(1200)
  expect(value(normalizePoints('1,200'))).toBe(1200)
  expect(value(normalizePoints(''))).toBe(0)
  expect(value(normalizePoints(0))).toBe(0)
  for (const p of [-1, 1.5, '12.5', '1e3', 'abc', 100_000_001, Number.NaN]) expect(normalizePoints(p).ok).toBe(false)
  expect(value(normalizeGender('女'))).toBe('female')
  expect(value(normalizeGender('M'))).toBe('male')
  expect(value(normalizeGender(''))).toBeNull()
  expect(normalizeGender('x').ok).toBe(false)
  expect(value(normalizeTags('老会员|母婴、 咖啡 ;老会员'))).toEqual(['老会员', '母婴', '咖啡'])
  expect(value(normalizeTags(['a', ' b ', 'a']))).toEqual(['a', 'b'])
  expect(normalizeTags('$bad').ok).toBe(false)
  expect(normalizeTags(Array.from({ length: 21 }, (_x, i) => `t${i}`)).ok).toBe(false)
})

test('a row: normalized, or the first bad field with a message; unknown columns and unknown tiers are rejected', () => {
  const check = normalizeMemberRow(
    { externalId: 10086, phone: '+86 13800138000', name: ' 王小明 ', birthday: '1990/5/20', joinDate: '20190301', openingPoints: '1,200', gender: '男', tierId: 'silver', tags: '老会员' },
    now,
    ['base', 'silver'],
  )
  expect(check).toEqual({
    ok: true,
    row: { externalId: '10086', phone: '13800138000', name: '王小明', birthday: '1990-05-20', joinDate: '2019-03-01', openingPoints: 1200, gender: 'male', tierId: 'silver', tags: ['老会员'] },
  })
  expect(normalizeMemberRow({ externalId: 'X1', phone: '13800138000' }, now)).toMatchObject({ ok: true, row: { name: null, openingPoints: 0, tags: [] } })
  expect(normalizeMemberRow({ externalId: 'X1', phone: '123' }, now)).toMatchObject({ ok: false, field: 'phone' })
  expect(normalizeMemberRow({ externalId: 'X 1', phone: '13800138000' }, now)).toMatchObject({ ok: false, field: 'externalId' })
  expect(normalizeMemberRow({ phone: '13800138000' }, now)).toMatchObject({ ok: false, field: 'externalId' })
  expect(normalizeMemberRow({ externalId: 'X1', phone: '13800138000', colour: 'red' }, now)).toMatchObject({ ok: false, field: 'colour' })
  expect(normalizeMemberRow({ externalId: 'X1', phone: '13800138000', tierId: 'diamond' }, now, ['base'])).toMatchObject({ ok: false, field: 'tierId' })
  expect(normalizeMemberRow({ externalId: 'X1', phone: '13800138000', name: '很'.repeat(21) }, now)).toMatchObject({ ok: false, field: 'name' })
  expect(normalizeMemberRow({ externalId: 'X1', phone: '13800138000', openingPoints: { $gt: 1 } }, now)).toMatchObject({ ok: false, field: 'openingPoints' })
  for (const junk of [null, 'row', 42, [], ['X1', '13800138000']]) expect(normalizeMemberRow(junk, now).ok).toBe(false)
})

test('CSV headers: English and Chinese names map to fields; others are not guessed', () => {
  expect(headerField('\uFEFFexternalId')).toBe('externalId')
  expect(headerField('手机号')).toBe('phone')
  expect(headerField(' 期初积分 ')).toBe('openingPoints')
  expect(headerField('入会日期')).toBe('joinDate')
  expect(headerField('Opening_Points')).toBe('openingPoints')
  expect(headerField('shoe size')).toBeNull()
})

const row = (externalId: string, phone: string, extra: Partial<MemberImportRow> = {}): MemberImportRow => ({
  externalId,
  phone,
  name: null,
  birthday: null,
  joinDate: null,
  openingPoints: 100,
  gender: null,
  tierId: null,
  tags: [],
  ...extra,
})

test('repeats within a batch: the first row of a phone or externalId wins', () => {
  const dups = batchDuplicates([row('A', '13800000001'), null, row('B', '13800000001'), row('A', '13800000003'), row('C', '13800000004')])
  expect([...dups]).toEqual([
    [2, { field: 'phone', first: 0 }],
    [3, { field: 'externalId', first: 0 }],
  ])
})

test('decideRow: created, unchanged, updated, attached, conflicts', () => {
  const r = row('A', '13800000001')
  const stored = (status: 'pending' | 'claimed', of = r) => ({ externalId: of.externalId, rowHash: rowHash(of), status })
  expect(decideRow(null, r, null)).toEqual({ ok: true, outcome: 'created', write: 'create', claimNow: false })
  expect(decideRow(null, r, 'o1')).toEqual({ ok: true, outcome: 'attached', write: 'create', claimNow: true })
  expect(decideRow(stored('pending'), r, null)).toEqual({ ok: true, outcome: 'unchanged', write: 'none', claimNow: false })
  expect(decideRow(stored('pending'), { ...r, openingPoints: 5 }, null)).toEqual({ ok: true, outcome: 'updated', write: 'update', claimNow: false })
  expect(decideRow(stored('pending'), r, 'o1')).toEqual({ ok: true, outcome: 'attached', write: 'none', claimNow: true })
  expect(decideRow(stored('claimed'), r, 'o1')).toEqual({ ok: true, outcome: 'unchanged', write: 'none', claimNow: false })
  expect(decideRow(stored('claimed'), { ...r, name: '新名字' }, null)).toMatchObject({ ok: false, code: 'ALREADY_CLAIMED' })
  expect(decideRow(stored('pending'), { ...r, externalId: 'B' }, null)).toMatchObject({ ok: false, code: 'PHONE_CONFLICT' })
  // tag order does not make a row different
  expect(rowHash({ ...r, tags: ['x', 'y'] })).toBe(rowHash({ ...r, tags: ['y', 'x'] }))
})

test('an erased import (claimed, then the account deleted): ALREADY_CLAIMED whatever the row or the binding; its id is a hash, not the phone', () => {
  const r = row('A', '13800000001')
  for (const boundTo of [null, 'o1']) {
    expect(decideRow(null, r, boundTo, true)).toMatchObject({ ok: false, code: 'ALREADY_CLAIMED', message: expect.stringMatching(/注销/) })
    expect(decideRow(null, { ...r, openingPoints: 9 }, boundTo, true)).toMatchObject({ ok: false, code: 'ALREADY_CLAIMED' })
  }
  expect(erasedImportId('13800000001')).toMatch(/^erased:[0-9a-f]{64}$/)
  expect(erasedImportId('13800000001')).not.toContain('13800000001')
  expect(erasedImportId('13800000001')).toBe(erasedImportId('13800000001'))
  expect(erasedImportId('13800000002')).not.toBe(erasedImportId('13800000001'))
})

test('planClaim: empty profile fields filled, own ones kept, join date not applied, floor tier, opening balance as one adjust row', () => {
  const member = { ...newMember('o1', '1000000001', now), nickname: '自己取的', manualTags: ['a'], tags: ['a'] }
  const record = { importId: 'imp_1', name: '王小明', birthday: '1990-05-20', joinDate: '2019-03-01', openingPoints: 500, gender: 'female' as const, tierId: 'gold', tags: ['a', '老会员'] }
  const plan = planClaim(member, record, { now, expiryMonths: 12, ladder: DEFAULT_TIER_LADDER, via: 'bind' })
  expect(plan.memberPatch).toMatchObject({ birthday: '1990-05-20', gender: 'female', manualTags: ['a', '老会员'], tags: ['a', '老会员'], tierId: 'gold' })
  expect(plan.memberPatch.nickname).toBeUndefined()
  // an old join date would make the lifecycle call a member who just came back churned
  expect(plan.memberPatch.createdAt).toBeUndefined()
  expect(plan.memberPatch.tier?.manual).toMatchObject({ tierId: 'gold', mode: 'floor', until: null })
  expect(plan.change.wallet.points).toBe(500)
  expect(plan.change.entries).toEqual([{ delta: 500, kind: 'adjust', sourceType: 'import', sourceId: 'imp_1', batchId: 'imp_1', balanceAfter: 500, reason: '期初积分（会员迁移）' }])
  expect(plan.recordPatch).toMatchObject({ status: 'claimed', memberId: 'o1', claimedVia: 'bind', name: null, birthday: null, gender: null })

  // nothing to give: no ledger rows; an admin's manual tier is kept
  const withManual = {
    ...member,
    tier: { tierId: 'base', since: now, reviewAt: now, downgradeAt: null, manual: { tierId: 'black', mode: 'override' as const, until: null, reason: 'x', by: 'console', at: now } },
  }
  const none = planClaim(withManual, { ...record, openingPoints: 0 }, { now, expiryMonths: 12, ladder: DEFAULT_TIER_LADDER, via: 'import' })
  expect(none.change.entries).toEqual([])
  expect(none.memberPatch.tier).toBeUndefined()
})
