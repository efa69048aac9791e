/** `admins`: the OPENIDs of brand admins (entered by hand in the CloudBase console). */
import { collectionHandle } from '../collection'

export interface AdminDoc {
  _id: string
}

export const admins = collectionHandle<AdminDoc>('admins')
