/** `code_uses/<memberNo>-<step>`: member codes already used at the till (a code pays once). */
import { collectionHandle } from '../collection'

export interface CodeUseDoc {
  _id: string
  memberNo: string
  step: number
  purchaseId: string
  staffOpenid: string
  storeId: string
  usedAt: Date
}

export const codeUses = collectionHandle<CodeUseDoc>('code_uses')

export const codeUseId = (memberNo: string, step: number) => `${memberNo}-${step}`
