// tests/interop/node_peer.js -- a chat user driven by the stock
// socket.io-client, for the interop tests. It logs in over HTTP, connects
// with the options given (default options unless --polling), binds the
// legacy way (join), and then plays "echo peer": every received_message
// from the peer is answered with "echo: <content>"; the content "bye" ends
// it. It prints one JSON report line on stdout and exits 0 when it saw
// everything it should:
//   node node_peer.js BASE USER PASSWORD PEER [--polling]
"use strict";
const { io } = require("socket.io-client");

const [base, user, password, peer, mode] = process.argv.slice(2);
const report = { user, transport: null, upgraded: false, acks: [],
                 joined: null, peerOnline: false, received: [], errors: [] };

function finish(code) {
  console.log(JSON.stringify(report));
  process.exit(code);
}

setTimeout(() => { report.errors.push("timeout"); finish(1); }, 30000);

async function main() {
  const r = await fetch(base + "/log_in", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: user, password }),
  });
  const body = await r.json();
  if (body.result !== "success") {
    report.errors.push("login: " + JSON.stringify(body));
    return finish(1);
  }
  const jwt = body.token;
  const opts = mode === "--polling" ? { transports: ["polling"] } : {};
  const socket = io(base, opts);
  const room = [user, peer].sort().join("&");

  socket.io.engine.on("upgrade", () => { report.upgraded = true; });
  socket.on("connect_error", (e) => report.errors.push("connect_error: " + e.message));
  socket.on("new_user_online", (d) => {
    if (d && d.username === peer) report.peerOnline = true;
  });
  socket.on("received_message", (d) => {
    if (!d || d.sender !== peer) return;          // our own echo, or Admin
    report.received.push(d.content);
    if (d.content === "bye") {
      socket.emit("client_disconnection", { client: user, jwt });
      setTimeout(() => { socket.close(); finish(0); }, 300);
      return;
    }
    socket.emit("client_sends_message",
                { sender: user, content: "echo: " + d.content,
                  conversation_room: room, jwt },
                (ack) => report.acks.push(ack));
  });
  socket.on("connect", () => {
    report.transport = socket.io.engine.transport.name;
    socket.emit("join", { room, client: user, jwt }, (ack) => {
      report.joined = ack;
      console.error("ready");       // the test waits for this line
    });
  });
}

main().catch((e) => { report.errors.push(String(e)); finish(1); });
