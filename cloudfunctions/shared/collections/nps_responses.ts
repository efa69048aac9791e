/** `nps_responses`: one answer (or a dismissal) per purchase, id derived from the purchase. */
import type { NpsCategory } from '../../../types/nps'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export interface NpsResponseDoc {
  _id: string
  memberId: string
  /** absent on a dismissal */
  memberNo?: string
  purchaseId: string
  storeId: string
  score: number | null
  category: NpsCategory | null
  comment: string
  dismissed: boolean
  at: Date
}

export const npsResponses = collectionHandle<NpsResponseDoc>('nps_responses')

export const npsResponseId = (purchaseId: string) => derivedId('nps', purchaseId)
