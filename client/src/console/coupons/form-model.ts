/**
 * The 券 form as pure functions: what the admin types (yuan, 折, Shanghai dates, lists as text) ↔
 * the template `admin.upsertCouponTemplate` takes (fen, percentOff, ISO instants, arrays). The client
 * checks only what it must to build the event (number formats, dates); the function's schema decides
 * the rest and its issues come back by field (`fieldOfIssue`).
 */
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import type { Audience, CouponChannel, CouponTemplateInput, CouponTemplateView, CouponType } from '../../../../types/coupons'
import type { Fail } from '../../../../types/result'
import { fenToYuanText, parseYuan } from '../../utils/money'

dayjs.extend(utc)

/** What the form holds: text as typed. */
export interface CouponForm {
  templateId: string
  name: string
  description: string
  type: CouponType
  /** 元: the amount off (cash, threshold) */
  value: string
  /** 折: 8.5 means pay 85 % (percentOff 15) */
  discount: string
  /** 元, optional: the most a discount coupon takes off */
  cap: string
  /** 元: 满 … (empty: no minimum) */
  minSpend: string
  giftName: string
  validityKind: 'relative' | 'fixed'
  days: string
  /** Shanghai days YYYY-MM-DD, both included */
  start: string
  end: string
  /** empty: unlimited */
  totalStock: string
  perMemberLimit: string
  audienceKind: Audience['kind']
  /** tiers / tags (comma separated) or a segment id */
  audienceValue: string
  channels: CouponChannel[]
  pointsPrice: string
  stackable: boolean
}

/** The fields errors are shown next to ('' = the form as a whole). */
export type FormField = keyof CouponTemplateInput | ''
export type FieldErrors = Partial<Record<FormField, string>>

const FIELDS: ReadonlySet<string> = new Set([
  'templateId',
  'name',
  'description',
  'type',
  'valueFen',
  'percentOff',
  'capFen',
  'minSpendFen',
  'giftName',
  'validity',
  'totalStock',
  'perMemberLimit',
  'audience',
  'channels',
  'pointsPrice',
  'stackable',
])

export function emptyForm(): CouponForm {
  return {
    templateId: '',
    name: '',
    description: '',
    type: 'cash',
    value: '',
    discount: '',
    cap: '',
    minSpend: '',
    giftName: '',
    validityKind: 'relative',
    days: '30',
    start: '',
    end: '',
    totalStock: '',
    perMemberLimit: '1',
    audienceKind: 'all',
    audienceValue: '',
    channels: ['claim_center'],
    pointsPrice: '',
    stackable: false,
  }
}

const SHANGHAI = 8 * 60
/** An ISO instant's Shanghai day (YYYY-MM-DD). */
export const shanghaiDay = (iso: string) => dayjs(iso).utcOffset(SHANGHAI).format('YYYY-MM-DD')
const list = (text: string) =>
  text
    .split(/[,，\s]+/)
    .map(s => s.trim())
    .filter(Boolean)

/** A listed template back into the form (编辑, 改库存). */
export function formFromTemplate(t: CouponTemplateView): CouponForm {
  const audienceValue =
    t.audience.kind === 'tiers' ? t.audience.tierIds.join(', ') : t.audience.kind === 'tags' ? t.audience.tags.join(', ') : t.audience.kind === 'segment' ? t.audience.segmentId : ''
  return {
    templateId: t.templateId,
    name: t.name,
    description: t.description ?? '',
    type: t.type,
    value: t.valueFen != null ? fenToYuanText(t.valueFen) : '',
    discount: t.percentOff != null ? String((100 - t.percentOff) / 10) : '',
    cap: t.capFen != null ? fenToYuanText(t.capFen) : '',
    minSpend: t.minSpendFen ? fenToYuanText(t.minSpendFen) : '',
    giftName: t.giftName ?? '',
    validityKind: t.validity.kind,
    days: t.validity.kind === 'relative' ? String(t.validity.days) : '30',
    start: t.validity.kind === 'fixed' ? shanghaiDay(t.validity.start) : '',
    end: t.validity.kind === 'fixed' ? shanghaiDay(t.validity.end) : '',
    totalStock: t.totalStock === null ? '' : String(t.totalStock),
    perMemberLimit: String(t.perMemberLimit),
    audienceKind: t.audience.kind,
    audienceValue,
    channels: [...t.channels],
    pointsPrice: t.pointsPrice != null ? String(t.pointsPrice) : '',
    stackable: t.stackable,
  }
}

/** Whole number in [min, max], or an error. */
function wholeNumber(text: string, min: number, max: number, what: string): { ok: true; n: number } | { ok: false; message: string } {
  const t = text.trim()
  if (!/^\d+$/.test(t)) return { ok: false, message: `${what}请填整数` }
  const n = Number(t)
  if (n < min || n > max) return { ok: false, message: `${what}应在 ${min}–${max} 之间` }
  return { ok: true, n }
}

