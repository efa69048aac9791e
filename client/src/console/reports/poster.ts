/**
 * 渠道码海报: a PNG poster of a channel code — the code, the channel's name, its store and staff, and
 * 微信扫码，加入会员 — drawn on a canvas on the operator's device, where the system's Chinese fonts
 * are (a cloud function has none). H5: a browser canvas, downloaded as a file; the mini-program: an
 * offscreen Canvas 2D (base library ≥ 2.16.1), saved to the photo album.
 */
import Taro from '@tarojs/taro'

export const POSTER_WIDTH = 750
export const POSTER_HEIGHT = 1050
const CODE_SIZE = 480

export interface PosterChannel {
  name: string
  storeName: string | null
  staffName: string | null
  url: string | null
}

export interface PosterTexts {
  name: string
  sub: string
  hint: string
}

export const posterTexts = (c: PosterChannel): PosterTexts => ({
  name: c.name,
  sub: [c.storeName, c.staffName].filter(Boolean).join(' · '),
  hint: '微信扫码，加入会员',
})

/** What the poster draws with: the 2D context of a browser canvas and of the mini-program's Canvas 2D both have it. */
export interface PosterContext {
  fillStyle: unknown
  font: string
  textAlign: string
  textBaseline: string
  fillRect(x: number, y: number, w: number, h: number): void
  drawImage(image: unknown, x: number, y: number, w: number, h: number): void
  fillText(text: string, x: number, y: number, maxWidth?: number): void
}

/** The poster on a POSTER_WIDTH × POSTER_HEIGHT canvas: white, the code centred, the texts under it. */
export function drawPoster(ctx: PosterContext, code: unknown, texts: PosterTexts): void {
  const center = POSTER_WIDTH / 2
  const maxWidth = POSTER_WIDTH - 80
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, POSTER_WIDTH, POSTER_HEIGHT)
  ctx.drawImage(code, (POSTER_WIDTH - CODE_SIZE) / 2, 120, CODE_SIZE, CODE_SIZE)
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  ctx.fillStyle = '#222222'
  ctx.font = 'bold 44px sans-serif'
  ctx.fillText(texts.name, center, 700, maxWidth)
  ctx.fillStyle = '#666666'
  ctx.font = '32px sans-serif'
  if (texts.sub) ctx.fillText(texts.sub, center, 770, maxWidth)
  ctx.fillStyle = '#b8860b'
  ctx.font = '30px sans-serif'
  ctx.fillText(texts.hint, center, 880, maxWidth)
}

/** A file name for the poster: the channel's name without characters file systems refuse. */
export const posterFileName = (c: PosterChannel) => `渠道码-${c.name.replace(/[\\/:*?"<>|\s]+/g, '_')}.png`

async function loadedImage<T extends { onload: unknown; onerror: unknown; src: string }>(image: T, src: string): Promise<T> {
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve()
    image.onerror = () => reject(new Error('二维码图片加载失败，请稍后重试'))
    image.src = src
  })
  return image
}

/** H5: draws the poster and downloads it as a PNG file. */
async function downloadPoster(c: PosterChannel & { url: string }): Promise<void> {
  const image = new Image()
  // the code is served by cloud storage: without CORS the canvas could not be exported
  image.crossOrigin = 'anonymous'
  await loadedImage(image, c.url)
  const canvas = document.createElement('canvas')
  canvas.width = POSTER_WIDTH
  canvas.height = POSTER_HEIGHT
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('浏览器不支持画布，请用打印')
  drawPoster(ctx, image, posterTexts(c))
  const link = document.createElement('a')
  link.href = canvas.toDataURL('image/png')
  link.download = posterFileName(c)
  document.body.appendChild(link)
  link.click()
  link.remove()
}

/** The mini-program: draws the poster offscreen and saves it to the photo album. */
async function savePosterToAlbum(c: PosterChannel & { url: string }): Promise<void> {
  const canvas = Taro.createOffscreenCanvas({ type: '2d', width: POSTER_WIDTH, height: POSTER_HEIGHT }) as unknown as {
    getContext(type: '2d'): PosterContext
    createImage(): { onload: unknown; onerror: unknown; src: string }
  }
  const image = await loadedImage(canvas.createImage(), c.url)
  drawPoster(canvas.getContext('2d'), image, posterTexts(c))
  const { tempFilePath } = await Taro.canvasToTempFilePath({ canvas } as unknown as Taro.canvasToTempFilePath.Option)
  await Taro.saveImageToPhotosAlbum({ filePath: tempFilePath })
}

/** Makes the poster PNG of a channel with a code link: a download on H5, the photo album in the mini-program. */
export async function savePoster(c: PosterChannel): Promise<void> {
  if (!c.url) throw new Error('二维码链接已过期，请刷新后重试')
  const withUrl = { ...c, url: c.url }
  if (process.env.TARO_ENV === 'h5') await downloadPoster(withUrl)
  else await savePosterToAlbum(withUrl)
}
