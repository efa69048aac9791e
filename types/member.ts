import { z } from 'zod'
import type { LedgerItem, PointsSummary } from './points'

export const GENDERS = ['male', 'female', 'unknown'] as const

/** A cloud storage file id as the SDK returns it (cloud://env.bucket/path). */
export const cloudFileId = z.string().regex(/^cloud:\/\/[^\s/]+\/\S+$/, '必须是云存储文件 ID（cloud://…）').max(512)

/** YYYY-MM-DD, a real calendar date, not in the future is checked in the domain (needs "now"). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(s => {
    const [y, m, d] = s.split('-').map(Number)
    const dt = new Date(Date.UTC(y, m - 1, d))
    return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
  }, '不是有效日期')

export const nickname = z
  .string()
  .transform(s => s.trim())
  .pipe(z.string().min(1, '昵称不能为空').max(20, '昵称最多 20 个字'))

/** Mainland mobile number, 11 digits. */
export const phoneNumber = z.string().regex(/^1[3-9]\d{9}$/, '请输入 11 位手机号')

/** The 10-digit member number printed on the member code (not the OPENID, which never leaves the server). */
export const memberNo = z.string().regex(/^\d{10}$/, '会员号为 10 位数字')

const PointBatchSchema = z.object({
  batchId: z.string(),
  earnedAt: z.date(),
  expiresAt: z.date(),
  remaining: z.number().int(),
  sourceType: z.enum(['purchase', 'refund', 'admin', 'expiry', 'checkin', 'task', 'exchange', 'import']),
  sourceId: z.string(),
})

/** A member as stored in `members`; `_id` is the member's OPENID so sign-up is unique by construction. */
export const MemberSchema = z.object({
  _id: z.string(),
  openid: z.string(),
  memberNo: z.string(),
  nickname: z.string(),
  avatarFileId: z.string().nullable(),
  birthday: z.string().nullable(),
  gender: z.enum(GENDERS),
  phone: z.string().nullable().default(null),
  points: z.number().int(),
  pointBatches: z.array(PointBatchSchema).default([]),
  /** bumps when the member's code key is rotated: old keys stop working */
  codeKeyVersion: z.number().int().min(1).default(1),
  /** 'deleted' after `deleteMyAccount`: personal data erased, sign-in refused (absent = active) */
  status: z.enum(['active', 'deleted']).optional(),
  deletedAt: z.date().nullable().optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
  lastLoginAt: z.date(),
})
export type Member = z.infer<typeof MemberSchema>

/** The profile a member sees about themselves (dates as ISO strings: what crosses the wire). */
export type MemberProfile = Omit<Member, 'createdAt' | 'updatedAt' | 'lastLoginAt' | 'pointBatches' | 'codeKeyVersion' | 'status' | 'deletedAt'> & {
  createdAt: string
  updatedAt: string
  lastLoginAt: string
}

export const ProfilePatchSchema = z
  .object({
    nickname: nickname.optional(),
    avatarFileId: cloudFileId.nullable().optional(),
    birthday: isoDate.nullable().optional(),
    gender: z.enum(GENDERS).optional(),
  })
  .strict()
export type ProfilePatch = z.infer<typeof ProfilePatchSchema>

/** The `member` function's actions: `{ action, ...input }` → output. */
export const MemberEvents = z.discriminatedUnion('action', [
  z.object({ action: z.literal('login') }).strict(),
  z.object({ action: z.literal('getProfile') }).strict(),
  z.object({ action: z.literal('updateProfile'), patch: ProfilePatchSchema }).strict(),
  z.object({ action: z.literal('getPoints') }).strict(),
  z
    .object({ action: z.literal('pointsHistory'), offset: z.number().int().min(0).max(100_000).default(0), limit: z.number().int().min(1).max(50).default(20) })
    .strict(),
  z.object({ action: z.literal('getCodeKey') }).strict(),
  z.object({ action: z.literal('requestPhoneCode'), phone: phoneNumber }).strict(),
  z.object({ action: z.literal('bindPhone'), wxCode: z.string().min(1).max(256) }).strict(),
  z.object({ action: z.literal('bindPhoneBySms'), phone: phoneNumber, smsCode: z.string().regex(/^\d{6}$/, '验证码为 6 位数字') }).strict(),
  z.object({ action: z.literal('exportMyData') }).strict(),
  z.object({ action: z.literal('deleteMyAccount'), confirm: z.literal(true) }).strict(),
])
export type MemberEvent = z.infer<typeof MemberEvents>

export interface MemberOutputs {
  login: { member: MemberProfile; created: boolean }
  getProfile: { member: MemberProfile }
  updateProfile: { member: MemberProfile }
  getPoints: PointsSummary
  pointsHistory: { items: LedgerItem[]; hasMore: boolean }
  /** the per-member code key, delivered to the member's own device once (TOTP-style, works offline) */
  getCodeKey: { memberNo: string; key: string; keyVersion: number; stepSeconds: number }
  /** local/H5 only: a fake SMS; `devCode` is returned only when the function runs on the emulator */
  requestPhoneCode: { sent: true; expiresInSeconds: number; devCode?: string }
  bindPhone: { member: MemberProfile }
  bindPhoneBySms: { member: MemberProfile }
  /** everything stored about the caller (PIPL): profile incl. phone, point batches, ledger, purchases, refunds, staff role */
  exportMyData: {
    exportedAt: string
    member: MemberProfile
    pointBatches: Array<{ batchId: string; earnedAt: string; expiresAt: string; remaining: number; sourceType: string }>
    ledger: LedgerItem[]
    purchases: unknown[]
    refunds: unknown[]
    staff: unknown | null
  }
  deleteMyAccount: { deleted: true }
}
