/**
 * 用户隐私保护指引 and the member's consent: the current guide (settings/privacyPolicy, the default
 * until an admin sets one), agreeing to one version, withdrawing. The consent lives on the member
 * doc (`privacyConsent: { version, agreedAt }`, `privacyWithdrawnAt`); each change is audited in the
 * same transaction.
 */
import type { MemberActions } from './actions'
import type { ConsentOutputs, PrivacyConsentView, PrivacyPolicy, PrivacyState, StoredPrivacyConsent } from '../../types/consent'
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import { consentCovers } from '../../domain/consent'
import { auditIn } from '../shared/audit'
import { _ } from '../shared/cloud'
import { requireUser } from '../shared/handler'
import { deletedError, isDeleted, members, parseMember } from '../shared/members'
import { findById } from '../shared/query'
import { loadRules, loadRulesCached, PRIVACY_POLICY } from '../shared/rules'
import type { Doc, Transaction } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'

export const loadPrivacyPolicy = () => loadRules(PRIVACY_POLICY)

/** The consent a member doc records (MemberSchema does not carry it: read from the raw doc). */
function consentOf(doc: Doc | null): StoredPrivacyConsent | null {
  const stored = doc?.privacyConsent as { version?: unknown; agreedAt?: unknown } | null | undefined
  if (!stored || typeof stored.version !== 'string' || !stored.agreedAt) return null
  return { version: stored.version, agreedAt: new Date(stored.agreedAt as string | Date) }
}

const view = (consent: StoredPrivacyConsent): PrivacyConsentView => ({ version: consent.version, agreedAt: consent.agreedAt.toISOString() })
const isoOrNull = (value: unknown) => (value ? new Date(value as string | Date).toISOString() : null)

/**
 * For `login`: the guide's version and whether the member agreed to it. A guide that cannot be read
 * (a hand edit in the console) answers null rather than failing the sign-in; the client then asks
 * `privacyPolicy` when it needs to know. Read through the warm instance's rule cache (sign-in is the
 * hottest call): it only says whether to ask; agreePrivacy checks the version against a fresh read.
 */
export async function loginPrivacyState(): Promise<(doc: Doc | null) => PrivacyState | null> {
  try {
    const { rules: policy } = await loadRulesCached(PRIVACY_POLICY)
    return doc => ({ version: policy.version, upToDate: consentOf(doc)?.version === policy.version })
  } catch (err) {
    console.error('[member] privacy policy unreadable at login', err)
    return () => null
  }
}

/**
 * Personal-data actions (phone binding, a new avatar or nickname: domain/consent.ts) need a consent
 * to the current guide, else PRIVACY_CONSENT_REQUIRED — checked before anything is used up (WeChat's
 * phone code, an SMS attempt), so the client asks and sends the same request again. The version comes
 * from the warm instance's rule cache; a consent naming another one is checked against a fresh read
 * before refusing (the cache may be up to 30 s behind an agreement to a new version). A stored guide
 * that cannot be read (a hand edit in the console) locks nobody out: logged and let through, as
 * agreePrivacy could not record a consent then either (WeChat's own check still applies in the app).
 */
export async function requirePrivacyConsent(doc: Doc): Promise<void> {
  const consent = consentOf(doc)
  let policy: PrivacyPolicy
  try {
    policy = (await loadRulesCached(PRIVACY_POLICY)).rules
    if (consent && !consentCovers(consent, policy.version)) policy = (await loadPrivacyPolicy()).rules
  } catch (err) {
    console.error('[member] privacy policy unreadable: personal-data action let through without a consent check', err)
    return
  }
  if (consentCovers(consent, policy.version)) return
  throw new AppError('PRIVACY_CONSENT_REQUIRED', consent ? `《${policy.title}》已更新为 ${policy.version} 版，请阅读并同意后再继续` : `请先阅读并同意《${policy.title}》，再使用头像、昵称和手机号功能`)
}

