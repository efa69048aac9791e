/**
 * PIPL: 导出我的数据 and 注销账号, both following the one declaration in domain/privacy.ts of how
 * every collection names a member (see docs/privacy.md).
 *
 * deleteMyAccount runs in two parts. The transaction erases the profile and the profiling fields,
 * marks the member `deleted` (sign-in refused from then on), frees the phone, replaces claimed imports
 * by tombstones, ends the roles and erases the other rows keyed by the OPENID; it records on the
 * member doc what the second part needs (`erasure`: the avatar and the order keys it can no longer
 * read from the erased profile). The second part — orders, the rows found by member id or id prefix,
 * the files — is repeatable and ends by setting `erasure.finishedAt`. A crash in between leaves the
 * erasure pending: calling again finishes it (answer `{ deleted: true }`); once finished, calling again
 * is PERMISSION_DENIED like every other member action of a deleted account.
 */
import type { MemberActions } from './actions'
import type { CouponDoc } from '../../types/coupons'
import type { ErasedImportDoc } from '../../types/import'
import { EXPORT_ROW_SECTIONS, type ExportRow, type ExportRowSection, type ExportSection, type MemberOutputs } from '../../types/member'
import { AppError } from '../../types/result'
import { toCouponView } from '../../domain/coupons'
import { erasedImportId } from '../../domain/import'
import { toProfile } from '../../domain/member'
import { derivedOf, erasurePending, exportRow, memberErasureFields, withoutInviteeId, type ErasurePlan, type Subject } from '../../domain/privacy'
import { auditIn } from '../shared/audit'
import { erasedImports, memberImports } from '../shared/collections/member_imports'
import { memberPhones } from '../shared/collections/member_phones'
import type { LedgerDoc } from '../shared/collections/points_ledger'
import { _ } from '../shared/cloud'
import { requireUser, type CallContext } from '../shared/handler'
import { deletedError, isDeleted, members, parseMember, toLedgerItem } from '../shared/members'
import { eraseOrderRefs } from '../shared/orders'
import { deleteFiles, eraseByIdIn, eraseRows, memberFiles, memberRows } from '../shared/privacy'
import { findById } from '../shared/query'
import type { Doc, Transaction } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'

export { DELETED_NICKNAME } from '../../domain/privacy'

type Export = MemberOutputs['exportMyData']

/** Sections with their own view of a row (the others show the row's declared fields). */
const VIEWS: Partial<Record<ExportSection, (row: Doc, now: Date) => unknown>> = {
  ledger: row => {
    const item = toLedgerItem(row as LedgerDoc)
    return { ...item, id: withoutInviteeId(item.id) }
  },
  coupons: (row, now) => toCouponView(row as CouponDoc, now),
}

async function exportOf(openid: string, now: Date): Promise<Export> {
  // the raw doc too: `derived` shows what is stored, also fields the schema does not carry
  const doc = await findById<Doc>(members, openid)
  if (!doc) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
  if (isDeleted(doc)) throw deletedError()
  const member = parseMember(doc)
  const sections = new Map<ExportSection, unknown[]>()
  const seen = new Set<string>()
  for (const { relation, rows } of await memberRows({ openid, memberNo: member.memberNo })) {
    const name = relation.export.section
    const view = VIEWS[name]
    const list = sections.get(name) ?? sections.set(name, []).get(name)!
    for (const row of rows) {
      // a row in two relations of one section (an audit row the member did to themselves) shows once
      const id = `${name}/${relation.collection}/${String(row._id)}`
      if (seen.has(id)) continue
      seen.add(id)
      list.push(view ? view(row, now) : exportRow(relation, row))
    }
  }
  const rows = Object.fromEntries(EXPORT_ROW_SECTIONS.map(name => [name, sections.get(name) ?? []])) as { [S in ExportRowSection]: ExportRow[] }
  const staff = rows.roles.find(r => r.role === 'staff')
  return {
    exportedAt: now.toISOString(),
    member: toProfile(member),
    derived: derivedOf(member, doc),
    pointBatches: member.pointBatches.map(b => ({
      batchId: withoutInviteeId(b.batchId),
      earnedAt: b.earnedAt.toISOString(),
      expiresAt: b.expiresAt.toISOString(),
      remaining: b.remaining,
      sourceType: b.sourceType,
    })),
    ledger: (sections.get('ledger') ?? []) as Export['ledger'],
    coupons: (sections.get('coupons') ?? []) as Export['coupons'],
    orders: (sections.get('orders') ?? []) as Export['orders'],
    ...rows,
    staff: staff ? { storeId: String(staff.storeId), name: String(staff.name), active: staff.active === true } : null,
  }
}

