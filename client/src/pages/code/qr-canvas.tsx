import { useEffect, useRef } from 'react'
import { Canvas } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { drawQr, qrMatrix, type Canvas2D } from '../../utils/qr'

interface Props {
  id: string
  /** what the QR code encodes */
  text: string
  /** CSS pixels per side */
  size: number
  /**
   * weapp: the native custom component this canvas renders in (Taro's `$scope` when a component is built
   * with `taro build native-components`): a page-level selector query cannot see into its shadow tree
   */
  scope?: unknown
}

interface Surface {
  width: number
  height: number
  getContext(type: '2d'): unknown
}

function pixelRatio(): number {
  if (process.env.TARO_ENV === 'h5') return typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1
  try {
    const info = typeof Taro.getWindowInfo === 'function' ? Taro.getWindowInfo() : Taro.getSystemInfoSync()
    return info.pixelRatio || 1
  } catch {
    return 2
  }
}

/** Sizes the backing store for the screen's pixel ratio and draws `text` as a QR code. */
function paint(surface: Surface, text: string, size: number): boolean {
  const ctx = surface.getContext('2d') as Canvas2D | null
  if (!ctx) return false
  const pixels = Math.round(size * Math.min(pixelRatio(), 3))
  if (surface.width !== pixels) surface.width = pixels
  if (surface.height !== pixels) surface.height = pixels
  drawQr(ctx, qrMatrix(text, 'M'), pixels)
  return true
}

/**
 * A QR code drawn on a canvas: weapp `<Canvas type='2d'>` (its node comes from a selector query once
 * the page has rendered it), H5 a plain <canvas>. Redrawn whenever `text` changes.
 */
export default function QrCanvas({ id, text, size, scope }: Props) {
  const h5Canvas = useRef<HTMLCanvasElement | null>(null)
  const weappNode = useRef<Surface | null>(null)

  useEffect(() => {
    if (!text) return
    if (process.env.TARO_ENV === 'h5') {
      if (h5Canvas.current) paint(h5Canvas.current, text, size)
      return
    }
    if (weappNode.current) {
      paint(weappNode.current, text, size)
      return
    }
    let cancelled = false
    Taro.nextTick(() => {
      const query = Taro.createSelectorQuery()
      if (scope) query.in(scope as Parameters<typeof query.in>[0])
      query
        .select(`#${id}`)
        .fields({ node: true, size: true })
        .exec((res: Array<{ node?: Surface } | null>) => {
          const node = res?.[0]?.node
          if (cancelled || !node) return
          weappNode.current = node
          paint(node, text, size)
        })
    })
    return () => {
      cancelled = true
    }
  }, [id, text, size, scope])

  if (process.env.TARO_ENV === 'h5') {
    return <canvas id={id} ref={h5Canvas} className='qr-canvas' role='img' aria-label='会员二维码' style={{ width: `${size}px`, height: `${size}px`, display: 'block' }} />
  }
  return <Canvas id={id} type='2d' className='qr-canvas' style={`width:${size}px;height:${size}px;`} />
}
