/**
 * The `wx.*` actions: what `cloud.openapi.*` and `cloud.getOpenData` send through wx-server-sdk.
 *
 * `wx.openApi` arrives as multipart (`apiName`, `requestData` = protobuf CommApiData as a file
 * part) and is answered with a protobuf CommOpenApiResp (`__raw`, sent as
 * application/octet-stream: the SDK decodes any non-JSON answer as protobuf):
 *   - OPEN_API (`cloud.openapi.<a>.<b>(data)`): `pairs` hold each top-level field as JSON text; the
 *     answer carries WeChat's JSON (`respData`, contentType application/json).
 *   - SVRKIT_API `ApiGetOpenDataByCloudId` (`cloud.getOpenData`): answer `respData` =
 *     ApiGetOpenDataByCloudIdResp with one JSON per cloudID.
 * `wx.api` (the deprecated `cloud.callOpenAPI`) is JSON in, `{ data: { responseData } }` out.
 *
 * Identity: the SDK forwards the env var WX_API_TOKEN as `wxCloudApiToken`. When the function
 * runtime sets it to JSON `{"appid","openid","function"}` (or that JSON in base64url), outbox
 * entries record who sent them; nothing is required for the APIs to work.
 */
import path from 'path'
import { TcbError, type EmulatorInfo, type TcbParams, type TcbReply, type TcbService } from '../service'
import { callOpenApi, DEFAULT_APPID, openDataFor, WX_ERR, WxBinary, type CallContext } from './apis'
import { Outbox, type OutboxMessage } from './outbox'
import { API_TYPE, decodeCommApiData, decodeGetOpenDataReq, encodeCommOpenApiResp, encodeGetOpenDataResp, ProtobufError, type KeyValuePair } from './protobuf'

export type { OutboxMessage } from './outbox'

export interface OpenApiService extends TcbService {
  /** Every message sent so far (survives restarts), newest last. */
  outbox(): OutboxMessage[]
}

const JSON_TYPE = 'application/json; charset=utf-8'

interface Caller {
  appid?: string
  openid?: string
  function?: string
}

/** WX_API_TOKEN as the runtime may set it: JSON or base64url JSON; anything else means "unknown caller". */
export function parseApiToken(token: unknown): Caller | undefined {
  if (typeof token !== 'string' || !token.trim()) return undefined
  const attempts = [token.trim()]
  if (/^[\w-]+=*$/.test(token.trim())) attempts.push(Buffer.from(token.trim(), 'base64url').toString('utf8'))
  for (const text of attempts) {
    try {
      const v: unknown = JSON.parse(text)
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>
        const pick = (k: string) => (typeof o[k] === 'string' && o[k] ? (o[k] as string) : undefined)
        const caller: Caller = { appid: pick('appid'), openid: pick('openid'), function: pick('function') }
        for (const k of Object.keys(caller) as Array<keyof Caller>) if (caller[k] === undefined) delete caller[k]
        return Object.keys(caller).length ? caller : undefined
      }
    } catch {
      // not JSON
    }
  }
  return undefined
}

/** One OPEN_API request pair → its value: JSON text (the SDK's encoding) or a media file. */
function pairValue(pair: KeyValuePair): unknown {
  if (pair.contenttype) return { contentType: pair.contenttype, fileName: pair.filename, value: pair.value }
  const text = pair.value.toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export async function createOpenApiService(info: EmulatorInfo): Promise<OpenApiService> {
  const outbox = Outbox.load(path.join(info.dataDir, 'openapi'))

  const context = (params: TcbParams, explicitAppid?: string): CallContext => {
    const { appid, ...who } = parseApiToken(params.wxCloudApiToken) ?? {}
    return { appid: explicitAppid || appid || DEFAULT_APPID, caller: Object.keys(who).length ? who : undefined, outbox }
  }

  const jsonAnswer = (body: unknown) => encodeCommOpenApiResp({ respData: Buffer.from(JSON.stringify(body), 'utf8'), contentType: JSON_TYPE, httpCode: 200 })

  async function openApi(params: TcbParams): Promise<Buffer> {
    const apiName = typeof params.apiName === 'string' ? params.apiName : ''
    let raw = params.requestData
    if (typeof raw === 'string') raw = Buffer.from(raw, 'latin1')
    if (!Buffer.isBuffer(raw)) throw new TcbError('INVALID_PARAM', 'wx.openApi: requestData must be the protobuf CommApiData')
    let req
    try {
      req = decodeCommApiData(raw)
    } catch (err) {
      if (err instanceof ProtobufError) throw new TcbError('INVALID_PARAM', `wx.openApi: requestData is not a valid CommApiData (${err.message})`)
      throw err
    }
    const ctx = context(params, req.appid || undefined)

    if (req.apiType === API_TYPE.OPEN_API) {
      const data: Record<string, unknown> = {}
      for (const pair of req.openapiData?.pairs ?? []) data[pair.key] = pairValue(pair)
      const answer = await callOpenApi(apiName, data, ctx)
      // an image (wxacode.*) goes back as it is, with its content type: the SDK answers { contentType, buffer }
      if (answer instanceof WxBinary) return encodeCommOpenApiResp({ respData: answer.buffer, contentType: answer.contentType, httpCode: 200 })
      return jsonAnswer(answer)
    }
    if (req.apiType === API_TYPE.SVRKIT_API && req.svrkitData?.apiName === 'ApiGetOpenDataByCloudId') {
      let list
      try {
        list = decodeGetOpenDataReq(req.svrkitData.reqData)
      } catch (err) {
        if (err instanceof ProtobufError) throw new TcbError('INVALID_PARAM', `getOpenData: invalid request (${err.message})`)
        throw err
      }
      const appid = list.appid || ctx.appid
      const items = list.cloudidList.map(cloudId => ({ cloudId, json: JSON.stringify(openDataFor(cloudId, appid)) }))
      return encodeCommOpenApiResp({ respData: encodeGetOpenDataResp(items), svrkitErrorCode: 0, httpCode: 200 })
    }
    // getVoIPSign, getCloudCallSign, token/inner APIs: not emulated → WeChat's "no permission"
    console.warn(`[openapi] ${req.svrkitData?.apiName || apiName || '(unnamed api)'} is not emulated by the local CloudBase`)
    return encodeCommOpenApiResp({ errorCode: WX_ERR.NO_PERMISSION, httpCode: 200 })
  }

  return {
    outbox: () => outbox.list(),

    async handle(action: string, params: TcbParams): Promise<TcbReply> {
      switch (action) {
        case 'wx.openApi':
          return { __raw: await openApi(params) }
        case 'wx.api': {
          // deprecated cloud.callOpenAPI: JSON request data, JSON answer
          const apiName = typeof params.apiName === 'string' ? params.apiName : ''
          let data: unknown = {}
          if (typeof params.requestData === 'string' && params.requestData) {
            try {
              data = JSON.parse(params.requestData)
            } catch {
              throw new TcbError('INVALID_PARAM', 'wx.api: requestData must be JSON')
            }
          }
          const record = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {}
          const result = await callOpenApi(apiName, record, context(params))
          // the deprecated path answers JSON only: an image travels as base64
          const json = result instanceof WxBinary ? { errcode: 0, errmsg: 'ok', contentType: result.contentType, buffer: result.buffer.toString('base64') } : result
          return { data: { responseData: JSON.stringify(json) } }
        }
        default:
          throw new TcbError('INVALID_ACTION', `${action} is not emulated by the local CloudBase (wx.openApi and wx.api are)`)
      }
    },

    async close() {
      await outbox.close()
    },
  }
}
