/** `api_nonces/sig_<signature>`: accepted request signatures, kept for the signature window (a replay is refused). */
import { collectionHandle } from '../collection'

export interface NonceDoc {
  _id: string
  keyId: string
  at: Date
}

export const nonces = collectionHandle<NonceDoc>('api_nonces')

export const nonceId = (signature: string) => `sig_${signature.toLowerCase()}`
