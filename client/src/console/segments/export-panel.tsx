import { useState } from 'react'
import { Button, Label, Switch, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { SegmentOutputs, SegmentView } from '../../../../types/segments'
import { segmentsApi } from '../../services/console-segments'
import { failText } from '../../services/errors'
import { shanghaiDateTimeText } from '../../utils/format'
import { groupThousands } from '../format'

/**
 * Hands the export's link to the operator. H5: a new tab (the file answers as a download).
 * weapp: copied to the clipboard — wx.openDocument opens doc/xls/ppt/pdf but not CSV, so
 * downloadFile + openDocument cannot show it; the link pastes into a browser on the computer
 * (where the console is mostly used), and works there for its 10 minutes.
 */
export async function handOver(url: string): Promise<'opened' | 'copied'> {
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') {
    window.open(url, '_blank', 'noopener')
    return 'opened'
  }
  await Taro.setClipboardData({ data: url })
  return 'copied'
}

/** 导出 CSV of the saved segment open in the builder; 包含完整手机号 is a choice (audited either way). */
export default function ExportPanel(props: { segment: SegmentView; dirty: boolean; onDenied: () => void }) {
  const [includePhones, setIncludePhones] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [result, setResult] = useState<SegmentOutputs['exportSegment'] | null>(null)
  const [handed, setHanded] = useState<'opened' | 'copied' | null>(null)

  const run = async () => {
    setBusy(true)
    setError('')
    setResult(null)
    setHanded(null)
    try {
      const res = await segmentsApi.exportCsv(props.segment.segmentId, includePhones)
      if (res.ok) setResult(res.data)
      else if (res.code === 'PERMISSION_DENIED' || res.code === 'UNAUTHENTICATED') props.onDenied()
      else setError(failText(res))
    } catch (err) {
      setError(err instanceof Error && err.message ? err.message : '网络异常，请重试')
    } finally {
      setBusy(false)
    }
  }

  const isH5 = process.env.TARO_ENV === 'h5'
  return (
    <View id='segments-export' className='card segments-export'>
      <Text className='segments-section-title'>导出「{props.segment.name}」</Text>
      {props.dirty ? (
        <Text id='segments-export-dirty' className='muted segments-note'>
          导出的是已保存的条件；修改尚未保存。
        </Text>
      ) : null}
      <Label className='segments-check'>
        <Switch id='segments-export-phones' type='checkbox' checked={includePhones} onChange={e => setIncludePhones(!!e.detail.value)} />
        <Text>包含完整手机号</Text>
      </Label>
      <Text className='muted segments-note'>{includePhones ? '完整手机号属于个人信息：请妥善保管文件，导出记入审计。' : '手机号打码（如 138****5678）。'}</Text>
      {error ? (
        <Text id='segments-export-error' className='error-text'>
          {error}
        </Text>
      ) : null}
      <Button id='segments-export-submit' className='btn-primary segments-save-button' size='mini' disabled={busy || undefined} onClick={() => void run()}>
        {busy ? '导出中…' : '导出 CSV'}
      </Button>
      {result ? (
        <View id='segments-export-result' className='segments-export-result'>
          <Text id='segments-export-rows'>
            已导出 {groupThousands(result.rows)} 位会员，链接 {shanghaiDateTimeText(result.expiresAt)} 前有效（10 分钟）。
          </Text>
          <Text id='segments-export-url' className='segments-url' userSelect>
            {result.url}
          </Text>
          <Button
            id='segments-export-open'
            className='m360-action'
            size='mini'
            onClick={() => void handOver(result.url).then(setHanded, (err: unknown) => setError(err instanceof Error && err.message ? err.message : '复制失败，请手动复制链接'))}
          >
            {isH5 ? '下载文件' : '复制下载链接'}
          </Button>
          {handed === 'copied' ? (
            <Text id='segments-export-copied' className='muted'>
              已复制，请在电脑浏览器中打开下载。
            </Text>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}
