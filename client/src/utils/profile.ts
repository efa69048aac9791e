import type { MemberProfile, ProfilePatch } from '../../../types/member'

/** What the profile form edits. */
export interface ProfileDraft {
  nickname: string
  avatarFileId: string | null
  birthday: string | null
  gender: MemberProfile['gender']
}

export function draftOf(member: MemberProfile): ProfileDraft {
  return {
    nickname: member.nickname,
    avatarFileId: member.avatarFileId,
    birthday: member.birthday,
    gender: member.gender,
  }
}

/** Only the fields that differ from what the server has (nickname compared after trimming). */
export function changedFields(member: MemberProfile, draft: ProfileDraft): ProfilePatch {
  const patch: ProfilePatch = {}
  if (draft.nickname.trim() !== member.nickname) patch.nickname = draft.nickname
  if (draft.avatarFileId !== member.avatarFileId) patch.avatarFileId = draft.avatarFileId
  if (draft.birthday !== member.birthday) patch.birthday = draft.birthday
  if (draft.gender !== member.gender) patch.gender = draft.gender
  return patch
}