/** The caller's member doc as stored and parsed (NOT_FOUND before sign-up, refused after deletion, as loadMember). */
export async function memberAndDoc(openid: string): Promise<{ doc: Doc; member: Member }> {
  const doc = await findById<Doc>(members, openid)
  if (!doc) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
  if (isDeleted(doc)) throw deletedError()
  return { doc, member: parseMember(doc) }
}

/** loadMember for an action that always needs consent (phone binding). */
export async function consentingMember(openid: string): Promise<Member> {
  const { doc, member } = await memberAndDoc(openid)
  await requirePrivacyConsent(doc)
  return member
}

/** The caller's member doc inside the transaction, as stored (NOT_FOUND before sign-up, refused after deletion). */
async function memberDocIn(t: Transaction, openid: string): Promise<Doc> {
  const doc = await getInTransaction(t, members, openid)
  if (!doc) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
  if (isDeleted(doc)) throw deletedError()
  return doc
}

function requireCurrent(policy: PrivacyPolicy, version: string): void {
  if (version !== policy.version) {
    throw new AppError('FAILED_PRECONDITION', `隐私保护指引已更新为 ${policy.version} 版，请阅读新版本后再同意`, [{ path: 'version', message: `当前版本为 ${policy.version}` }])
  }
}

export const consentActions: Pick<MemberActions, 'privacyPolicy' | 'agreePrivacy' | 'withdrawPrivacy'> = {
  async privacyPolicy(_event, ctx): Promise<ConsentOutputs['privacyPolicy']> {
    const openid = requireUser(ctx)
    const [{ rules: policy, updatedAt }, doc] = await Promise.all([loadPrivacyPolicy(), findById<Doc>(members, openid)])
    // the guide is readable by anyone signed in to WeChat; a deleted account has no consent to show
    const consent = doc && !isDeleted(doc) ? consentOf(doc) : null
    return { policy, updatedAt, consent: consent ? view(consent) : null, withdrawnAt: doc && !isDeleted(doc) ? isoOrNull(doc.privacyWithdrawnAt) : null, upToDate: consent?.version === policy.version }
  },

  async agreePrivacy(event, ctx): Promise<ConsentOutputs['agreePrivacy']> {
    const openid = requireUser(ctx)
    const { rules: policy } = await loadPrivacyPolicy()
    requireCurrent(policy, event.version)
    return transact(async t => {
      const existing = consentOf(await memberDocIn(t, openid))
      // a double tap, or agreeing on two pages: one record, one audit row
      if (existing?.version === event.version) return { consent: view(existing), upToDate: true as const, replayed: true }
      const consent: StoredPrivacyConsent = { version: event.version, agreedAt: ctx.now }
      // _.set: replace the whole field (an update merges objects key by key, and cannot into a null)
      await members
        .in(t)
        .doc(openid)
        .update({ data: { privacyConsent: _.set(consent), updatedAt: ctx.now } })
      await auditIn(t, { actor: openid, action: 'privacyConsent', target: openid, before: existing, after: consent, at: ctx.now })
      return { consent: view(consent), upToDate: true as const, replayed: false }
    })
  },

  async withdrawPrivacy(_event, ctx): Promise<ConsentOutputs['withdrawPrivacy']> {
    const openid = requireUser(ctx)
    return transact(async t => {
      const doc = await memberDocIn(t, openid)
      const existing = consentOf(doc)
      if (!existing) return { consent: null, upToDate: false as const, withdrawnAt: isoOrNull(doc.privacyWithdrawnAt), changed: false }
      await members
        .in(t)
        .doc(openid)
        .update({ data: { privacyConsent: null, privacyWithdrawnAt: ctx.now, updatedAt: ctx.now } })
      await auditIn(t, { actor: openid, action: 'privacyConsentWithdrawn', target: openid, before: existing, after: { withdrawnAt: ctx.now }, at: ctx.now })
      return { consent: null, upToDate: false as const, withdrawnAt: ctx.now.toISOString(), changed: true }
    })
  },
}
