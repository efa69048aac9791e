import { Button, Text, View } from '@tarojs/components'
import type { MemberAtTill, StaffOutputs } from '../../../../types/staff'
import '../staff.css'

/** The member whose coupons are written off, with 换一位会员. */
export default function WriteOffMemberCard({ member, busy, onClear }: { member: MemberAtTill; busy: boolean; onClear: () => void }) {
  return (
    <View id='writeoff-member' className='card'>
      <View className='till-member-line'>
        <Text id='writeoff-member-nickname' className='till-member-name'>
          {member.nickname}
        </Text>
        <Button id='writeoff-clear' className='till-header-button' size='mini' disabled={busy || undefined} onClick={onClear}>
          换一位会员
        </Button>
      </View>
      <Text className='muted'>
        会员号 {member.memberNo}
        {member.maskedPhone ? ` · ${member.maskedPhone}` : ''} · {member.tierName}
      </Text>
    </View>
  )
}

/** Before a member is found: 核销券 at this store, by this staff member. */
export function WriteOffStore({ me }: { me: StaffOutputs['me'] }) {
  return (
    <View id='writeoff-store' className='card till-store'>
      <View>
        <Text className='till-section-title'>核销券</Text>
        <Text className='muted'>
          {me.storeName} · 店员：{me.name}
        </Text>
      </View>
    </View>
  )
}