/**
 * The imports this member claimed (the phone may have changed since): found by a query, which is not
 * part of the transaction, so each is read again inside it. A claim (bind or import) committed
 * meanwhile wrote this member's doc too, so the transaction then conflicts and runs again, query
 * included. Each becomes a tombstone without personal data; returns their external ids' order keys.
 */
async function tombstoneImportsIn(t: Transaction, openid: string, now: Date): Promise<{ erased: number; orderKeys: string[] }> {
  const { data: claimedRefs } = await memberImports.where({ memberId: openid }).field({ _id: true }).limit(100).get()
  const orderKeys: string[] = []
  let erased = 0
  for (const phone of new Set(claimedRefs.map(r => String(r._id)))) {
    const record = await getInTransaction(t, memberImports, phone)
    if (record?.status !== 'claimed' || record.memberId !== openid) continue
    await memberImports.in(t).doc(phone).remove()
    const tombstone: Omit<ErasedImportDoc, '_id'> = { status: 'erased', claimed: true, erasedAt: now }
    await erasedImports.in(t).doc(erasedImportId(phone)).set({ data: tombstone })
    erased++
    if (record.externalId) orderKeys.push(`ext:${record.externalId}`)
  }
  return { erased, orderKeys }
}

/**
 * The first part, in one transaction; returns the plan for the second. A deletion already begun
 * (a racing call committed first) returns its plan; one already finished is PERMISSION_DENIED.
 */
async function beginErasure(openid: string, now: Date): Promise<{ who: Subject; plan: ErasurePlan }> {
  return transact(async t => {
    const doc = await getInTransaction(t, members, openid)
    if (!doc) throw new AppError('NOT_FOUND', '会员不存在')
    if (isDeleted(doc)) {
      if (erasurePending(doc)) return { who: { openid, memberNo: String(doc.memberNo) }, plan: doc.erasure as ErasurePlan }
      throw deletedError()
    }
    const member = parseMember(doc)
    const imports = await tombstoneImportsIn(t, openid, now)
    const plan: ErasurePlan = {
      startedAt: now,
      files: member.avatarFileId ? [member.avatarFileId] : [],
      orderKeys: [...(member.phone ? [`phone:${member.phone}`] : []), ...imports.orderKeys],
      finishedAt: null,
    }
    await members
      .in(t)
      .doc(openid)
      .update({
        data: {
          ...memberErasureFields(),
          status: 'deleted',
          deletedAt: now,
          updatedAt: now,
          // any code key on a device stops working
          codeKeyVersion: member.codeKeyVersion + 1,
          erasure: _.set(plan),
        },
      })
    if (member.phone) {
      const claim = await getInTransaction(t, memberPhones, member.phone)
      if (claim?.memberId === openid) await memberPhones.in(t).doc(member.phone).remove()
    }
    const who = { openid, memberNo: member.memberNo }
    // roles end here, with the account: a staff or manager role, admin access, NPS state, grants, the invitee's row
    await eraseByIdIn(t, who)
    await auditIn(t, { actor: openid, action: 'deleteMyAccount', target: openid, after: { erasedImports: imports.erased }, at: now })
    return { who, plan }
  })
}

/** The second part: repeatable, so a retry after a crash finishes it. */
async function finishErasure(who: Subject, plan: ErasurePlan, now: Date): Promise<void> {
  // orders forget who they were for (also those still waiting under the phone or external id)
  await eraseOrderRefs(who.openid, plan.orderKeys, now)
  // stamped with the deletion's start: a retry writes the same closing time
  await eraseRows(who, new Date(plan.startedAt))
  await deleteFiles(await memberFiles(who, plan.files))
  await members.doc(who.openid).update({ data: { erasure: _.set({ startedAt: plan.startedAt, files: [], orderKeys: [], finishedAt: now }) } })
}

export const privacyActions: Pick<MemberActions, 'exportMyData' | 'deleteMyAccount'> = {
  async exportMyData(_event, ctx: CallContext): Promise<Export> {
    return exportOf(requireUser(ctx), ctx.now)
  },

  async deleteMyAccount(_event, ctx: CallContext): Promise<MemberOutputs['deleteMyAccount']> {
    const openid = requireUser(ctx)
    const existing = await findById<Doc>(members, openid)
    if (!existing) throw new AppError('NOT_FOUND', '会员不存在')
    if (isDeleted(existing) && !erasurePending(existing)) throw deletedError()
    const { who, plan } = await beginErasure(openid, ctx.now)
    await finishErasure(who, plan, ctx.now)
    return { deleted: true as const }
  },
}
