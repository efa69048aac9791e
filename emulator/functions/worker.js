// One warm SCF-like instance: loads a built function once and runs one request at a time, so
// process.env (which wx-server-sdk's getWXContext reads) holds exactly that request's identity.
// Plain CommonJS on purpose: function code runs as on CloudBase, without the emulator's TS loader.
'use strict'

const file = process.env.EMU_FUNCTION_FILE
const baseEnv = { ...process.env }
let mod

process.on('message', async msg => {
  if (!msg || msg.type !== 'invoke') return
  for (const key of Object.keys(process.env)) if (!(key in baseEnv)) delete process.env[key]
  Object.assign(process.env, msg.env)
  try {
    if (!mod) mod = require(file)
    if (typeof mod.main !== 'function') throw new Error(`${file} does not export main`)
    const result = await mod.main(msg.event, msg.context)
    // JSON round trip: what SCF returns to the caller is the JSON of the result
    const json = result === undefined ? 'null' : JSON.stringify(result)
    process.send({ type: 'result', id: msg.id, ok: true, json })
  } catch (err) {
    process.send({ type: 'result', id: msg.id, ok: false, error: err && err.stack ? String(err.stack) : String(err) })
  }
})

process.on('unhandledRejection', err => {
  // SCF would log and keep the instance; so do we
  console.error('[function] unhandled rejection', err)
})

process.send({ type: 'ready' })
