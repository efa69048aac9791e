/** Numerical helpers for the buy-till-you-die models: log-gamma, 2F1, Nelder–Mead. Pure, no I/O. */

// local bindings: reaching the global Math is ~10× slower inside vm contexts such as jest's (nodejs/node#49283)
const { PI, abs, exp, log, max, min, sin } = Math

// Lanczos approximation, g = 7, n = 9 (about 15 significant digits for x > 0)
const LANCZOS_G = 7
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** ln Γ(x) for x > 0; reflection below 1/2 keeps the Lanczos sum accurate there. */
export function logGamma(x: number): number {
  if (x < 0.5) return log(PI / abs(sin(PI * x))) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i)
  const t = z + LANCZOS_G + 0.5
  return 0.5 * log(2 * PI) + (z + 0.5) * log(t) - t + log(sum)
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b)
}

/** ln(e^u + e^v) without overflow or underflow. */
export function logSumExp(u: number, v: number): number {
  const m = max(u, v)
  if (m === -Infinity) return -Infinity
  return m + log(exp(u - m) + exp(v - m))
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) by its power series, for |z| < 1. The BG/NBD only needs
 * 0 ≤ z < 1; convergence is slow as z → 1, hence the generous term budget.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, tolerance = 1e-15, maxTerms = 1_000_000): number {
  if (!(abs(z) < 1)) throw new RangeError(`hyp2f1: series needs |z| < 1, got ${z}`)
  let term = 1
  let sum = 1
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z
    sum += term
    if (abs(term) <= tolerance * abs(sum)) return sum
  }
  throw new RangeError(`hyp2f1: no convergence after ${maxTerms} terms (z = ${z})`)
}

export interface MinimizeOptions {
  /** Stop when the simplex values differ by less than this (absolute). */
  tolerance?: number
  maxIterations?: number
  /** Fresh simplexes started from the best point; Nelder–Mead can stall on a ridge. */
  restarts?: number
  /** Initial simplex edge (in the minimiser's coordinates). */
  step?: number
}

export interface MinimizeResult {
  x: number[]
  value: number
  evaluations: number
}

/** Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½). Non-finite values count as +∞. */
export function nelderMead(f: (x: number[]) => number, start: number[], options: MinimizeOptions = {}): MinimizeResult {
  const { tolerance = 1e-10, maxIterations = 20_000, restarts = 6, step = 0.5 } = options
  let evaluations = 0
  const value = (x: number[]) => {
    evaluations++
    const v = f(x)
    return Number.isFinite(v) ? v : Infinity
  }
  let best = { x: [...start], value: value(start) }
  for (let round = 0; round <= restarts; round++) {
    const before = best.value
    best = simplexRun(value, best.x, round === 0 ? step : step / 4, tolerance, maxIterations)
    // a restart that no longer improves means we sit at a genuine minimum
    if (round > 0 && before - best.value < tolerance) break
  }
  return { ...best, evaluations }
}

function simplexRun(f: (x: number[]) => number, start: number[], step: number, tolerance: number, maxIterations: number) {
  const n = start.length
  let pts = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map(x => ({ x, value: f(x) }))
  const blend = (from: number[], to: number[], t: number) => from.map((v, i) => v + t * (to[i] - v))
  const shrink = (towards: number[], from: number[]) => {
    const x = blend(towards, from, 0.5)
    return { x, value: f(x) }
  }
  let checkpoint = Infinity
  for (let it = 0; it < maxIterations; it++) {
    pts.sort((p, q) => p.value - q.value)
    const spread = pts[n].value - pts[0].value
    const size = max(...pts.slice(1).map(p => max(...p.x.map((v, i) => abs(v - pts[0].x[i])))))
    // both the values and the points must settle: a flat valley can fool the value test alone
    if (spread < tolerance && size < 1e-7) break
    // ...but on a ridge to infinity (a boundary optimum, e.g. BG/NBD with no dropout) the points never
    // settle: stop once a long stretch of iterations no longer improves the best value
    if (it % (50 * n) === 0) {
      if (it > 0 && checkpoint - pts[0].value < tolerance) break
      checkpoint = pts[0].value
    }
    const centroid = start.map((_, i) => pts.slice(0, n).reduce((s, p) => s + p.x[i], 0) / n)
    const worst = pts[n]
    const reflected = blend(centroid, worst.x, -1)
    const fr = f(reflected)
    if (fr < pts[0].value) {
      const expanded = blend(centroid, worst.x, -2)
      const fe = f(expanded)
      pts[n] = fe < fr ? { x: expanded, value: fe } : { x: reflected, value: fr }
    } else if (fr < pts[n - 1].value) {
      pts[n] = { x: reflected, value: fr }
    } else {
      const contracted = fr < worst.value ? blend(centroid, reflected, 0.5) : blend(centroid, worst.x, 0.5)
      const fc = f(contracted)
      if (fc < min(fr, worst.value)) pts[n] = { x: contracted, value: fc }
      else pts = pts.map((p, i) => (i === 0 ? p : shrink(pts[0].x, p.x)))
    }
  }
  pts.sort((p, q) => p.value - q.value)
  return pts[0]
}

/**
 * Minimises f over strictly positive parameters by running Nelder–Mead on their logarithms, so
 * no step can leave the domain (a negative α or r makes the likelihoods meaningless).
 */
export function minimizePositive(f: (params: number[]) => number, start: number[], options: MinimizeOptions = {}): MinimizeResult {
  const result = nelderMead(logs => f(logs.map(exp)), start.map(log), options)
  return { ...result, x: result.x.map(exp) }
}