/** "8.5" 折 → percentOff 15; null when it is not 0.1–9.9 in steps of 0.1. */
export function discountToPercentOff(text: string): number | null {
  const m = /^(\d)(?:\.(\d))?$/.exec(text.trim())
  if (!m) return null
  const tenths = Number(m[1]) * 10 + Number(m[2] ?? '0')
  return tenths >= 1 && tenths <= 99 ? 100 - tenths : null
}

/** Whether the type shows each amount field. */
export const usesValue = (t: CouponType) => t === 'cash' || t === 'threshold'
export const usesMinSpend = (t: CouponType) => t !== 'makeup_card'

/** The template to send, or the fields to fix first. */
export function toTemplateInput(f: CouponForm): { ok: true; input: CouponTemplateInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const input: Record<string, unknown> = { templateId: f.templateId.trim(), name: f.name.trim(), type: f.type, stackable: f.stackable }
  if (!input.templateId) errors.templateId = '请填写模板 ID'
  if (!input.name) errors.name = '请填写券名称'
  if (f.description.trim()) input.description = f.description.trim()

  if (usesValue(f.type)) {
    const v = parseYuan(f.value)
    if (v.ok) input.valueFen = v.fen
    else errors.valueFen = v.message
  }
  if (f.type === 'percent') {
    const p = discountToPercentOff(f.discount)
    if (p === null) errors.percentOff = '折扣请填 0.1–9.9 折（一位小数），如 8.5'
    else input.percentOff = p
    if (f.cap.trim()) {
      const c = parseYuan(f.cap)
      if (c.ok) input.capFen = c.fen
      else errors.capFen = c.message
    }
  }
  input.minSpendFen = 0
  if (usesMinSpend(f.type) && f.minSpend.trim()) {
    const m = parseYuan(f.minSpend)
    if (m.ok) input.minSpendFen = m.fen
    else errors.minSpendFen = m.message
  }
  if (f.type === 'gift') {
    if (f.giftName.trim()) input.giftName = f.giftName.trim()
    else errors.giftName = '请填写礼品名称'
  }

  if (f.validityKind === 'relative') {
    const d = wholeNumber(f.days, 1, 3650, '有效天数')
    if (d.ok) input.validity = { kind: 'relative', days: d.n }
    else errors.validity = d.message
  } else if (!/^\d{4}-\d{2}-\d{2}$/.test(f.start) || !/^\d{4}-\d{2}-\d{2}$/.test(f.end)) errors.validity = '请选择开始和结束日期'
  else if (f.end < f.start) errors.validity = '结束日期不能早于开始日期'
  else input.validity = { kind: 'fixed', start: `${f.start}T00:00:00+08:00`, end: `${f.end}T23:59:59+08:00` }

  if (!f.totalStock.trim()) input.totalStock = null
  else {
    const s = wholeNumber(f.totalStock, 0, 10_000_000, '总库存')
    if (s.ok) input.totalStock = s.n
    else errors.totalStock = s.message
  }
  const limit = wholeNumber(f.perMemberLimit, 1, 100, '每人限领')
  if (limit.ok) input.perMemberLimit = limit.n
  else errors.perMemberLimit = limit.message

  const values = list(f.audienceValue)
  if (f.audienceKind === 'all') input.audience = { kind: 'all' }
  else if (!values.length) errors.audience = '请填写适用的等级、标签或人群'
  else if (f.audienceKind === 'tiers') input.audience = { kind: 'tiers', tierIds: values }
  else if (f.audienceKind === 'tags') input.audience = { kind: 'tags', tags: values }
  else input.audience = { kind: 'segment', segmentId: values[0] }

  if (!f.channels.length) errors.channels = '请至少选择一个发放渠道'
  input.channels = [...f.channels]
  if (f.channels.includes('points_mall') || f.pointsPrice.trim()) {
    const p = wholeNumber(f.pointsPrice, 1, 10_000_000, '兑换积分')
    if (p.ok) input.pointsPrice = p.n
    else errors.pointsPrice = p.message
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, input: input as CouponTemplateInput }
}

/** The form field an issue path of the function belongs to ("template.validity.end" → validity); '' for the form. */
export function fieldOfIssue(path: string): FormField {
  const parts = path.split('.')
  const field = parts[0] === 'template' ? parts[1] : parts[0]
  return field && FIELDS.has(field) ? (field as FormField) : ''
}

/** A refusal by field: each issue next to its field, the message for the form when none names one. */
export function errorsOfFail(res: Fail): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of res.issues ?? []) {
    const field = fieldOfIssue(issue.path)
    errors[field] = errors[field] ? `${errors[field]}；${issue.message}` : issue.message
  }
  if (!Object.keys(errors).length) errors[''] = res.message || res.code
  return errors
}
