import type { CouponTemplateInput, CouponTemplateRow, CouponTemplateView } from '../../../types/coupons'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

/**
 * The 券 screen's calls to the `admin` function (brand admins only: a store manager, staff and
 * consumers get PERMISSION_DENIED). Contracts in types/coupons.ts and types/admin.ts.
 */
export const couponsApi = {
  /** Every template, active and paused, with stock, issued and used counts. */
  list(): Promise<Result<{ templates: CouponTemplateRow[] }>> {
    return callFunction('admin', { action: 'listCouponTemplates' })
  },
  /**
   * Creates or replaces a template's terms (issued coupons keep theirs). A new `totalStock` keeps
   * what was issued: stock = totalStock − issued; below issued is refused on the totalStock field.
   */
  upsert(template: CouponTemplateInput): Promise<Result<{ template: CouponTemplateView; created: boolean }>> {
    return callFunction('admin', { action: 'upsertCouponTemplate', template })
  },
  /** 暂停 (no claiming, issuing or exchanging) or 恢复. */
  setStatus(templateId: string, status: 'active' | 'paused'): Promise<Result<{ template: CouponTemplateView }>> {
    return callFunction('admin', { action: 'setCouponTemplateStatus', templateId, status })
  },
}
