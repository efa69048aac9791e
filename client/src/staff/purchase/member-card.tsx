import { Text, View } from '@tarojs/components'
import type { MemberAtTill } from '../../../../types/staff'
import '../staff.css'

/** The member being served: nickname, phone (or member number) and points now. */
export default function PurchaseMemberCard({ member }: { member: MemberAtTill }) {
  return (
    <View id='purchase-member' className='card'>
      <Text className='muted'>会员</Text>
      <View className='till-member-line'>
        <Text id='purchase-member-nickname' className='till-member-name'>
          {member.nickname}
        </Text>
        <Text className='muted'>{member.maskedPhone || member.memberNo}</Text>
      </View>
      <Text className='muted'>当前积分 {member.points}</Text>
    </View>
  )
}
