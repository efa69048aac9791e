import type { MemberOutputs, ProfilePatch } from '../../../types/member'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

/** The `member` cloud function's actions (contracts in types/member.ts). */
export const memberApi = {
  login(): Promise<Result<MemberOutputs['login']>> {
    return callFunction('member', { action: 'login' })
  },
  getProfile(): Promise<Result<MemberOutputs['getProfile']>> {
    return callFunction('member', { action: 'getProfile' })
  },
  updateProfile(patch: ProfilePatch): Promise<Result<MemberOutputs['updateProfile']>> {
    return callFunction('member', { action: 'updateProfile', patch })
  },
}
