import { z } from 'zod'

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

/** A member as stored in `members`; `_id` is the member's OPENID so sign-up is unique by construction. */
export const MemberSchema = z.object({
  _id: z.string(),
  openid: z.string(),
  nickname: z.string(),
  avatarFileId: z.string().nullable(),
  birthday: z.string().nullable(),
  gender: z.enum(GENDERS),
  points: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
  lastLoginAt: z.date(),
})
export type Member = z.infer<typeof MemberSchema>

/** The profile a member sees (dates as ISO strings: what crosses the wire to the client). */
export type MemberProfile = Omit<Member, 'createdAt' | 'updatedAt' | 'lastLoginAt'> & {
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
])
export type MemberEvent = z.infer<typeof MemberEvents>

export interface MemberOutputs {
  login: { member: MemberProfile; created: boolean }
  getProfile: { member: MemberProfile }
  updateProfile: { member: MemberProfile }
}
