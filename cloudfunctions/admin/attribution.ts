/**
 * 渠道码 and 拉新归因 (issue 16 part 4). `createChannelCode` stores a channel (one per store, staff
 * member or campaign: the id is derived from them, so asking again finds it) with its mini-program
 * code from `wxacode.getUnlimited` (scene `c=<channelId>`), kept in the private exports/ folder and
 * handed out through a short-lived link to print. `attributionReport` groups the members who joined
 * in a range by the channel, store and staff of their first touch (`signups`, written by member.login)
 * with what they paid in their first 90 days. Every read is indexed and bounded.
 */
import type { AdminActions } from './actions'
import { CHANNEL_KIND_LABELS, CHANNEL_LINK_SECONDS, WECOM_CHANNEL_ID, WECOM_CHANNEL_NAME, type AttributionReport, type ChannelDoc, type ChannelView } from '../../types/attribution'
import type { Member360Signup } from '../../types/console'
import { AppError } from '../../types/result'
import { attributionRows, channelIdFor, FIRST_VALUE_DAYS, sceneFor, type SignupRow, type ValuePurchase } from '../../domain/attribution'
import { rangeBounds } from '../../domain/report'
import { actorOf, audit } from '../shared/audit'
import { cloud, _ } from '../shared/cloud'
import { channels } from '../shared/collections/channels'
import { purchases } from '../shared/collections/purchases'
import { signups } from '../shared/collections/signups'
import { staffRows } from '../shared/collections/staff'
import { stores } from '../shared/collections/stores'
import { members } from '../shared/members'
import { docsByIds, findById, PAGE, readAll } from '../shared/query'

const DAY_MS = 86_400_000
/** Sign-ups per report; a longer range with more is refused (shorten it). */
export const MAX_SIGNUPS = 20_000
/** Members per `_.in` purchases query; queries in flight at once. */
const IN_CHUNK = 100
const IN_PARALLEL = 5

/** CloudBase answers at most 50 files per getTempFileURL. */
const LINKS_PER_CALL = 50

/** Links to the files valid for `seconds` (the SDK takes `{ fileID, maxAge }` items besides plain fileIDs); null for a file without one. */
async function shortLivedUrls(fileIDs: string[], seconds: number): Promise<Map<string, string>> {
  const getTempFileURL = cloud.getTempFileURL.bind(cloud) as unknown as (o: { fileList: Array<{ fileID: string; maxAge: number }> }) => ReturnType<typeof cloud.getTempFileURL>
  const out = new Map<string, string>()
  for (let i = 0; i < fileIDs.length; i += LINKS_PER_CALL) {
    const { fileList } = await getTempFileURL({ fileList: fileIDs.slice(i, i + LINKS_PER_CALL).map(fileID => ({ fileID, maxAge: seconds })) })
    for (const link of fileList) if (link.status === 0 && link.tempFileURL) out.set(link.fileID, link.tempFileURL)
  }
  return out
}

async function shortLivedUrl(fileID: string, seconds: number): Promise<string> {
  const url = (await shortLivedUrls([fileID], seconds)).get(fileID)
  if (!url) throw new Error(`getTempFileURL ${fileID}: no link`)
  return url
}

/** The code image from WeChat (a PNG buffer; a JSON answer is an error the SDK throws). */
async function miniProgramCode(scene: string, page: string): Promise<Buffer> {
  try {
    const res = (await cloud.openapi.wxacode.getUnlimited({ scene, page, checkPath: false, width: 430 })) as { buffer?: Buffer; contentType?: string }
    if (!res.buffer || !Buffer.isBuffer(res.buffer)) throw new Error(`getUnlimited answered no image (${res.contentType ?? 'no content type'})`)
    return res.buffer
  } catch (err) {
    const e = err as { errCode?: number; errMsg?: string }
    // 41030: the page is not in the released mini-program
    if (e.errCode === 41030) throw new AppError('FAILED_PRECONDITION', `小程序码页面不存在或未发布：${page}`)
    throw err
  }
}

