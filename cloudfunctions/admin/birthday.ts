/** 生日礼 settings (settings doc `birthdayGift`, types/birthday.ts): read, and set with its coupon template checked. */
import type { AdminActions } from './actions'
import { AppError } from '../../types/result'
import { templates } from '../shared/coupons'
import { findById } from '../shared/query'
import { BIRTHDAY_GIFT, loadRules, saveRules } from '../shared/rules'

export const adminBirthdayActions: Pick<AdminActions, 'getBirthdayGiftRules' | 'setBirthdayGiftRules'> = {
  async getBirthdayGiftRules() {
    return loadRules(BIRTHDAY_GIFT)
  },

  async setBirthdayGiftRules(event, ctx) {
    const id = event.rules.couponTemplateId
    if (id) {
      // a claim issues through the `birthday` channel: a template without it would fail every claim
      const template = await findById(templates, id)
      const problem = !template ? `券模板不存在：${id}` : !template.channels.includes('birthday') ? `券模板「${template.name}」的发放渠道不含「生日」（birthday）` : null
      if (problem) throw new AppError('INVALID_ARGUMENT', `rules.couponTemplateId: ${problem}`, [{ path: 'rules.couponTemplateId', message: problem }])
    }
    return saveRules(BIRTHDAY_GIFT, event.rules, ctx)
  },
}
