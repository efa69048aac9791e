/**
 * The few protobuf messages wx-server-sdk exchanges with `wx.openApi` (field numbers copied from the
 * SDK's bundled `src/protobuf/openapi.js`). A tiny hand-written codec: no dependency on the SDK's
 * private protobufjs copy.
 *
 *   CommApiData      { 1 apiType: int32 (0 OPEN_API, 1 INNER_API, 2 SVRKIT_API, 3 TOKEN_API),
 *                      2 openapiData: OpenApiData, 3 innerData, 4 svrkitData: SvrkitApiData,
 *                      5 tokenData, 6 appid: string }
 *   OpenApiData      { 1 pairs: repeated KeyValuePair }
 *   KeyValuePair     { 1 key: string, 2 value: bytes (JSON text, or a media file), 3 contenttype, 4 filename }
 *   SvrkitApiData    { 1 apiName: string, 2 reqData: bytes }
 *   CommOpenApiResp  { 1 respData: bytes, 2 contentType: string, 3 errorCode: int32, 4 httpCode: uint32,
 *                      5 headers, 6 svrkitErrorCode: int32 }
 *   ApiGetOpenDataByCloudIdReq  { 2 cloudidList: repeated string, 3 appid: string }
 *   ApiGetOpenDataByCloudIdResp { 1 dataList: repeated { 1 cloudId: string, 2 json: string } }
 */

export const API_TYPE = { OPEN_API: 0, INNER_API: 1, SVRKIT_API: 2, TOKEN_API: 3 } as const

const WIRE_VARINT = 0
const WIRE_I64 = 1
const WIRE_LEN = 2
const WIRE_I32 = 5

export class ProtobufError extends Error {}

/** Calls `onField` for every field of one message; `value` is a bigint (varint) or a Buffer (length-delimited). */
function readFields(buf: Buffer, onField: (field: number, value: bigint | Buffer) => void): void {
  let pos = 0
  const varint = (): bigint => {
    let result = 0n
    let shift = 0n
    for (;;) {
      if (pos >= buf.length) throw new ProtobufError('truncated varint')
      const b = buf[pos++]
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
      if (shift > 63n) throw new ProtobufError('varint too long')
    }
  }
  while (pos < buf.length) {
    const tag = varint()
    const field = Number(tag >> 3n)
    const wire = Number(tag & 7n)
    if (field === 0) throw new ProtobufError('invalid field number 0')
    switch (wire) {
      case WIRE_VARINT:
        onField(field, varint())
        break
      case WIRE_I64:
        if (pos + 8 > buf.length) throw new ProtobufError('truncated fixed64')
        pos += 8
        break
      case WIRE_LEN: {
        const len = Number(varint())
        if (pos + len > buf.length) throw new ProtobufError('truncated length-delimited field')
        onField(field, buf.subarray(pos, pos + len))
        pos += len
        break
      }
      case WIRE_I32:
        if (pos + 4 > buf.length) throw new ProtobufError('truncated fixed32')
        pos += 4
        break
      default:
        throw new ProtobufError(`unsupported wire type ${wire}`)
    }
  }
}

const asInt32 = (v: bigint | Buffer): number => (typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : 0)
const asString = (v: bigint | Buffer): string => (Buffer.isBuffer(v) ? v.toString('utf8') : '')
const asBytes = (v: bigint | Buffer): Buffer => (Buffer.isBuffer(v) ? Buffer.from(v) : Buffer.alloc(0))

class Writer {
  private readonly parts: Buffer[] = []

