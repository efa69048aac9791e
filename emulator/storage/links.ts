/**
 * Signed upload tokens and private download links, on a secret and a clock the caller passes in.
 *
 * The secret lives in memory: a restart ends every link (10 min at most) and every half-done upload
 * (15 min at most), which is all they are for.
 */
import { createHmac, timingSafeEqual } from 'crypto'
import { BUCKET, PRIVATE_LINK_MAX_SECONDS } from './paths'

export const UPLOAD_TTL_MS = 15 * 60 * 1000

/** A private file's link parameters: `?expires=<ms>&sign=<hmac>`. */
export interface LinkSignature {
  expires: number
  sign: string
}

export interface LinkSigner {
  /** `<expires>.<hmac>`: lets one PUT of this path through for UPLOAD_TTL_MS. */
  uploadToken(cloudPath: string): string
  uploadTokenValid(cloudPath: string, token: string): boolean
  /** A download signature valid for `seconds` from now. */
  signDownload(cloudPath: string, seconds: number): LinkSignature
  /** Is this signature for this path, unexpired and not valid for longer than a link may be? */
  downloadAllowed(cloudPath: string, expires: string | null, sign: string | null): boolean
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function createLinkSigner(secret: Buffer, now: () => number): LinkSigner {
  const hmac = (text: string) => createHmac('sha256', secret).update(text).digest('base64url')
  const uploadSig = (cloudPath: string, expires: number) => hmac(`${BUCKET}/${cloudPath}\n${expires}`)
  // a different message from uploadSig's, so an upload token never opens a download and vice versa
  const downloadSig = (cloudPath: string, expires: number) => hmac(`download\n${BUCKET}/${cloudPath}\n${expires}`)

  return {
    uploadToken(cloudPath) {
      const expires = now() + UPLOAD_TTL_MS
      return `${expires}.${uploadSig(cloudPath, expires)}`
    },
    uploadTokenValid(cloudPath, token) {
      const m = /^(\d+)\.([\w-]+)$/.exec(token)
      if (!m || Number(m[1]) < now()) return false
      return sameText(uploadSig(cloudPath, Number(m[1])), m[2])
    },
    signDownload(cloudPath, seconds) {
      const expires = now() + seconds * 1000
      return { expires, sign: downloadSig(cloudPath, expires) }
    },
    downloadAllowed(cloudPath, expiresParam, signParam) {
      const expires = Number(expiresParam)
      const sign = signParam ?? ''
      const t = now()
      if (!Number.isSafeInteger(expires) || !sign || expires < t || expires - t > PRIVATE_LINK_MAX_SECONDS * 1000) return false
      return sameText(downloadSig(cloudPath, expires), sign)
    },
  }
}
