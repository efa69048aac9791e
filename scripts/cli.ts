/**
 * The shell of a command-line script: parses `process.argv`, runs, and exits 2 on a usage error
 * (its message on stderr) or `failureCode` (default 1) when the run throws.
 */
export async function runCli<A>(parse: (argv: string[]) => A, run: (args: A) => unknown, opts: { failureCode?: number; prefix?: string } = {}): Promise<void> {
  let args: A
  try {
    args = parse(process.argv.slice(2))
  } catch (err) {
    console.error((err as Error).message)
    process.exit(2)
  }
  try {
    await run(args)
  } catch (err) {
    console.error(`${opts.prefix ?? ''}${(err as Error).message}`)
    process.exit(opts.failureCode ?? 1)
  }
}
