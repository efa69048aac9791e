/**
 * Storage rules with no I/O: what a cloud path may be, how fileIDs look, which folders are private
 * and what content type a file is served with.
 *
 * Cloud paths: relative (no leading `/`), no empty, `.` or `..` segment, no `\`, no control
 * characters, and none of `? # %` (they would not survive the SDK's `encodeURI(tempFileURL)`).
 */
import path from 'path'

export const LOCAL_ENV = 'local'
/** Shaped like a real CloudBase bucket: hex of the env's first two letters, env id, appid-like number. */
export const BUCKET = '6c6f-local-1300000000'
export const MAX_FILE_BYTES = 100 * 1024 * 1024
/** A temporary URL's lifetime when the caller asks for none. */
export const DEFAULT_MAX_AGE = 86_400
/** Folders nobody reads without a signed link (see semantics.ts). */
export const PRIVATE_PREFIXES: readonly string[] = ['exports/']
export const PRIVATE_LINK_MAX_SECONDS = 600

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.heic': 'image/heic',
  '.avif': 'image/avif',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.silk': 'audio/silk',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.xml': 'application/xml',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

/** The claimed content type when it is a plausible specific one, else the one the extension implies. */
export function contentTypeFor(cloudPath: string, claimed?: string): string {
  const c = (claimed ?? '').trim()
  if (c && c !== 'application/octet-stream' && /^[\w.+-]+\/[\w.+-]+(\s*;[^\r\n]*)?$/.test(c)) return c
  return CONTENT_TYPES[path.posix.extname(cloudPath).toLowerCase()] ?? 'application/octet-stream'
}

/** Why a cloud path is refused, or null when it is fine. */
export function cloudPathProblem(p: unknown): string | null {
  if (typeof p !== 'string' || p.length === 0) return 'cloudPath must be a non-empty string'
  if (Buffer.byteLength(p) > 850) return 'cloudPath is longer than 850 bytes'
  if (p.startsWith('/')) return 'cloudPath must not start with "/"'
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(p)) return 'cloudPath must not contain control characters'
  if (/[\\?#%]/.test(p)) return 'cloudPath must not contain \\ ? # or %'
  for (const seg of p.split('/')) {
    if (seg === '..') return 'cloudPath must not contain ".." (path traversal)'
    if (seg === '.' || seg === '') return 'cloudPath must not contain empty or "." segments'
  }
  return null
}

export const isPrivatePath = (cloudPath: string): boolean => PRIVATE_PREFIXES.some(prefix => cloudPath.startsWith(prefix))

/** How long a private file's link lives: the asked max_age in whole seconds, between 1 and PRIVATE_LINK_MAX_SECONDS. */
export const privateLinkSeconds = (maxAge: number): number => Math.max(1, Math.min(Math.floor(maxAge), PRIVATE_LINK_MAX_SECONDS))

export function fileIdFor(cloudPath: string): string {
  return `cloud://${LOCAL_ENV}.${BUCKET}/${cloudPath}`
}

/** `cloud://<env>.<bucket>/<path>` → its parts, or null when it is not a valid fileID. */
export function parseFileId(fileID: unknown): { env: string; bucket: string; path: string } | null {
  if (typeof fileID !== 'string') return null
  const m = /^cloud:\/\/([^./]+)\.([^/]+)\/(.+)$/.exec(fileID)
  if (!m || cloudPathProblem(m[3])) return null
  return { env: m[1], bucket: m[2], path: m[3] }
}
