/**
 * `wecom`: WeCom (企业微信) 专属顾问. Two kinds of caller:
 * - WeCom's callback through CloudBase's HTTP access service (`/wecom/callback`, deploy/http-routes.ts):
 *   URL check and 客户变更 events, signed and encrypted (./callback.ts);
 * - other functions and the console (no OPENID; a mini-program user must be an admin): `contactWay`,
 *   a staff member's 「联系我」 code, made on first use (externalcontact/add_contact_way); `syncTags`
 *   (also its timer), member tags mirrored as WeCom corporate tags (./tags.ts); `pushCareTemplates`, the care
 *   tasks' message templates (./care.ts).
 * It is the only function that holds the WeCom secret and talks to the WeCom API (./api.ts).
 * See docs/wecom.md.
 */
import { WecomEvents, type ContactWay, type WecomEvent, type WecomOutputs } from '../../types/wecom'
import { AppError } from '../../types/result'
import type { CareOutputs } from '../../types/care-tasks'
import { contactState } from '../../domain/wecom'
import { audit } from '../shared/audit'
import { _ } from '../shared/cloud'
import { defineFunction, toFailure } from '../shared/handler'
import { requireAdmin } from '../shared/access'
import { findById } from '../shared/query'
import { getInTransaction, transact } from '../shared/transaction'
import { contactWayView, currentContactWay, WECOM_ACTOR, staffRows } from '../shared/wecom-link'
import { wecomApi, wecomConfig } from './api'
import { handleCallback, HttpEventSchema, type HttpAnswer } from './callback'
import { syncTags } from './tags'
import { pushCareTemplates } from './care'

/** WeCom allows at most 30 characters of remark on a contact-me code. */
const REMARK_MAX = 30

const actions = defineFunction<WecomEvent, Pick<WecomOutputs, 'contactWay' | 'syncTags'> & Pick<CareOutputs, 'pushCareTemplates'>>(
  WecomEvents,
  {
    /** The stored code while it still names the staff member's WeCom account and store; else a new one. */
    async contactWay(event, ctx) {
      const staff = await findById(staffRows, event.staffId)
      if (!staff || staff.active !== true) throw new AppError('NOT_FOUND', '不是在岗店员')
      if (!staff.wecomUserId) throw new AppError('FAILED_PRECONDITION', '该店员还没有绑定企业微信账号（管理员 setStaffWecomUser）')
      const current = currentContactWay(staff)
      if (current) return { contactWay: await contactWayView(staff, current), created: false }
      const state = contactState(staff.storeId, staff._id)

      const config = wecomConfig()
      const answer = await wecomApi<{ config_id: string; qr_code: string }>(config, ctx.now, 'externalcontact/add_contact_way', {
        // 单人 (type 1), 二维码 (scene 2); skip_verify: customers are added without the staff confirming
        body: { type: 1, scene: 2, style: 1, remark: `专属顾问 ${staff.name}`.slice(0, REMARK_MAX), skip_verify: true, state, user: [staff.wecomUserId] },
      })
      const made: ContactWay = { configId: answer.config_id, qrCode: answer.qr_code, state, wecomUserId: staff.wecomUserId, storeId: staff.storeId, createdAt: ctx.now }
      // two first calls racing: the first stored code is kept, the other one is never shown
      const kept = await transact(async t => {
        const row = await getInTransaction(t, staffRows, staff._id)
        const stored = row?.contactWay
        if (stored && stored.state === state && stored.wecomUserId === made.wecomUserId) return { way: stored, created: false }
        await staffRows
          .in(t)
          .doc(staff._id)
          .update({ data: { contactWay: _.set(made), updatedAt: ctx.now } })
        return { way: made, created: true }
      })
      if (kept.created) {
        await audit({ actor: WECOM_ACTOR, action: 'wecomContactWay', target: staff._id, after: { configId: made.configId, wecomUserId: made.wecomUserId, state }, storeId: staff.storeId, at: ctx.now })
      }
      return { contactWay: await contactWayView(staff, kept.way), created: kept.created }
    },

    /** Member tags → WeCom corporate tags, after the daily scoring job (./tags.ts). */
    async syncTags(event, ctx) {
      return syncTags(ctx.now, event.maxMarks)
    },

    /** Care tasks' message templates whose time has come (./care.ts). */
    async pushCareTemplates(event, ctx) {
      return pushCareTemplates(ctx.now, event)
    },
  },
  (_action, ctx) => requireAdmin(ctx),
)

export async function main(rawEvent: unknown): Promise<unknown> {
  const http = HttpEventSchema.safeParse(rawEvent)
  if (!http.success) return actions(rawEvent)
  try {
    return await handleCallback(http.data)
  } catch (err) {
    // an outage (the database, the WeCom API): 500, and WeCom retries the callback
    const fail = toFailure(err)
    return { statusCode: 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(fail) } satisfies HttpAnswer
  }
}
