import type { ReactNode } from 'react'
import { Button, Text, View } from '@tarojs/components'

/** What a tab's list shows: loading, an error to retry, or its items. */
export type TabList<Item> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; items: Item[] }

/**
 * Two or more tabs over one list card, as 回访任务 and 关怀任务 show them: loading, an error with 重试,
 * the empty text, or the rows. Element ids start with `idPrefix` (`<p>-tab-<tab>`, `<p>-list`,
 * `<p>-list-loading`, `<p>-list-error`, `<p>-list-retry`, `<p>-empty`).
 */
export default function TabbedList<Tab extends string, Item>(props: {
  idPrefix: string
  tabs: ReadonlyArray<{ tab: Tab; label: ReactNode }>
  tab: Tab
  onTab: (tab: Tab) => void
  list: TabList<Item>
  onRetry: () => void
  empty: string
  row: (item: Item) => ReactNode
}) {
  const { idPrefix: p, list } = props
  return (
    <>
      <View className='followup-tabs'>
        {props.tabs.map(t => (
          <View
            key={t.tab}
            id={`${p}-tab-${t.tab}`}
            className={`followup-tab${props.tab === t.tab ? ' followup-tab-on' : ''}`}
            aria-selected={props.tab === t.tab ? 'true' : 'false'}
            onClick={() => props.onTab(t.tab)}
          >
            {t.label}
          </View>
        ))}
      </View>
      <View id={`${p}-list`} className='card'>
        {list.status === 'loading' ? (
          <Text id={`${p}-list-loading`} className='muted'>
            加载中…
          </Text>
        ) : list.status === 'error' ? (
          <View id={`${p}-list-error`} className='coupon-load-error'>
            <Text className='error-text'>{list.message}</Text>
            <Button id={`${p}-list-retry`} className='till-header-button' size='mini' onClick={props.onRetry}>
              重试
            </Button>
          </View>
        ) : list.items.length === 0 ? (
          <Text id={`${p}-empty`} className='muted'>
            {props.empty}
          </Text>
        ) : (
          list.items.map(props.row)
        )}
      </View>
    </>
  )
}
