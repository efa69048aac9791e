/** The staff member's own WeCom 「联系我」 code, shown on the till's result page (docs/wecom.md). */
import type { StaffActions } from './actions'
import { contactWayOf } from '../shared/wecom-link'
import { requireStaff } from './till'

export const staffWecomActions: Pick<StaffActions, 'myContactWay'> = {
  async myContactWay(_event, ctx) {
    const staff = await requireStaff(ctx)
    return { contactWay: await contactWayOf(staff) }
  },
}
