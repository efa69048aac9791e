/** README.md stays true about what admins can paste into the console. */
import fs from 'fs'
import path from 'path'
import { ADMIN_ACTION_DOCS } from '../../types/admin'
import { functionNames } from '../../scripts/build-functions'

const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8')

test.each(Object.entries(ADMIN_ACTION_DOCS))('the admin table has %s with its description and example', (name, doc) => {
  expect(readme).toContain(`| \`${name}\` | ${doc.description} | \`${JSON.stringify(doc.example)}\` |`)
})

test.each(functionNames())('the functions table describes %s', name => {
  expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'))
})
