/**
 * Bulk import rules: pure functions, time passed in.
 *
 * - A row is normalized on its own (phone, dates, points, gender, tags); a bad cell makes that row
 *   INVALID_ROW and nothing else.
 * - A row's identity is its phone (the claim key: what a consumer later proves by binding it).
 *   The same phone again with the same cells is `unchanged`; with other cells, while nobody claimed
 *   it, `updated`; after the claim, ALREADY_CLAIMED (correct balances with adjustPoints). The same
 *   phone under another externalId is PHONE_CONFLICT.
 * - The claim (`planClaim`) gives a member the imported profile where theirs is still empty, the
 *   manual tags, the tier as a manual `floor`, and the opening balance as one `adjust` ledger row
 *   with source `import`.
 */
import { sha256 } from 'js-sha256'
import type { MemberImportDoc, MemberImportRow, ImportRowErrorCode, ImportRowOutcome } from '../types/import'
import { externalId as externalIdSchema, MemberImportRowInputSchema, OPENING_BALANCE_REASON } from '../types/import'
import { GENDERS, type Member } from '../types/member'
import type { TierLadder, TierState } from '../types/tiers'
import { DEFAULT_NICKNAME } from './member'
import { earnPoints, type WalletChange } from './points'
import { shanghaiDay } from './time'
import { effectiveTierId } from './tiers'

export const MAX_OPENING_POINTS = 100_000_000
export const MAX_NAME_LENGTH = 20
export const MAX_TAGS = 20

/** CSV header → row field: the English names and the usual Chinese ones. */
const HEADER_ALIASES: Record<string, keyof MemberImportRow> = {
  externalid: 'externalId',
  external_id: 'externalId',
  id: 'externalId',
  会员编号: 'externalId',
  会员id: 'externalId',
  外部编号: 'externalId',
  编号: 'externalId',
  phone: 'phone',
  mobile: 'phone',
  手机: 'phone',
  手机号: 'phone',
  手机号码: 'phone',
  name: 'name',
  nickname: 'name',
  姓名: 'name',
  昵称: 'name',
  birthday: 'birthday',
  生日: 'birthday',
  出生日期: 'birthday',
  joindate: 'joinDate',
  join_date: 'joinDate',
  joinedat: 'joinDate',
  入会日期: 'joinDate',
  注册日期: 'joinDate',
  加入日期: 'joinDate',
  openingpoints: 'openingPoints',
  opening_points: 'openingPoints',
  points: 'openingPoints',
  期初积分: 'openingPoints',
  积分: 'openingPoints',
  积分余额: 'openingPoints',
  gender: 'gender',
  性别: 'gender',
  tierid: 'tierId',
  tier: 'tierId',
  等级: 'tierId',
  会员等级: 'tierId',
  tags: 'tags',
  标签: 'tags',
}

/** The row field a CSV header names, or null for a column to reject (unknown columns are not guessed). */
export function headerField(header: string): keyof MemberImportRow | null {
  const key = header
    .trim()
    .replace(/^\uFEFF/, '')
    .toLowerCase()
  return HEADER_ALIASES[key] ?? null
}

type Normalized<T> = { ok: true; value: T } | { ok: false; message: string }
const ok = <T>(value: T): Normalized<T> => ({ ok: true, value })
const bad = <T>(message: string): Normalized<T> => ({ ok: false, message })

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '')

/** 11-digit mainland mobile; spaces, dashes, dots, brackets and a +86 / 0086 / 86 prefix are dropped. */
export function normalizePhone(raw: unknown): Normalized<string> {
  if (blank(raw)) return bad('手机号不能为空')
  if (typeof raw !== 'string' && typeof raw !== 'number') return bad('手机号格式不对')
  let s = String(raw)
    .trim()
    .replace(/[\s\-().]/g, '')
  if (s.startsWith('+86')) s = s.slice(3)
  else if (s.startsWith('0086')) s = s.slice(4)
  else if (s.length === 13 && s.startsWith('86')) s = s.slice(2)
  return /^1[3-9]\d{9}$/.test(s) ? ok(s) : bad(`不是 11 位中国大陆手机号：${String(raw).slice(0, 20)}`)
}