async function channelViews(docs: ChannelDoc[]): Promise<ChannelView[]> {
  const [storeById, staffById] = await Promise.all([
    docsByIds(
      stores,
      docs.map(d => d.storeId).filter((x): x is string => !!x),
      { name: true },
    ),
    docsByIds(
      staffRows,
      docs.map(d => d.staffOpenid).filter((x): x is string => !!x),
      { name: true },
    ),
  ])
  return docs.map(d => ({
    channelId: d._id,
    kind: d.kind,
    name: d.name,
    storeId: d.storeId,
    storeName: d.storeId ? (storeById.get(d.storeId)?.name ?? null) : null,
    staffName: d.staffOpenid ? (staffById.get(d.staffOpenid)?.name ?? null) : null,
    campaignId: d.campaignId,
    scene: d.scene,
    page: d.page,
    createdAt: new Date(d.createdAt).toISOString(),
  }))
}

/** The purchases of these members from `start` until 90 days after `end` (index memberId_id), paged by _id. */
async function purchasesOf(ids: string[], start: Date, end: Date): Promise<ValuePurchase[]> {
  const chunks = Array.from({ length: Math.ceil(ids.length / IN_CHUNK) }, (_x, i) => ids.slice(i * IN_CHUNK, (i + 1) * IN_CHUNK))
  const window = _.gte(start).and(_.lt(new Date(end.getTime() + FIRST_VALUE_DAYS * DAY_MS)))
  const read = async (chunk: string[]) => {
    const out: ValuePurchase[] = []
    let last: string | null = null
    for (;;) {
      const where: Record<string, unknown> = { memberId: _.in(chunk), createdAt: window, ...(last ? { _id: _.gt(last) } : {}) }
      const { data } = await purchases.where(where).orderBy('_id', 'asc').limit(PAGE).field({ _id: true, memberId: true, amountFen: true, refundedFen: true, createdAt: true }).get()
      for (const p of data) out.push({ memberId: p.memberId, amountFen: p.amountFen ?? 0, refundedFen: p.refundedFen ?? 0, createdAt: new Date(p.createdAt) })
      if (data.length < PAGE) return out
      last = String(data[data.length - 1]._id)
    }
  }
  const out: ValuePurchase[] = []
  for (let i = 0; i < chunks.length; i += IN_PARALLEL) out.push(...(await Promise.all(chunks.slice(i, i + IN_PARALLEL).map(read))).flat())
  return out
}

