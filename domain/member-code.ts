/**
 * The dynamic member code, TOTP-style so it still works when the phone is briefly offline:
 * the server derives a per-member key from a secret in function configuration and hands it to the
 * member's device once (`member.getCodeKey`); the device shows memberNo + an 8-digit one-time
 * password for the current 30-second step; the till's `staff` function re-derives the key and checks.
 * The secret itself never leaves the server. Pure functions: shared by the client and the functions.
 */
import { sha256 } from 'js-sha256'

export const CODE_STEP_SECONDS = 30
/** Steps in the past still accepted: a code (or its screenshot) stops working within 2 minutes. */
export const CODE_ACCEPT_PAST_STEPS = 3
/** Steps in the future accepted, for a phone clock slightly ahead of the server's. */
export const CODE_ACCEPT_FUTURE_STEPS = 1
/** How far back a code is recognised as "expired" (rather than forged). */
const CODE_RECOGNISE_PAST_STEPS = 2 * 60 * 2 // two hours

export type CodeCheck = { ok: true; memberNo: string; step: number } | { ok: false; reason: 'invalid' | 'expired' }

export function stepOf(now: Date): number {
  return Math.floor(now.getTime() / 1000 / CODE_STEP_SECONDS)
}

/** Server side only: the member's code key for this key version (hex). */
export function deriveMemberKey(secret: string, memberNo: string, keyVersion: number): string {
  return sha256.hmac(secret, `member-code:v${keyVersion}:${memberNo}`)
}

/** 8 digits from HMAC-SHA256(key, step) with RFC 4226 dynamic truncation. */
export function oneTimePassword(key: string, step: number): string {
  const mac = sha256.hmac.array(key, String(step))
  const offset = mac[mac.length - 1] & 0x0f
  const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3]
  return String(bin % 100_000_000).padStart(8, '0')
}

/** What the member's device shows (QR and digits): 18 digits. */
export function memberCode(key: string, memberNo: string, now: Date): string {
  return `${memberNo}${oneTimePassword(key, stepOf(now))}`
}

/** Below this the difference is the round trip's noise, not a wrong clock: no correction. */
const CLOCK_NOISE_MS = 2_000

/**
 * What to add to the device's clock to get the server's, from one request: the server answered
 * `serverTime` between `sentAt` and `receivedAt` (device ms), so the midpoint is the best guess (off
 * by at most half the round trip). Phones with a wrong clock are common; without this correction
 * their code is refused at the till as expired (the till accepts 90 s back and 30 s ahead).
 */
export function clockOffsetMs(serverTime: Date, sentAt: number, receivedAt: number): number {
  const offset = Math.round(serverTime.getTime() - (sentAt + receivedAt) / 2)
  return Number.isFinite(offset) && Math.abs(offset) >= CLOCK_NOISE_MS ? offset : 0
}

/** Seconds until the code shown now changes (for the countdown on the code page). */
export function secondsUntilNextCode(now: Date): number {
  return CODE_STEP_SECONDS - (Math.floor(now.getTime() / 1000) % CODE_STEP_SECONDS)
}

export function parseMemberCode(code: string): { memberNo: string; otp: string } | null {
  const m = /^(\d{10})(\d{8})$/.exec(code)
  return m ? { memberNo: m[1], otp: m[2] } : null
}

/** Checks a code against the member's key: accepted window, or recognisably expired, or invalid. */
export function verifyMemberCode(key: string, code: string, now: Date): CodeCheck {
  const parsed = parseMemberCode(code)
  if (!parsed) return { ok: false, reason: 'invalid' }
  const current = stepOf(now)
  for (let step = current + CODE_ACCEPT_FUTURE_STEPS; step >= current - CODE_ACCEPT_PAST_STEPS; step--) {
    if (oneTimePassword(key, step) === parsed.otp) return { ok: true, memberNo: parsed.memberNo, step }
  }
  for (let step = current - CODE_ACCEPT_PAST_STEPS - 1; step >= current - CODE_RECOGNISE_PAST_STEPS; step--) {
    if (oneTimePassword(key, step) === parsed.otp) return { ok: false, reason: 'expired' }
  }
  return { ok: false, reason: 'invalid' }
}
