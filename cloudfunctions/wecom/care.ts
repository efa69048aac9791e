/**
 * `pushCareTemplates`: the care tasks' 企业群发 templates (externalcontact/add_msg_template, single chat,
 * sent by the advisor to the one contact: text + a mini-program card when configured) for the queued
 * tasks whose quiet hours are over. The advisor confirms each one in WeCom. A task is claimed by one
 * conditional update (queued → sending) before the call, so two pushes never make two templates; the
 * msgid (or WeCom's error) is recorded on the task. See docs/wecom.md.
 */
import type { CareOutputs, CareTaskDoc } from '../../types/care-tasks'
import { _ } from '../shared/cloud'
import { careTasks } from '../shared/collections/care_tasks'
import { wecomApi, WecomApiError, wecomConfig, type WecomConfig } from './api'

/** templates one call makes at most (WeCom limits the calls per minute) */
const PUSH_MAX = 50
/** the card opens the member's home */
const CARD_PAGE = 'pages/index/index.html'
const CARD_TITLE_MAX = 64

function templateBody(config: WecomConfig, task: CareTaskDoc) {
  const card =
    config.miniprogramAppId && config.welcomePicMediaId
      ? [
          {
            msgtype: 'miniprogram',
            miniprogram: { title: '会员中心：积分、券和专属权益'.slice(0, CARD_TITLE_MAX), pic_media_id: config.welcomePicMediaId, appid: config.miniprogramAppId, page: CARD_PAGE },
          },
        ]
      : []
  return { chat_type: 'single', external_userid: [task.externalUserId], sender: task.sender, text: { content: task.message }, ...(card.length ? { attachments: card } : {}) }
}

export async function pushCareTemplates(now: Date, opts: { taskIds?: string[]; max?: number }): Promise<CareOutputs['pushCareTemplates']> {
  const max = Math.min(opts.max ?? PUSH_MAX, PUSH_MAX)
  const where = { templateStatus: 'queued', templateNotBefore: _.lte(now), ...(opts.taskIds ? { _id: _.in(opts.taskIds) } : {}) }
  const { data: due } = await careTasks.where(where).orderBy('templateNotBefore', 'asc').limit(max).get()
  const out = { created: 0, failed: 0, more: due.length === max }
  if (!due.length) return out
  const config = wecomConfig()
  for (const task of due) {
    const claimed = await careTasks.where({ _id: task._id, templateStatus: 'queued' }).update({ data: { templateStatus: 'sending', templateAt: now } })
    if (claimed.stats.updated !== 1) continue
    try {
      if (!task.sender || !task.externalUserId) throw new WecomApiError('externalcontact/add_msg_template', -1, 'no sender or contact')
      const answer = await wecomApi<{ msgid: string; fail_list?: string[] }>(config, now, 'externalcontact/add_msg_template', { body: templateBody(config, task) })
      if (answer.fail_list?.length) throw new WecomApiError('externalcontact/add_msg_template', -2, `not a contact of ${task.sender}`)
      await careTasks.doc(task._id).update({ data: { templateStatus: 'created', templateMsgid: answer.msgid, templateError: null } })
      out.created++
    } catch (err) {
      if (!(err instanceof WecomApiError)) {
        // an outage: back in the queue for the next push
        await careTasks.doc(task._id).update({ data: { templateStatus: 'queued' } })
        throw err
      }
      await careTasks.doc(task._id).update({ data: { templateStatus: 'failed', templateError: `${err.errcode} ${err.errmsg}`.slice(0, 200) } })
      out.failed++
    }
  }
  return out
}
