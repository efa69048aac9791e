/** `member`: what a consumer does from the mini-program. Identity is the context OPENID, never the event. */
import { MemberEvents, MemberSchema, type Member } from '../../types/member'
import { AppError } from '../../types/result'
import { newMember, profileChanges, toProfile } from '../../domain/member'
import { db } from '../shared/cloud'
import { defineFunction, requireUser } from '../shared/handler'

const members = db.collection('members')

async function findMember(openid: string): Promise<Member | null> {
  const { data } = await members.where({ _id: openid }).limit(1).get()
  return data.length ? MemberSchema.parse(data[0]) : null
}

async function loadMember(openid: string): Promise<Member> {
  const member = await findMember(openid)
  if (!member) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
  return member
}

function isDuplicateKey(err: unknown): boolean {
  const text = `${(err as { code?: string }).code ?? ''} ${(err as { message?: string }).message ?? ''}`
  return /DUPLICATE|duplicate key|E11000/i.test(text)
}

export const main = defineFunction(MemberEvents, {
  async login(_event, ctx) {
    const openid = requireUser(ctx)
    const existing = await findMember(openid)
    if (existing) {
      await members.doc(openid).update({ data: { lastLoginAt: ctx.now } })
      return { member: toProfile({ ...existing, lastLoginAt: ctx.now }), created: false }
    }
    const member = newMember(openid, ctx.now)
    try {
      // _id is the OPENID: two first sign-ins racing create one member, the loser reads it
      await members.add({ data: member })
      return { member: toProfile(member), created: true }
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
      return { member: toProfile(await loadMember(openid)), created: false }
    }
  },

  async getProfile(_event, ctx) {
    return { member: toProfile(await loadMember(requireUser(ctx))) }
  },

  async updateProfile(event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const changes = profileChanges(member, event.patch, ctx.now)
    if (Object.keys(changes).length === 0) return { member: toProfile(member) }
    const updated = { ...member, ...changes, updatedAt: ctx.now }
    await members.doc(member._id).update({ data: { ...changes, updatedAt: ctx.now } })
    return { member: toProfile(updated) }
  },
})
