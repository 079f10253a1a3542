#!/usr/bin/env node
// `npm run style -- <put|get|list|delete> [name] [command] [--remote]`: manages the styles of
// PROTOCOL.md §4 in the CONFIG KV namespace through `wrangler kv` (local by default, the deployed
// namespace with --remote). A style is stored under `style:<name>`; its value is a command, the
// `image/` prefix optional. The name and command are checked the way the Worker checks them.
import { runNode, wrangler } from './run-node.mjs';

const args = process.argv.slice(2);
const remote = args.includes('--remote');
const [verb, name, command] = args.filter((arg) => !arg.startsWith('--'));
const STYLE_NAME = /^[0-9A-Za-z][0-9A-Za-z_]{0,63}$/;

const usage = () => {
  console.error(
    'usage: npm run style -- put <name> <command> | get <name> | list | delete <name> [--remote]',
  );
  process.exit(2);
};

const kv = (...rest) =>
  runNode(wrangler, ['kv', 'key', ...rest, '--binding', 'CONFIG', remote ? '--remote' : '--local']);

if (verb !== 'list' && (!name || !STYLE_NAME.test(name))) {
  if (verb && name) console.error(`A style name matches ${STYLE_NAME}; got ${name}.`);
  usage();
}
switch (verb) {
  case 'put': {
    if (!command) usage();
    const value = command.startsWith('image/') ? command : `image/${command}`;
    if (value.startsWith('image/style/') || value.split('/').length - 1 > 16) {
      console.error('A style is one command of at most 16 actions, and cannot name a style.');
      process.exit(2);
    }
    kv('put', `style:${name}`, value);
    console.log(`style ${name} = ${value}${remote ? '' : ' (local)'}`);
    break;
  }
  case 'get':
    process.stdout.write(`${kv('get', `style:${name}`).trim()}\n`);
    break;
  case 'delete':
    kv('delete', `style:${name}`);
    console.log(`style ${name} deleted`);
    break;
  case 'list': {
    const keys = JSON.parse(kv('list', '--prefix', 'style:'));
    for (const { name: key } of keys) console.log(key.slice('style:'.length));
    break;
  }
  default:
    usage();
}
