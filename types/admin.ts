import { z } from 'zod'

const openid = z.string().min(1).max(64)

/** The `admin` function's actions (console JSON events). */
export const AdminEvents = z.discriminatedUnion('action', [
  z.object({ action: z.literal('listMembers'), limit: z.number().int().min(1).max(100).default(20), offset: z.number().int().min(0).default(0) }).strict(),
  z.object({ action: z.literal('getMember'), openid }).strict(),
])
export type AdminEvent = z.infer<typeof AdminEvents>

/** One line and one example per action: the README's table and `npm run admin -- --help` come from here. */
export const ADMIN_ACTION_DOCS: Record<AdminEvent['action'], { description: string; example: Record<string, unknown> }> = {
  listMembers: { description: '按注册时间倒序分页列出会员', example: { action: 'listMembers', limit: 20, offset: 0 } },
  getMember: { description: '按 openid 查看一位会员的资料', example: { action: 'getMember', openid: 'o_demo_member_1' } },
}
