// tests/lib/node/server.js -- the stock socket.io server (pinned in
// package.json) that tests/lib/tests/interop_sioc.c drives through
// tests/lib/run-interop.sh. Listens on 127.0.0.1, port 0 (the kernel picks
// one) and writes {"port":N} to the file named by argv[2] once listening.
// A short pingInterval makes server pings happen within a test
// (SIOC_PING_INTERVAL / SIOC_PING_TIMEOUT override it, e.g. for a load run).
'use strict';
const http = require('http');
const fs = require('fs');
const { Server } = require('socket.io');

const portFile = process.argv[2];
// SIOC_QUIET=1 (load runs): no peer_left broadcast, no per-socket log line
const quiet = process.env.SIOC_QUIET === '1';
const httpServer = http.createServer();
const io = new Server(httpServer, {
  pingInterval: Number(process.env.SIOC_PING_INTERVAL || 300),
  pingTimeout: Number(process.env.SIOC_PING_TIMEOUT || 400),
  transports: ['websocket'],
  maxHttpBufferSize: 1e6,
});

// auth: token "bad" is refused with a CONNECT_ERROR carrying data
io.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  if (auth.token === 'bad') {
    const err = new Error('bad token');
    err.data = { reason: 'token rejected' };
    return next(err);
  }
  next();
});

io.on('connection', (socket) => {
  let pongs = 0;
  socket.conn.on('packet', (p) => { if (p.type === 'pong') pongs++; });
  const raw = () => socket.conn.transport.socket;   // the ws WebSocket

  socket.emit('welcome', { sid: socket.id, auth: socket.handshake.auth });

  // echo every argument back as the same event
  socket.on('echo', (...args) => socket.emit('echo', ...args));
  // answer the ack with the arguments received (minus the callback)
  socket.on('ack_me', (...args) => {
    const ack = args.pop();
    if (typeof ack === 'function') ack(...args);
  });
  // ask the client for an ack, report what it answered
  socket.on('ask_ack', (arg) => {
    socket.timeout(2000).emit('please_ack', arg, (err, ...answer) => {
      socket.emit('client_acked', err ? { error: String(err) } : answer);
    });
  });
  socket.on('pong_count', (ack) => ack({ pongs }));
  socket.on('burst', (n) => {
    for (let i = 0; i < n; i++) socket.emit('burst_item', { i });
    socket.emit('burst_done', { n });
  });
  socket.on('big', (n) => socket.emit('big', { s: 'x'.repeat(n) }));
  // one event split into websocket continuation frames
  socket.on('fragment', () => {
    const ws = raw();
    ws.send('42["frag",{"part', { fin: false });
    ws.send('s":3,"text":"h\u00e9llo', { fin: false });
    ws.send(' w\u00f6rld"}]', { fin: true });
  });
  // a websocket-level ping; report whether our pong came back
  socket.on('ws_ping', () => {
    const ws = raw();
    ws.once('pong', (data) => socket.emit('ws_pong', { data: data.toString() }));
    ws.ping('hi');
  });
  // a binary event (attachment dropped by sioc), then a plain one
  socket.on('binary', () => {
    socket.emit('bin', { file: Buffer.from([1, 2, 3]) });
    socket.emit('after_bin', { ok: true });
  });
  socket.on('disconnect_me', () => {
    socket.emit('bye', { now: true });
    socket.disconnect(true);
  });
  socket.on('close_ws', () => raw().close(4001, 'go away'));
  socket.on('disconnect', (reason, details) => {
    if (quiet) return;
    socket.broadcast.emit('peer_left', { sid: socket.id, reason });
    const why = details && (details.message || details.description);
    process.stdout.write(JSON.stringify({ disconnect: socket.id, reason,
                                          details: why ? String(why) : undefined }) + '\n');
  });
});

httpServer.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const { port } = httpServer.address();
  fs.writeFileSync(portFile + '.tmp', JSON.stringify({ port }));
  fs.renameSync(portFile + '.tmp', portFile);
});

// exit at once: io.close() would run every socket's disconnect handler
process.on('SIGTERM', () => process.exit(0));
