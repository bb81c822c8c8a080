// The supervisor's entry in the image (/opt/agentgate/start.cjs): it turns on Node's compile cache, made at build
// time in /opt/agentgate/compile-cache (the root is read-only at run time, so it is only read), before loading
// the bundle, so each start deserializes the bundle's compiled code instead of compiling it again. Node keys the
// cache by its version, flags and uid: another Node, other flags or another uid simply compile as before.
// Not NODE_COMPILE_CACHE: the agent would inherit it. NODE_DISABLE_COMPILE_CACHE=1 turns it off (make bench).
process.on('SIGUSR1', function () {}); // as the bundle's first statement: see scripts/build.mjs
require('node:module').enableCompileCache?.(`${__dirname}/compile-cache`);
require('./supervisor.cjs');
