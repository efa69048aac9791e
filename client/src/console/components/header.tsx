import type { ReactNode } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import '../console.css'

/** A console screen's title with the way back to 概览 (a link opened directly has no page to go back to). */
export default function ConsoleHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <View className='console-header'>
      <View>
        <Text className='console-title'>{title}</Text>
        {children}
      </View>
      <Button id='console-home-entry' className='console-nav-button' size='mini' onClick={() => void Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/console/home/index' }))}>
        概览
      </Button>
    </View>
  )
}
