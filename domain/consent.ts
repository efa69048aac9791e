/**
 * Which member actions need a consent to the current 用户隐私保护指引 (PIPL art. 13–14; WeChat's
 * privacy check), decided without I/O: cloudfunctions/member/consent.ts refuses them with
 * PRIVACY_CONSENT_REQUIRED, the client asks and sends again.
 *
 * WeChat's privacy rules cover the personal data its APIs hand to the mini-program: the avatar
 * (`chooseAvatar`), the nickname (`<input type="nickname">`, which offers the WeChat nickname), the
 * phone number (`getPhoneNumber`) and the clipboard. Birthday and gender are typed by the member into
 * the app's own form, through no WeChat API, for the birthday perks the guide names (optional fields
 * the member chooses to give): they are not gated, and neither is removing data (an avatar set to
 * null). A phone typed on H5 is gated like WeChat's, since it is the same personal data.
 */
import type { Member } from '../types/member'

/** Profile fields a WeChat privacy API fills in: a new value needs consent. */
export const CONSENT_PROFILE_FIELDS = ['nickname', 'avatarFileId'] as const

/** Does this profile change hand the app data a WeChat privacy API covers? (Clearing a field does not.) */
export function profileChangeNeedsConsent(changes: Partial<Pick<Member, (typeof CONSENT_PROFILE_FIELDS)[number]>>): boolean {
  return CONSENT_PROFILE_FIELDS.some(field => changes[field] !== undefined && changes[field] !== null)
}

/** A stored consent covers the guide when it names the current version (a new version asks again). */
export function consentCovers(consent: { version: string } | null | undefined, currentVersion: string): boolean {
  return !!consent && consent.version === currentVersion
}
