import { z } from 'zod'

/** A client-generated id that makes a write repeatable without effect (double taps, retries). */
export const clientRequestId = z.string().regex(/^[\w-]{8,64}$/, 'requestId 为 8–64 位字母数字')
