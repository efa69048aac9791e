import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import '../staff.css'

/** The staff pages for someone who is not (or no longer) staff. */
export default function StaffDenied() {
  return (
    <View className='page'>
      <View id='staff-denied' className='state'>
        <Text className='staff-denied-title'>你不是店员</Text>
        <View>
          <Text className='muted'>店员工作台仅限门店店员使用。如需开通，请联系管理员。</Text>
        </View>
        <Button id='staff-denied-home' className='btn-primary staff-denied-home' onClick={() => void Taro.reLaunch({ url: '/pages/index/index' })}>
          返回会员中心
        </Button>
      </View>
    </View>
  )
}
