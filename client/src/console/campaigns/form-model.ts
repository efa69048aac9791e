/**
 * The 活动 form and figures as pure functions: the spec `admin.startCampaign` takes, the function's
 * refusals by field, and the report's numbers as operators read them.
 */
import type { CampaignSpec, CampaignStatus, CampaignView } from '../../../../types/campaigns'
import type { Fail } from '../../../../types/result'
import { formatKpi } from '../format'

export interface CampaignForm {
  campaignId: string
  name: string
  segmentId: string
  /** '' = no coupon */
  templateId: string
  /** '' = no message */
  messageText: string
  holdoutPercent: string
  windowDays: string
}

export type CampaignField = 'campaignId' | 'name' | 'segmentId' | 'templateId' | 'message' | 'holdoutPercent' | 'windowDays' | ''
export type CampaignErrors = Partial<Record<CampaignField, string>>

const FIELDS: ReadonlySet<string> = new Set(['campaignId', 'name', 'segmentId', 'templateId', 'message', 'holdoutPercent', 'windowDays'])

export function emptyCampaignForm(): CampaignForm {
  return { campaignId: '', name: '', segmentId: '', templateId: '', messageText: '', holdoutPercent: '10', windowDays: '14' }
}

function whole(text: string, min: number, max: number): number | null {
  const t = text.trim()
  if (!/^\d+$/.test(t)) return null
  const n = Number(t)
  return n >= min && n <= max ? n : null
}

/** The spec to send, or what to fix first (the function checks the rest: ids, the template's channel, the message kind). */
export function toSpec(f: CampaignForm): { ok: true; spec: CampaignSpec } | { ok: false; errors: CampaignErrors } {
  const errors: CampaignErrors = {}
  const campaignId = f.campaignId.trim()
  const name = f.name.trim()
  const text = f.messageText.trim()
  if (!campaignId) errors.campaignId = '请填写活动 ID'
  if (!name) errors.name = '请填写活动名称'
  if (!f.segmentId) errors.segmentId = '请选择人群'
  if (!f.templateId && !text) errors.templateId = '请选择要发的券，或填写消息，至少一项'
  const holdoutPercent = whole(f.holdoutPercent, 1, 50)
  if (holdoutPercent === null) errors.holdoutPercent = '对照组比例请填 1–50 的整数'
  const windowDays = whole(f.windowDays, 1, 90)
  if (windowDays === null) errors.windowDays = '观察天数请填 1–90 的整数'
  if (Object.keys(errors).length) return { ok: false, errors }
  const spec: CampaignSpec = { campaignId, name, segmentId: f.segmentId, holdoutPercent: holdoutPercent!, windowDays: windowDays! }
  if (f.templateId) spec.templateId = f.templateId
  if (text) spec.message = { text }
  return { ok: true, spec }
}

/** The spec of a campaign already started (继续 an unfinished start sends the same spec again). */
export function specOf(c: CampaignView): CampaignSpec {
  const spec: CampaignSpec = { campaignId: c.campaignId, name: c.name, segmentId: c.segmentId, holdoutPercent: c.holdoutPercent, windowDays: c.windowDays }
  if (c.templateId) spec.templateId = c.templateId
  if (c.message) spec.message = c.message.page ? { text: c.message.text, page: c.message.page } : { text: c.message.text }
  return spec
}

/** Two specs ask for the same campaign (a dry run counts only for the spec it was run with). */
export const sameSpec = (a: CampaignSpec, b: CampaignSpec) => JSON.stringify(specKey(a)) === JSON.stringify(specKey(b))
const specKey = (s: CampaignSpec) => [s.campaignId, s.name, s.segmentId, s.templateId ?? null, s.message?.text ?? null, s.message?.page ?? null, s.holdoutPercent, s.windowDays]

/** A refusal by field ("campaign.message.text" → message); an existing id with another spec is the id's. */
export function errorsOfFail(res: Fail): CampaignErrors {
  const errors: CampaignErrors = {}
  for (const issue of res.issues ?? []) {
    const parts = issue.path.split('.')
    const field = parts[0] === 'campaign' ? parts[1] : parts[0]
    const key: CampaignField = field && FIELDS.has(field) ? (field as CampaignField) : ''
    errors[key] = errors[key] ? `${errors[key]}；${issue.message}` : issue.message
  }
  if (!Object.keys(errors).length) errors[res.code === 'ALREADY_EXISTS' ? 'campaignId' : ''] = res.message || res.code
  return errors
}

const STATUS_TEXT: Record<CampaignStatus, string> = { starting: '启动未完成', running: '进行中', finished: '已结束' }
export const campaignStatusText = (s: CampaignStatus) => STATUS_TEXT[s] ?? s

/** 0.125 → 12.5% */
export const rate = (x: number) => formatKpi({ value: x, unit: 'rate' })
/** 0.0421 → +4.2 个百分点 */
export function points(x: number): string {
  const v = Math.round(x * 1000) / 10
  return `${v > 0 ? '+' : ''}${v.toFixed(1)} 个百分点`
}
/** A 95 % interval of a rate, or of a difference in points; — when there is none (an empty group). */
export function intervalText(iv: [number, number] | null, asPoints = false): string {
  if (!iv) return '—'
  const f = (x: number) => (asPoints ? (Math.round(x * 1000) / 10).toFixed(1) : rate(x))
  return asPoints ? `${f(iv[0])} ~ ${f(iv[1])} 个百分点` : `${f(iv[0])} ~ ${f(iv[1])}`
}
export const money = (fen: number) => formatKpi({ value: Math.round(fen), unit: 'fen' })
