/**
 * What the console's screens show, as pure functions: KPI values by unit, the date ranges (Shanghai
 * days), the function's SVG charts as image data URIs, and the Chinese names of codes.
 * Only `import type` from types/ (its zod schemas stay out of the bundle).
 */
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import type { Kpi } from '../../../types/console'
import { formatFen } from '../utils/money'

dayjs.extend(utc)

const SHANGHAI_OFFSET_MINUTES = 8 * 60

/** 1234567 → "1,234,567" (weapp's toLocaleString does not always group). */
export function groupThousands(n: number): string {
  const sign = n < 0 ? '-' : ''
  const [int, frac] = String(Math.abs(n)).split('.')
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return sign + grouped + (frac ? `.${frac}` : '')
}

/** A KPI's value as operators read it; null (nothing to divide by, no data) is —. */
export function formatKpi(kpi: Pick<Kpi, 'value' | 'unit'>): string {
  const v = kpi.value
  if (v === null || !Number.isFinite(v)) return '—'
  switch (kpi.unit) {
    case 'count':
      return groupThousands(Math.round(v))
    case 'fen':
      return formatFen(v).replace(/^(-?)￥(\d+)/, (_m, s: string, yuan: string) => `${s}￥${groupThousands(Number(yuan))}`)
    case 'rate':
      return `${(Math.round(v * 1000) / 10).toFixed(1)}%`
    case 'points':
      return `${groupThousands(Math.round(v))} 积分`
    case 'score':
      return String(Math.round(v * 10) / 10)
    default:
      return String(v)
  }
}

export type RangeId = '7d' | '30d' | 'month'

export const RANGES: ReadonlyArray<{ id: RangeId; label: string }> = [
  { id: '7d', label: '近7天' },
  { id: '30d', label: '近30天' },
  { id: 'month', label: '本月' },
]

/** The Shanghai days (YYYY-MM-DD, both ends included) a range chip means, ending today. */
export function rangeDays(id: RangeId, now: Date = new Date()): { from: string; to: string } {
  const today = dayjs(now).utcOffset(SHANGHAI_OFFSET_MINUTES)
  const to = today.format('YYYY-MM-DD')
  if (id === 'month') return { from: today.format('YYYY-MM-01'), to }
  return { from: today.subtract(id === '7d' ? 6 : 29, 'day').format('YYYY-MM-DD'), to }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** The UTF-8 bytes of a string (no TextEncoder on every weapp base library). */
export function utf8Bytes(text: string): number[] {
  const out: number[] = []
  for (const ch of text) {
    let cp = ch.codePointAt(0)!
    // a lone surrogate is not encodable: U+FFFD, as TextEncoder does
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd
    if (cp < 0x80) out.push(cp)
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63))
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63))
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63))
  }
  return out
}

/** Base64 of a string's UTF-8 bytes (btoa takes Latin-1 only and is missing in weapp). */
export function base64Utf8(text: string): string {
  const bytes = utf8Bytes(text)
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1], bytes[i + 2]]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (b === undefined ? '=' : B64[(n >> 6) & 63]) + (c === undefined ? '=' : B64[n & 63])
  }
  return out
}

/** A chart the function drew (SVG markup) as an <Image> source: the weapp image component shows SVG data URIs. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${base64Utf8(svg)}`
}

const STAGE_TEXT: Record<string, string> = { new: '新客', active: '活跃', loyal: '忠诚', sleeping: '沉睡', churned: '流失' }
const LAYER_TEXT: Record<string, string> = { high: '高价值', mid: '中价值', low: '低价值', none: '未消费' }

/** A lifecycle stage's name (a code the function may answer, or already a name). */
export const stageText = (stage: string): string => STAGE_TEXT[stage] ?? stage
/** An RFM / value layer's name. */
export const layerText = (layer: string): string => LAYER_TEXT[layer] ?? layer

const GENDER_TEXT: Record<string, string> = { male: '男', female: '女', unknown: '保密' }
export const genderText = (g: string): string => GENDER_TEXT[g] ?? g

/** Churn risk 0–1 as a percentage and a level. */
export function riskText(risk: number): { percent: string; level: 'high' | 'mid' | 'low'; label: string } {
  const level = risk >= 0.6 ? 'high' : risk >= 0.3 ? 'mid' : 'low'
  return { percent: `${Math.round(risk * 100)}%`, level, label: level === 'high' ? '高' : level === 'mid' ? '中' : '低' }
}

const STATUS_TEXT: Record<string, string> = {
  // coupons
  available: '可用',
  used: '已使用',
  expired: '已过期',
  // purchases
  completed: '已完成',
  partially_refunded: '部分退款',
  refunded: '已退款',
  // follow-ups
  open: '待回访',
  closed: '已完成',
  // reminders
  sent: '已发送',
  failed: '发送失败',
  skipped: '已跳过',
  deferred: '已延后',
}
export const statusText = (s: string): string => STATUS_TEXT[s] ?? s

const REMINDER_TEXT: Record<string, string> = {
  coupon_expiring: '券即将过期',
  points_expiring: '积分即将过期',
  birthday: '生日礼',
  streak_at_risk: '连续签到提醒',
  win_back: '召回',
  tier_upgraded: '等级升级',
  tier_review: '等级复核',
  campaign: '活动通知',
}
export const reminderText = (k: string): string => REMINDER_TEXT[k] ?? k

const AUDIT_ACTION_TEXT: Record<string, string> = {
  adjustPoints: '调整积分',
  tagMembers: '打标签',
  setMemberTier: '设置等级',
  revealPhone: '显示手机号',
  issueCoupons: '发券',
  upsertCouponTemplate: '保存券模板',
  setCouponTemplateStatus: '暂停/恢复券模板',
  expireCoupons: '券过期',
  startCampaign: '开始活动',
  appointManager: '任命店长',
  removeManager: '撤销店长',
  appointStaff: '任命店员',
  removeStaff: '停用店员',
  upsertStore: '门店',
  setPointRules: '积分规则',
  setCheckinRules: '签到规则',
  setTaskRules: '任务规则',
  setTierLadder: '会员等级',
  setReminderConfig: '提醒设置',
  expirePoints: '积分过期',
  saveSegment: '保存人群',
  deleteSegment: '删除人群',
  exportSegment: '导出人群',
  setPrivacyPolicy: '隐私保护指引',
  privacyConsent: '同意隐私指引',
  privacyConsentWithdrawn: '撤回隐私同意',
}
/** An audited action's Chinese name, with the code (what the 操作 filter takes). */
export const auditActionText = (action: string): string => (AUDIT_ACTION_TEXT[action] ? `${AUDIT_ACTION_TEXT[action]}（${action}）` : action)

const AUDIT_VALUE_MAX = 80

function shortJson(value: unknown): string {
  if (value === null || value === undefined) return '—'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > AUDIT_VALUE_MAX ? `${text.slice(0, AUDIT_VALUE_MAX - 1)}…` : text
}

/** An audit row's change in one line: before → after, and the reason given. */
export function auditChangeText(row: { before: unknown; after: unknown; reason: string | null }): string {
  const change = row.before === null || row.before === undefined ? shortJson(row.after) : `${shortJson(row.before)} → ${shortJson(row.after)}`
  return row.reason ? `${change} · 原因：${row.reason}` : change
}
