/** What the 券 screen shows of a template: the Chinese names of types, channels and audiences, stock and validity. */
import type { Audience, CouponChannel, CouponTemplateView, CouponType } from '../../../../types/coupons'
import { shanghaiDay } from './form-model'

export const TYPE_OPTIONS: ReadonlyArray<{ value: CouponType; label: string }> = [
  { value: 'cash', label: '现金券' },
  { value: 'threshold', label: '满减券' },
  { value: 'percent', label: '折扣券' },
  { value: 'gift', label: '礼品券' },
  { value: 'makeup_card', label: '补签卡' },
]

export const CHANNEL_OPTIONS: ReadonlyArray<{ value: CouponChannel; label: string }> = [
  { value: 'claim_center', label: '领券中心' },
  { value: 'admin', label: '后台发放' },
  { value: 'welcome', label: '新人礼' },
  { value: 'birthday', label: '生日礼' },
  { value: 'points_mall', label: '积分商城' },
]

export const AUDIENCE_OPTIONS: ReadonlyArray<{ value: Audience['kind']; label: string; placeholder: string }> = [
  { value: 'all', label: '全部会员', placeholder: '' },
  { value: 'tiers', label: '指定等级', placeholder: '等级 ID，逗号分隔，如 silver, gold' },
  { value: 'tags', label: '指定标签', placeholder: '标签，逗号分隔（有其一即可）' },
  { value: 'segment', label: '指定人群', placeholder: '人群 ID，如 sleeping-high-value' },
]

export const typeText = (t: string) => TYPE_OPTIONS.find(o => o.value === t)?.label ?? t
export const channelText = (c: string) => CHANNEL_OPTIONS.find(o => o.value === c)?.label ?? c

/** "剩余 8 / 总 10" or "不限量". */
export function stockText(t: Pick<CouponTemplateView, 'stock' | 'totalStock'>): string {
  return t.totalStock === null || t.stock === null ? '不限量' : `剩余 ${t.stock} / 共 ${t.totalStock}`
}

/** "领取后 30 天内有效" or "2026-12-01 至 2026-12-31" (Shanghai days). */
export function validityText(t: Pick<CouponTemplateView, 'validity'>): string {
  return t.validity.kind === 'relative' ? `领取后 ${t.validity.days} 天内有效` : `${shanghaiDay(t.validity.start)} 至 ${shanghaiDay(t.validity.end)}`
}
