/** `staff/<openid>`: who may use the till, and for which store (appointed by admin.appointStaff). */
import type { ContactWay } from '../../../types/wecom'
import type { StaffView } from '../../../types/console'
import { collectionHandle } from '../collection'

export interface StaffRow {
  _id: string
  storeId: string
  name: string
  active: boolean
  createdAt?: Date
  updatedAt?: Date
  appointedBy?: string
  /** the staff member's WeCom account (admin.setStaffWecomUser) and 「联系我」 code (docs/wecom.md) */
  wecomUserId?: string | null
  contactWay?: ContactWay | null
}

export const staffRows = collectionHandle<StaffRow>('staff')

const isoOrNull = (v: unknown) => (v ? new Date(v as string).toISOString() : null)

/** A staff row as the console lists it (with the member number the caller looked up). */
export function staffView(row: StaffRow, memberNo: string | null): StaffView {
  return { openid: String(row._id), memberNo, storeId: String(row.storeId), name: String(row.name ?? ''), active: row.active === true, createdAt: isoOrNull(row.createdAt) }
}
