import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'

/** A whole page that is still loading. */
export function PageLoading({ id, text = '加载中…' }: { id: string; text?: string }) {
  return (
    <View className='page'>
      <View id={id} className='state muted'>
        {text}
      </View>
    </View>
  )
}

/** A whole page that failed to load, with the server's message and a retry button. */
export function PageError({ id, retryId, message, onRetry }: { id: string; retryId: string; message: string; onRetry: () => void }) {
  return (
    <View className='page'>
      <View id={id} className='state'>
        <Text className='error-text'>{message}</Text>
        <Button id={retryId} className={`btn-primary ${retryId}`} onClick={onRetry}>
          重试
        </Button>
      </View>
    </View>
  )
}

/** A sub-package page for someone without its role (not staff, not an operator): why, and the way home. */
export function PageDenied({ id, title, text, titleClassName }: { id: string; title: string; text: string; titleClassName: string }) {
  return (
    <View className='page'>
      <View id={id} className='state'>
        <Text className={titleClassName}>{title}</Text>
        <View>
          <Text className='muted'>{text}</Text>
        </View>
        <Button id={`${id}-home`} className={`btn-primary ${id}-home`} onClick={() => void Taro.reLaunch({ url: '/pages/index/index' })}>
          返回会员中心
        </Button>
      </View>
    </View>
  )
}
