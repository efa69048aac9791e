/**
 * 用户隐私保护指引 (settings/privacyPolicy): brand admins read and replace it; the change is audited
 * by saveRules. A new version makes every member's consent out of date (member/consent.ts).
 */
import type { AdminActions } from './actions'
import type { PrivacyAdminOutputs } from '../../types/consent'
import { loadRules, PRIVACY_POLICY, saveRules } from '../shared/rules'

export const adminPrivacyActions: Pick<AdminActions, 'getPrivacyPolicy' | 'setPrivacyPolicy'> = {
  async getPrivacyPolicy(): Promise<PrivacyAdminOutputs['getPrivacyPolicy']> {
    const { rules: policy, isDefault, updatedAt } = await loadRules(PRIVACY_POLICY)
    return { policy, isDefault, updatedAt }
  },

  async setPrivacyPolicy(event, ctx): Promise<PrivacyAdminOutputs['setPrivacyPolicy']> {
    const before = await loadRules(PRIVACY_POLICY)
    const { rules: policy } = await saveRules(PRIVACY_POLICY, event.policy, ctx)
    return { policy, versionChanged: before.rules.version !== policy.version }
  },
}
