import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import '../console.css'

/** The console for someone who is not (or no longer) a brand admin or store manager. */
export default function ConsoleDenied() {
  return (
    <View className='page'>
      <View id='console-denied' className='state'>
        <Text className='console-title'>无管理权限</Text>
        <View>
          <Text className='muted'>管理后台仅限品牌管理员和店长使用。如需开通，请联系品牌管理员。</Text>
        </View>
        <Button id='console-denied-home' className='btn-primary' onClick={() => void Taro.reLaunch({ url: '/pages/index/index' })}>
          返回会员中心
        </Button>
      </View>
    </View>
  )
}
