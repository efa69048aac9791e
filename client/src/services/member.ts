import type { MemberOutputs, ProfilePatch } from '../../../types/member'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

type Out<K extends keyof MemberOutputs> = Promise<Result<MemberOutputs[K]>>

/** The `member` cloud function's actions (contracts in types/member.ts). */
export const memberApi = {
  login(): Out<'login'> {
    return callFunction('member', { action: 'login' })
  },
  getProfile(): Out<'getProfile'> {
    return callFunction('member', { action: 'getProfile' })
  },
  updateProfile(patch: ProfilePatch): Out<'updateProfile'> {
    return callFunction('member', { action: 'updateProfile', patch })
  },
  getPoints(): Out<'getPoints'> {
    return callFunction('member', { action: 'getPoints' })
  },
  pointsHistory(offset: number, limit: number): Out<'pointsHistory'> {
    return callFunction('member', { action: 'pointsHistory', offset, limit })
  },
  getCodeKey(): Out<'getCodeKey'> {
    return callFunction('member', { action: 'getCodeKey' })
  },
  /** H5 / local only: a fake SMS code (the emulator answers it as `devCode`). */
  requestPhoneCode(phone: string): Out<'requestPhoneCode'> {
    return callFunction('member', { action: 'requestPhoneCode', phone })
  },
  /** weapp: the code from `<Button openType="getPhoneNumber">`, exchanged server-side. */
  bindPhone(wxCode: string): Out<'bindPhone'> {
    return callFunction('member', { action: 'bindPhone', wxCode })
  },
  bindPhoneBySms(phone: string, smsCode: string): Out<'bindPhoneBySms'> {
    return callFunction('member', { action: 'bindPhoneBySms', phone, smsCode })
  },
  exportMyData(): Out<'exportMyData'> {
    return callFunction('member', { action: 'exportMyData' })
  },
  deleteMyAccount(): Out<'deleteMyAccount'> {
    return callFunction('member', { action: 'deleteMyAccount', confirm: true })
  },
}