export const adminAttributionActions: Pick<AdminActions, 'createChannelCode' | 'listChannels' | 'attributionReport'> = {
  async createChannelCode(event, ctx) {
    let storeId = event.storeId ?? null
    const staffOpenid = event.kind === 'staff' ? event.staffOpenid! : null
    if (staffOpenid) {
      const staff = await findById(staffRows, staffOpenid)
      if (!staff?.active) throw new AppError('NOT_FOUND', `不是在岗店员：${staffOpenid}`)
      // a staff code counts for the staff member's store
      storeId = staff.storeId
    } else if (storeId && !(await findById(stores, storeId))) {
      throw new AppError('NOT_FOUND', `门店不存在：${storeId}（先用 upsertStore 创建）`)
    }
    const campaignId = event.kind === 'campaign' ? event.campaignId! : null
    const channelId = channelIdFor({ kind: event.kind, storeId: event.kind === 'staff' ? null : storeId, staffOpenid, campaignId })
    const before = await findById(channels, channelId)
    const scene = sceneFor(channelId)
    // the code of a scene and page never changes: made once, printed again from the stored file
    let fileId = before?.page === event.page ? before.fileId : null
    if (!fileId) {
      const png = await miniProgramCode(scene, event.page)
      const stamp = ctx.now.toISOString().replace(/[-:.]/g, '')
      ;({ fileID: fileId } = await cloud.uploadFile({ cloudPath: `exports/channels/${channelId}-${stamp}.png`, fileContent: png }))
    }
    const doc: ChannelDoc = {
      _id: channelId,
      kind: event.kind,
      name: event.name,
      storeId,
      staffOpenid,
      campaignId,
      scene,
      page: event.page,
      fileId,
      createdAt: before?.createdAt ?? ctx.now,
      updatedAt: ctx.now,
      createdBy: before?.createdBy ?? actorOf(ctx),
    }
    const { _id, ...fields } = doc
    await channels.doc(_id).set({ data: fields })
    await audit({ actor: actorOf(ctx), action: 'createChannelCode', target: channelId, before, after: fields, ...(storeId ? { storeId } : {}), at: ctx.now })
    const [channel] = await channelViews([doc])
    const url = await shortLivedUrl(fileId, CHANNEL_LINK_SECONDS)
    return { channel, created: !before, fileId, url, expiresAt: new Date(ctx.now.getTime() + CHANNEL_LINK_SECONDS * 1000).toISOString() }
  },

  async listChannels(_event, ctx) {
    // one channel per store, staff member and campaign: a brand's few hundred, newest first
    const docs = await readAll(channels.orderBy('createdAt', 'desc'), 5_000)
    const [views, urls] = await Promise.all([
      channelViews(docs),
      shortLivedUrls(
        docs.map(d => d.fileId),
        CHANNEL_LINK_SECONDS,
      ),
    ])
    return {
      channels: views.map((v, i) => ({ ...v, url: urls.get(docs[i].fileId) ?? null })),
      expiresAt: new Date(ctx.now.getTime() + CHANNEL_LINK_SECONDS * 1000).toISOString(),
    }
  },

  async attributionReport(event, ctx) {
    const { start, end } = rangeBounds({ from: event.from, to: event.to })
    const inRange = _.gte(start).and(_.lt(end))
    const [{ total: joined }, rows] = await Promise.all([
      members.where({ createdAt: inRange }).count(),
      readAll(signups.where({ at: inRange }).orderBy('at', 'asc').orderBy('_id', 'asc'), MAX_SIGNUPS + 1),
    ])
    if (rows.length > MAX_SIGNUPS) throw new AppError('FAILED_PRECONDITION', `区间内归因的新会员超过 ${MAX_SIGNUPS} 位，请缩短日期范围分段查看`)
    const list: SignupRow[] = rows.map(r => ({ memberId: r.memberId, channelId: r.channelId, storeId: r.storeId, staffOpenid: r.staffOpenid, at: new Date(r.at) }))
    const [bought, channelById, storeById, staffById] = await Promise.all([
      purchasesOf(
        list.map(s => s.memberId),
        start,
        end,
      ),
      docsByIds(
        channels,
        list.map(s => s.channelId),
        { name: true, kind: true },
      ),
      docsByIds(
        stores,
        list.map(s => s.storeId).filter((x): x is string => !!x),
        { name: true },
      ),
      docsByIds(
        staffRows,
        list.map(s => s.staffOpenid).filter((x): x is string => !!x),
        { name: true },
      ),
    ])
    const byMember = new Map<string, ValuePurchase[]>()
    for (const p of bought) byMember.set(p.memberId, [...(byMember.get(p.memberId) ?? []), p])
    const report: AttributionReport = {
      from: event.from,
      to: event.to,
      joined,
      attributed: list.length,
      byChannel: attributionRows(
        list,
        byMember,
        ctx.now,
        s => s.channelId,
        id => channelById.get(id)?.name ?? (id === WECOM_CHANNEL_ID ? WECOM_CHANNEL_NAME : id),
      ).map(r => ({ ...r, kind: channelById.get(r.key)?.kind ?? (r.key === WECOM_CHANNEL_ID ? 'staff' : 'store') })),
      byStore: attributionRows(
        list,
        byMember,
        ctx.now,
        s => s.storeId,
        id => storeById.get(id)?.name ?? id,
      ),
      // staff by name only: the console never shows an OPENID
      byStaff: attributionRows(
        list,
        byMember,
        ctx.now,
        s => s.staffOpenid,
        id => staffById.get(id)?.name ?? '已停用店员',
      ).map(r => ({ ...r, key: channelIdFor({ kind: 'staff', staffOpenid: r.key }) })),
    }
    return report
  },
}

/** 来源 in member 360: the member's first touch with its channel, store and staff named (reads by `_id` only). */
export async function signupOf(memberId: string): Promise<Member360Signup | null> {
  const signup = await findById(signups, memberId)
  if (!signup) return null
  const wecom = signup.channelId === WECOM_CHANNEL_ID
  const [channel, store, staff] = await Promise.all([
    wecom ? null : findById(channels, signup.channelId),
    signup.storeId ? findById(stores, signup.storeId) : null,
    signup.staffOpenid ? findById(staffRows, signup.staffOpenid) : null,
  ])
  return {
    kindLabel: wecom ? '企业微信' : CHANNEL_KIND_LABELS[signup.kind],
    channelName: wecom ? WECOM_CHANNEL_NAME : (channel?.name ?? null),
    storeId: signup.storeId,
    storeName: store?.name ?? null,
    staffName: staff?.name ?? null,
    at: new Date(signup.at).toISOString(),
  }
}
