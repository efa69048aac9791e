/**
 * The fake WeCom server API (qyapi.weixin.qq.com/cgi-bin/…): the paths the `wecom` function uses,
 * with WeCom's request shapes, `access_token` checks (7200 s tokens, one per corp, the same token
 * again while it lasts) and WeCom's errcodes where we know them. Pure state in, answer out: the
 * service (./index.ts) persists the state and records every call in the outbox.
 */
import { randomBytes } from 'crypto'
import type { WecomState } from './state'

const TOKEN_SECONDS = 7200
/** A welcome code is good for 20 s and one message (WeCom's rule). */
const WELCOME_CODE_SECONDS = 20

export type Answer = Record<string, unknown> & { errcode: number; errmsg: string }

const ok = (extra: Record<string, unknown> = {}): Answer => ({ errcode: 0, errmsg: 'ok', ...extra })
const err = (errcode: number, errmsg: string): Answer => ({ errcode, errmsg })

export interface ApiRequest {
  path: string
  query: URLSearchParams
  body: Record<string, unknown>
  now: Date
  /** where the emulator serves contact-me QR images */
  baseUrl: string
}

export interface Corp {
  corpId: string
  secret: string
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')
const id = (prefix: string) => `${prefix}${randomBytes(8).toString('hex')}`

/** The answer to one API call; `state` is changed in place (the caller saves it when `changed`). */
export function answerApi(corp: Corp, state: WecomState, req: ApiRequest): { answer: Answer; changed: boolean } {
  const now = req.now.getTime()
  if (req.path === 'gettoken') {
    if (req.query.get('corpid') !== corp.corpId) return { answer: err(40013, 'invalid corpid'), changed: false }
    if (req.query.get('corpsecret') !== corp.secret) return { answer: err(40001, 'invalid credential, access_token is invalid or not latest'), changed: false }
    const current = state.token && state.token.expiresAt > now ? state.token : null
    const token = current ?? { value: randomBytes(32).toString('base64url'), expiresAt: now + TOKEN_SECONDS * 1000 }
    state.token = token
    return { answer: ok({ access_token: token.value, expires_in: Math.floor((token.expiresAt - now) / 1000) }), changed: !current }
  }
  const token = req.query.get('access_token')
  if (!token) return { answer: err(41001, 'access_token missing'), changed: false }
  if (!state.token || state.token.value !== token) return { answer: err(40014, 'invalid access_token'), changed: false }
  if (state.token.expiresAt <= now) return { answer: err(42001, 'access_token expired'), changed: false }
  const handler = HANDLERS[req.path]
  if (!handler) return { answer: err(60011, `no such api: ${req.path} (the emulator's fake WeCom serves ${Object.keys(HANDLERS).join(', ')})`), changed: false }
  return handler(state, req)
}

type Handler = (state: WecomState, req: ApiRequest) => { answer: Answer; changed: boolean }

const HANDLERS: Record<string, Handler> = {
  /** 配置客户联系「联系我」方式 */
  'externalcontact/add_contact_way'(state, { body, baseUrl, now }) {
    const users = Array.isArray(body.user) ? body.user.map(String) : []
    if (body.type !== 1 && body.type !== 2) return { answer: err(40058, 'invalid type: 1 (单人) or 2 (多人)'), changed: false }
    if (body.scene !== 1 && body.scene !== 2) return { answer: err(40058, 'invalid scene: 1 (小程序插件) or 2 (二维码)'), changed: false }
    if (body.type === 1 && users.length !== 1) return { answer: err(40058, 'type 1 needs exactly one user'), changed: false }
    if (!users.length) return { answer: err(40058, 'user is required'), changed: false }
    if (str(body.state).length > 30) return { answer: err(40058, 'state is longer than 30 characters'), changed: false }
    if (str(body.remark).length > 30) return { answer: err(40058, 'remark is longer than 30 characters'), changed: false }
    const configId = id('cw')
    state.contactWays[configId] = { configId, type: body.type, scene: body.scene, users, state: str(body.state) || null, remark: str(body.remark), createdAt: now.toISOString() }
    return { answer: ok({ config_id: configId, ...(body.scene === 2 ? { qr_code: `${baseUrl}/wecom/qr/${configId}.png` } : {}) }), changed: true }
  },

  /** 获取客户详情: WeCom's only way to learn a contact's UNIONID */
  'externalcontact/get'(state, { query }) {
    const externalUserId = query.get('external_userid') ?? ''
    const contact = state.contacts[externalUserId]
    if (!contact) return { answer: err(84061, 'not external contact'), changed: false }
    return {
      answer: ok({
        external_contact: { external_userid: externalUserId, name: contact.name, type: 1, avatar: '', gender: 0, ...(contact.unionid ? { unionid: contact.unionid } : {}) },
        follow_user: contact.followUsers.map(f => ({
          userid: f.userId,
          remark: '',
          description: '',
          createtime: f.createTime,
          tags: tagsOf(state, externalUserId, f.userId),
          state: f.state ?? '',
          add_way: 1,
        })),
      }),
      changed: false,
    }
  },

  /** 发送新客户欢迎语: one message per welcome code, within 20 s of the add */
  'externalcontact/send_welcome_msg'(state, { body, now }) {
    const code = str(body.welcome_code)
    const issued = state.welcomeCodes[code]
    if (!issued) return { answer: err(40058, 'invalid welcome_code'), changed: false }
    if (issued.usedAt) return { answer: err(40058, 'welcome_code already used'), changed: false }
    if (now.getTime() - Date.parse(issued.issuedAt) > WELCOME_CODE_SECONDS * 1000) return { answer: err(40058, 'welcome_code expired (older than 20 s)'), changed: false }
    const text = body.text as { content?: unknown } | undefined
    const attachments = Array.isArray(body.attachments) ? body.attachments : []
    if (!str(text?.content) && !attachments.length) return { answer: err(40058, 'text or attachments required'), changed: false }
    for (const a of attachments as Array<Record<string, any>>) {
      if (a.msgtype === 'miniprogram') {
        const mp = a.miniprogram ?? {}
        if (!str(mp.title) || !str(mp.pic_media_id) || !str(mp.appid) || !str(mp.page)) return { answer: err(40058, 'miniprogram needs title, pic_media_id, appid and page'), changed: false }
        if (!/\.html(\?|$)/.test(mp.page)) return { answer: err(40058, 'miniprogram page must end with .html'), changed: false }
      }
    }
    issued.usedAt = now.toISOString()
    return { answer: ok(), changed: true }
  },

  /** 获取企业标签库 */
  'externalcontact/get_corp_tag_list'(state, { body }) {
    const tagIds = Array.isArray(body.tag_id) ? body.tag_id.map(String) : []
    const groupIds = Array.isArray(body.group_id) ? body.group_id.map(String) : []
    const groups = state.tagGroups
      .filter(g => !groupIds.length || groupIds.includes(g.group_id))
      .map(g => ({ ...g, tag: g.tag.filter(t => !tagIds.length || tagIds.includes(t.id)) }))
      .filter(g => !tagIds.length || g.tag.length)
    return { answer: ok({ tag_group: groups }), changed: false }
  },

  /** 添加企业客户标签: into the group named (made when new) or given by id */
  'externalcontact/add_corp_tag'(state, { body, now }) {
    const tags = Array.isArray(body.tag) ? (body.tag as Array<{ name?: unknown; order?: unknown }>) : []
    if (!tags.length || tags.some(t => !str(t.name) || str(t.name).length > 30)) return { answer: err(40058, 'tag names required, at most 30 characters'), changed: false }
    let group = body.group_id ? state.tagGroups.find(g => g.group_id === body.group_id) : state.tagGroups.find(g => g.group_name === body.group_name)
    if (body.group_id && !group) return { answer: err(40068, 'invalid tagid (group_id)'), changed: false }
    const at = Math.floor(now.getTime() / 1000)
    if (!group) {
      if (!str(body.group_name)) return { answer: err(40058, 'group_name or group_id required'), changed: false }
      group = { group_id: id('et'), group_name: str(body.group_name), create_time: at, order: Number(body.order) || 0, deleted: false, tag: [] }
      state.tagGroups.push(group)
    }
    const names = new Set(group.tag.map(t => t.name))
    if (tags.some(t => names.has(str(t.name)))) return { answer: err(40071, 'UserTag Name Already Exist'), changed: false }
    const added = tags.map(t => ({ id: id('et'), name: str(t.name), create_time: at, order: Number(t.order) || 0, deleted: false }))
    group.tag.push(...added)
    return { answer: ok({ tag_group: { ...group, tag: added } }), changed: true }
  },

  /** 编辑客户企业标签: one contact of one staff member */
  'externalcontact/mark_tag'(state, { body }) {
    const userId = str(body.userid)
    const externalUserId = str(body.external_userid)
    const contact = state.contacts[externalUserId]
    if (!contact || !contact.followUsers.some(f => f.userId === userId)) return { answer: err(84061, 'not external contact'), changed: false }
    const add = Array.isArray(body.add_tag) ? body.add_tag.map(String) : []
    const remove = Array.isArray(body.remove_tag) ? body.remove_tag.map(String) : []
    if (!add.length && !remove.length) return { answer: err(40058, 'add_tag or remove_tag required'), changed: false }
    const known = new Set(state.tagGroups.flatMap(g => g.tag.map(t => t.id)))
    if ([...add, ...remove].some(t => !known.has(t))) return { answer: err(40068, 'invalid tagid'), changed: false }
    const key = `${externalUserId}|${userId}`
    const next = new Set(state.contactTags[key] ?? [])
    for (const t of add) next.add(t)
    for (const t of remove) next.delete(t)
    state.contactTags[key] = [...next].sort()
    return { answer: ok(), changed: true }
  },

  /** 创建企业群发 (single chat): the staff member confirms it in WeCom */
  'externalcontact/add_msg_template'(state, { body }) {
    const chatType = str(body.chat_type) || 'single'
    const targets = Array.isArray(body.external_userid) ? body.external_userid.map(String) : []
    if (chatType !== 'single' && chatType !== 'group') return { answer: err(40058, 'invalid chat_type'), changed: false }
    const text = body.text as { content?: unknown } | undefined
    if (!str(text?.content) && !(Array.isArray(body.attachments) && body.attachments.length)) return { answer: err(40058, 'text or attachments required'), changed: false }
    const sender = str(body.sender)
    const fail = targets.filter(t => !state.contacts[t] || (sender && !state.contacts[t].followUsers.some(f => f.userId === sender)))
    return { answer: ok({ fail_list: fail, msgid: id('msg') }), changed: false }
  },
}

function tagsOf(state: WecomState, externalUserId: string, userId: string) {
  const ids = new Set(state.contactTags[`${externalUserId}|${userId}`] ?? [])
  return state.tagGroups.flatMap(g => g.tag.filter(t => ids.has(t.id)).map(t => ({ group_name: g.group_name, tag_name: t.name, tag_id: t.id, type: 1 })))
}
