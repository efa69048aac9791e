import { Button, Text, View } from '@tarojs/components'

/** A whole page that is still loading. */
export function PageLoading({ id, text = '加载中…' }: { id: string; text?: string }) {
  return (
    <View className='page'>
      <View id={id} className='state muted'>{text}</View>
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