  private varint(value: bigint): void {
    const bytes: number[] = []
    let v = BigInt.asUintN(64, value)
    do {
      let b = Number(v & 0x7fn)
      v >>= 7n
      if (v > 0n) b |= 0x80
      bytes.push(b)
    } while (v > 0n)
    this.parts.push(Buffer.from(bytes))
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire))
  }

  int32(field: number, value: number | undefined): this {
    if (value === undefined) return this
    this.tag(field, WIRE_VARINT)
    this.varint(BigInt(value | 0)) // negative int32 → 10-byte two's complement, as protobufjs writes it
    return this
  }

  uint32(field: number, value: number | undefined): this {
    if (value === undefined) return this
    this.tag(field, WIRE_VARINT)
    this.varint(BigInt(value >>> 0))
    return this
  }

  bytes(field: number, value: Buffer | undefined): this {
    if (value === undefined) return this
    this.tag(field, WIRE_LEN)
    this.varint(BigInt(value.length))
    this.parts.push(value)
    return this
  }

  string(field: number, value: string | undefined): this {
    return value === undefined ? this : this.bytes(field, Buffer.from(value, 'utf8'))
  }

  finish(): Buffer {
    return Buffer.concat(this.parts)
  }
}

export interface KeyValuePair {
  key: string
  value: Buffer
  contenttype: string
  filename: string
}

export interface CommApiData {
  apiType: number
  openapiData?: { pairs: KeyValuePair[] }
  svrkitData?: { apiName: string; reqData: Buffer }
  hasInnerData: boolean
  hasTokenData: boolean
  appid: string
}

function decodeKeyValuePair(buf: Buffer): KeyValuePair {
  const pair: KeyValuePair = { key: '', value: Buffer.alloc(0), contenttype: '', filename: '' }
  readFields(buf, (field, v) => {
    if (field === 1) pair.key = asString(v)
    else if (field === 2) pair.value = asBytes(v)
    else if (field === 3) pair.contenttype = asString(v)
    else if (field === 4) pair.filename = asString(v)
  })
  return pair
}

export function decodeCommApiData(buf: Buffer): CommApiData {
  const msg: CommApiData = { apiType: API_TYPE.OPEN_API, hasInnerData: false, hasTokenData: false, appid: '' }
  readFields(buf, (field, v) => {
    if (field === 1) msg.apiType = asInt32(v)
    else if (field === 2) {
      const pairs: KeyValuePair[] = msg.openapiData?.pairs ?? []
      readFields(asBytes(v), (f, pv) => {
        if (f === 1) pairs.push(decodeKeyValuePair(asBytes(pv)))
      })
      msg.openapiData = { pairs }
    } else if (field === 3) msg.hasInnerData = true
    else if (field === 4) {
      const svrkit: { apiName: string; reqData: Buffer } = { apiName: '', reqData: Buffer.alloc(0) }
      readFields(asBytes(v), (f, sv) => {
        if (f === 1) svrkit.apiName = asString(sv)
        else if (f === 2) svrkit.reqData = asBytes(sv)
      })
      msg.svrkitData = svrkit
    } else if (field === 5) msg.hasTokenData = true
    else if (field === 6) msg.appid = asString(v)
  })
  return msg
}

export function decodeGetOpenDataReq(buf: Buffer): { cloudidList: string[]; appid: string } {
  const msg = { cloudidList: [] as string[], appid: '' }
  readFields(buf, (field, v) => {
    if (field === 2) msg.cloudidList.push(asString(v))
    else if (field === 3) msg.appid = asString(v)
  })
  return msg
}

export function encodeGetOpenDataResp(items: Array<{ cloudId: string; json: string }>): Buffer {
  const w = new Writer()
  for (const item of items) w.bytes(1, new Writer().string(1, item.cloudId).string(2, item.json).finish())
  return w.finish()
}

export interface CommOpenApiResp {
  respData?: Buffer
  contentType?: string
  errorCode?: number
  httpCode?: number
  svrkitErrorCode?: number
}

export function encodeCommOpenApiResp(resp: CommOpenApiResp): Buffer {
  return new Writer().bytes(1, resp.respData).string(2, resp.contentType).int32(3, resp.errorCode).uint32(4, resp.httpCode).int32(6, resp.svrkitErrorCode).finish()
}
