import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Result } from '../../../../types/result'
import { failText } from '../../services/errors'
import type { PageLoad } from '../../utils/use-page-load'
import { errorOf } from './forms'

/** A store panel's list states: 加载中, the error with 重试, and the empty text (`<id>-error`, `<id>-retry`, `<id>-empty`). */
export function ListStates(props: { id: string; load: PageLoad<{ status: 'ready' }>; count: number; emptyText: string; onRetry: () => void }) {
  const { load } = props
  if (load.status === 'loading') return <View className='state muted'>加载中…</View>
  if (load.status === 'error')
    return (
      <View id={`${props.id}-error`} className='state'>
        <Text className='error-text'>{load.message}</Text>
        <Button id={`${props.id}-retry`} size='mini' onClick={props.onRetry}>
          重试
        </Button>
      </View>
    )
  if (props.count === 0)
    return (
      <View id={`${props.id}-empty`} className='muted stores-empty'>
        {props.emptyText}
      </View>
    )
  return null
}

/** A row action (停用, 撤销, 设为店长): confirmed in a dialog, then run; a refusal is kept to show under the list. */
export function useConfirmedAction() {
  const [actionError, setActionError] = useState('')
  const act = async (dialog: { title: string; content: string }, run: () => Promise<Result<unknown>>, after: () => void) => {
    const answer = await Taro.showModal(dialog)
    if (!answer.confirm) return
    setActionError('')
    try {
      const res = await run()
      if (!res.ok) return setActionError(failText(res))
      after()
    } catch (err) {
      setActionError(errorOf(err))
    }
  }
  return { actionError, act }
}