/**
 * A calendar day as YYYY-MM-DD from YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYYMMDD (a time after it is
 * ignored); a real date, from 1900-01-01 up to today in Shanghai.
 */
export function normalizeDay(raw: unknown, now: Date): Normalized<string | null> {
  if (blank(raw)) return ok(null)
  const s = String(raw).trim()
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s].*)?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s)
  if (!m) return bad(`日期格式应为 YYYY-MM-DD：${s.slice(0, 20)}`)
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const dt = new Date(Date.UTC(y, mo - 1, d))
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return bad(`不是有效日期：${s.slice(0, 20)}`)
  const day = `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  if (day < '1900-01-01') return bad(`日期不能早于 1900 年：${day}`)
  if (day > shanghaiDay(now)) return bad(`日期不能晚于今天：${day}`)
  return ok(day)
}

/** Whole points ≥ 0 (a blank cell is 0; "1,200" is 1200). */
export function normalizePoints(raw: unknown): Normalized<number> {
  if (blank(raw)) return ok(0)
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d{1,3}(,\d{3})*\s*$|^\s*\d+\s*$/.test(raw) ? Number(raw.replace(/[,\s]/g, '')) : NaN
  if (!Number.isSafeInteger(n) || n < 0) return bad(`期初积分须为不小于 0 的整数：${String(raw).slice(0, 20)}`)
  if (n > MAX_OPENING_POINTS) return bad(`期初积分不能超过 ${MAX_OPENING_POINTS}`)
  return ok(n)
}

const GENDER_ALIASES: Record<string, (typeof GENDERS)[number]> = { male: 'male', m: 'male', 男: 'male', female: 'female', f: 'female', 女: 'female', unknown: 'unknown', 未知: 'unknown' }

export function normalizeGender(raw: unknown): Normalized<(typeof GENDERS)[number] | null> {
  if (blank(raw)) return ok(null)
  const g = GENDER_ALIASES[String(raw).trim().toLowerCase()]
  return g ? ok(g) : bad(`性别应为 male / female / unknown（或 男 / 女）：${String(raw).slice(0, 20)}`)
}

/** Manual tags from an array or one cell split on | ; ， , 、 — trimmed, de-duplicated, each 1–32 characters. */
export function normalizeTags(raw: unknown): Normalized<string[]> {
  if (blank(raw)) return ok([])
  const parts = (Array.isArray(raw) ? raw.map(String) : String(raw).split(/[|;；,，、]/)).map(t => t.trim()).filter(Boolean)
  const tags = [...new Set(parts)]
  if (tags.some(t => t.length > 32 || t.includes('.') || t.startsWith('$'))) return bad('标签最长 32 个字，且不能含 “.” 或以 “$” 开头')
  if (tags.length > MAX_TAGS) return bad(`标签最多 ${MAX_TAGS} 个`)
  return ok(tags)
}

export type RowCheck = { ok: true; row: MemberImportRow } | { ok: false; field?: string; message: string }

/**
 * One row as sent → the normalized row, or why not. `tierIds`: the tiers of the current ladder
 * (a row naming another tier is rejected rather than silently ignored).
 */
export function normalizeMemberRow(raw: unknown, now: Date, tierIds?: readonly string[]): RowCheck {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, message: '每行须是一个对象' }
  const parsed = MemberImportRowInputSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : issue.path.map(String).join('.')
    return { ok: false, field, message: issue.code === 'unrecognized_keys' ? `未知的列：${issue.keys.join(', ')}` : `${field || '行'}：${issue.message}` }
  }
  const r = parsed.data
  const ext = externalIdSchema.safeParse(String(r.externalId).trim())
  if (!ext.success) return { ok: false, field: 'externalId', message: `externalId：${ext.error.issues[0].message}` }
  const fields = {
    phone: normalizePhone(r.phone),
    birthday: normalizeDay(r.birthday, now),
    joinDate: normalizeDay(r.joinDate, now),
    openingPoints: normalizePoints(r.openingPoints),
    gender: normalizeGender(r.gender),
    tags: normalizeTags(r.tags),
  }
  for (const [field, result] of Object.entries(fields)) if (!result.ok) return { ok: false, field, message: result.message }
  const name = blank(r.name) ? null : String(r.name).trim()
  if (name && name.length > MAX_NAME_LENGTH) return { ok: false, field: 'name', message: `姓名最多 ${MAX_NAME_LENGTH} 个字` }
  const tierId = blank(r.tierId) ? null : String(r.tierId).trim()
  if (tierId && tierIds && !tierIds.includes(tierId)) return { ok: false, field: 'tierId', message: `没有这个等级：${tierId}` }
  const value = <T>(n: Normalized<T>) => (n as { value: T }).value
  return {
    ok: true,
    row: {
      externalId: ext.data,
      phone: value(fields.phone),
      name,
      birthday: value(fields.birthday),
      joinDate: value(fields.joinDate),
      openingPoints: value(fields.openingPoints),
      gender: value(fields.gender),
      tierId,
      tags: value(fields.tags),
    },
  }
}

/** Identifies a row's content (fixed key order): the same cells again hash the same. */
export function rowHash(row: MemberImportRow): string {
  const { externalId, phone, name, birthday, joinDate, openingPoints, gender, tierId, tags } = row
  return sha256(JSON.stringify([externalId, phone, name, birthday, joinDate, openingPoints, gender, tierId, [...tags].sort()]))
}

/**
 * Rows repeating a phone or externalId of an earlier row in the same call: index → the earlier
 * index and the field. The first one is imported, the repeats are DUPLICATE_IN_BATCH.
 */
export function batchDuplicates(rows: ReadonlyArray<MemberImportRow | null>): Map<number, { field: 'phone' | 'externalId'; first: number }> {
  const out = new Map<number, { field: 'phone' | 'externalId'; first: number }>()
  const phones = new Map<string, number>()
  const ids = new Map<string, number>()
  rows.forEach((row, i) => {
    if (!row) return
    const byPhone = phones.get(row.phone)
    const byId = ids.get(row.externalId)
    if (byPhone !== undefined) out.set(i, { field: 'phone', first: byPhone })
    else if (byId !== undefined) out.set(i, { field: 'externalId', first: byId })
    else {
      phones.set(row.phone, i)
      ids.set(row.externalId, i)
    }
  })
  return out
}

/** Fixed prefix of the erased-import hash (changing it would forget every tombstone). */
export const ERASED_IMPORT_HASH_PREFIX = 'member-import-erased:v1:'

/**
 * The `_id` of the tombstone left when the member who claimed the import of `phone` deletes the
 * account: a one-way hash, so the tombstone does not hold the phone. (An 11-digit number can be
 * found again by trying them all: this keeps the phone out of the record, it does not make it secret.)
 */
export function erasedImportId(phone: string): string {
  return `erased:${sha256(ERASED_IMPORT_HASH_PREFIX + phone)}`
}

export const ERASED_MESSAGE = '该手机号的会员已领取过导入的资料和期初积分，并已注销账号（个人信息已删除）：不会再次导入'

export type RowDecision =
  | { ok: true; outcome: ImportRowOutcome; write: 'create' | 'update' | 'none'; claimNow: boolean }
  | { ok: false; code: Extract<ImportRowErrorCode, 'PHONE_CONFLICT' | 'ALREADY_CLAIMED'>; message: string }

/**
 * What importing `row` does, given the stored import of its phone (if any), the member the phone
 * is bound to (if any) and whether an erased import's tombstone exists for the phone. A phone already
 * bound to a member credits that member now ("attached"), exactly once: the import record turns
 * `claimed` in the same transaction. An erased import (claimed, then the member deleted the account)
 * is ALREADY_CLAIMED whatever the row says: its cells are gone, and the balance was paid once.
 */
export function decideRow(existing: Pick<MemberImportDoc, 'externalId' | 'rowHash' | 'status'> | null, row: MemberImportRow, boundTo: string | null, erased = false): RowDecision {
  if (erased) return { ok: false, code: 'ALREADY_CLAIMED', message: ERASED_MESSAGE }
  const hash = rowHash(row)
  if (existing && existing.externalId !== row.externalId) {
    return { ok: false, code: 'PHONE_CONFLICT', message: `该手机号已由另一个 externalId（${existing.externalId}）导入` }
  }
  if (existing?.status === 'claimed') {
    if (existing.rowHash === hash) return { ok: true, outcome: 'unchanged', write: 'none', claimNow: false }
    return { ok: false, code: 'ALREADY_CLAIMED', message: '该会员已领取导入的资料和期初积分，不能再修改（积分请用 adjustPoints 调整）' }
  }
  const changed = !existing || existing.rowHash !== hash
  if (boundTo) return { ok: true, outcome: 'attached', write: existing ? (changed ? 'update' : 'none') : 'create', claimNow: true }
  if (!existing) return { ok: true, outcome: 'created', write: 'create', claimNow: false }
  return changed ? { ok: true, outcome: 'updated', write: 'update', claimNow: false } : { ok: true, outcome: 'unchanged', write: 'none', claimNow: false }
}

/** The import record's cells for a row (without ids and status). */
export function recordCells(row: MemberImportRow): Pick<MemberImportDoc, 'externalId' | 'name' | 'birthday' | 'joinDate' | 'openingPoints' | 'gender' | 'tierId' | 'tags' | 'rowHash'> {
  return {
    externalId: row.externalId,
    name: row.name,
    birthday: row.birthday,
    joinDate: row.joinDate,
    openingPoints: row.openingPoints,
    gender: row.gender,
    tierId: row.tierId,
    tags: row.tags,
    rowHash: rowHash(row),
  }
}

export interface ClaimPlan {
  /** profile fields to set on the member (only what was still empty, tags, tier) */
  memberPatch: Partial<Member>
  /** the opening balance as a wallet change (no entries when the balance is 0) */
  change: WalletChange
  /** what the import record becomes: claimed, personal cells erased */
  recordPatch: Pick<MemberImportDoc, 'status' | 'memberId' | 'claimedAt' | 'claimedVia' | 'name' | 'birthday' | 'gender' | 'updatedAt'>
}

/**
 * How `member` takes over the import `record`. The member's own profile wins: only a default
 * nickname, an empty birthday or an unknown gender is filled; an admin's manual tier stays.
 * The opening balance is a new batch expiring like earned points (from now).
 */
export function planClaim(
  member: Member,
  record: Pick<MemberImportDoc, 'importId' | 'name' | 'birthday' | 'openingPoints' | 'gender' | 'tierId' | 'tags'>,
  opts: { now: Date; expiryMonths: number; ladder: TierLadder; via: 'bind' | 'import' },
): ClaimPlan {
  const { now } = opts
  const patch: Partial<Member> = {}
  if (record.name && member.nickname === DEFAULT_NICKNAME) patch.nickname = record.name
  if (record.birthday && !member.birthday) patch.birthday = record.birthday
  if (record.gender && record.gender !== 'unknown' && member.gender === 'unknown') patch.gender = record.gender
  // The join date stays on the import record (linked by memberId) and is not written to createdAt:
  // lifecycle stages count from createdAt for members without purchases here, so an old join date
  // would mark a member who just came back as churned.
  const newTags = record.tags.filter(t => !member.manualTags.includes(t))
  if (newTags.length) {
    patch.manualTags = [...member.manualTags, ...newTags]
    patch.tags = [...new Set([...member.tags, ...newTags])]
  }
  if (record.tierId && !member.tier?.manual && opts.ladder.tiers.some(t => t.tierId === record.tierId)) {
    const base: TierState = member.tier ?? { tierId: opts.ladder.tiers[0].tierId, since: now, reviewAt: now, downgradeAt: null, manual: null }
    const tier: TierState = { ...base, manual: { tierId: record.tierId, mode: 'floor', until: null, reason: '会员迁移导入', by: 'import', at: now } }
    patch.tier = tier
    patch.tierId = effectiveTierId(tier, opts.ladder, now)
  }
  const change = earnPoints(member, record.openingPoints, {
    now,
    expiryMonths: opts.expiryMonths,
    source: { type: 'import', id: record.importId },
    batchId: record.importId,
    kind: 'adjust',
    reason: OPENING_BALANCE_REASON,
  })
  return {
    memberPatch: patch,
    change,
    recordPatch: { status: 'claimed', memberId: member._id, claimedAt: now, claimedVia: opts.via, name: null, birthday: null, gender: null, updatedAt: now },
  }
}
