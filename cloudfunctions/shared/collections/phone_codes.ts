/** `phone_codes/<openid>`: the SMS code sent for binding a phone (hashed), emulator only. */
import { collectionHandle } from '../collection'

export interface PhoneCodeDoc {
  _id: string
  memberId: string
  phone: string
  codeHash: string
  attempts: number
  sentAt: Date
  expiresAt: Date
}

export const phoneCodes = collectionHandle<PhoneCodeDoc>('phone_codes')
